"""What erasing a customer leaves on their orders: the books, not the person.

An order keeps everything the merchant's accounts need (lines, prices, taxes, totals, dates,
status, the customer's id) and the parts of the addresses that decided the tax charged: country
and region. Everything that identifies or describes the buyer goes: email, name, phone, the rest
of both addresses, the buyer's notes, and addresses copied into the timeline and into previewed
changes. The buyer's email becomes the customer's own pseudonym (``erased+<id>@invalid``), so the
order still names a unique, undeliverable address and the tracking lookup no longer answers to
the old one.

Invoices are not orders: once they exist (payments), they are kept with the billing address for
the legal retention period and are not touched by this (see ``docs/decisions/0007-erasure.md``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from oms.shared.address import Address

ERASED_NAME = "Erased customer"
ADDRESS_KEYS = frozenset({"shipping_address", "billing_address", "address"})
"""Keys under which the timeline and stored changes copy an address."""
KEPT_ADDRESS_PARTS = ("country", "region")


def erased_email(customer_id: UUID) -> str:
    """The customer's pseudonym, as the customers context sets it: unique, and never mail."""
    return f"erased+{customer_id}@invalid"


@dataclass(frozen=True, slots=True, kw_only=True)
class BuyerRecords:
    """The personal data one order holds, as erasure reads and rewrites it."""

    order_id: UUID
    email: str
    name: str
    phone: str | None
    shipping_address: Address
    billing_address: Address | None
    notes: str
    timeline: Mapping[int, Mapping[str, Any]]
    """Details of the order's timeline entries that copy an address, by position."""
    change_requests: Mapping[UUID, Mapping[str, Any]]
    """Requested operations of the order's changes that carry an address, by change id."""


def erase_address(address: Address) -> Address:
    """Only what decided the tax: country and region."""
    return Address(line1="", city="", country=address.country, region=address.region)


def erase_copies(value: Any) -> Any:
    """``value`` (JSON) with every address copied into it erased, wherever it is nested."""
    if isinstance(value, Mapping):
        return {
            key: (
                _erase_address_dict(item)
                if key in ADDRESS_KEYS and isinstance(item, Mapping)
                else erase_copies(item)
            )
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [erase_copies(item) for item in value]
    return value


def _erase_address_dict(address: Mapping[str, Any]) -> dict[str, Any]:
    return {key: (value if key in KEPT_ADDRESS_PARTS else "") for key, value in address.items()}


def holds_address(value: Any) -> bool:
    """Whether JSON ``value`` copies an address somewhere (so erasure must rewrite it)."""
    if isinstance(value, Mapping):
        return any(
            (key in ADDRESS_KEYS and isinstance(item, Mapping)) or holds_address(item)
            for key, item in value.items()
        )
    if isinstance(value, list):
        return any(holds_address(item) for item in value)
    return False


def erase_buyer(records: BuyerRecords, customer_id: UUID) -> BuyerRecords:
    """The order's personal data erased (see the module's docstring for what stays)."""
    return dataclasses.replace(
        records,
        email=erased_email(customer_id),
        name=ERASED_NAME,
        phone=None,
        shipping_address=erase_address(records.shipping_address),
        billing_address=erase_address(records.billing_address) if records.billing_address else None,
        notes="",
        timeline={position: erase_copies(d) for position, d in records.timeline.items()},
        change_requests={
            change_id: erase_copies(r) for change_id, r in records.change_requests.items()
        },
    )
