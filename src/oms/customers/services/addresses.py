"""Use cases on a customer's saved addresses: add, change, remove.

Each keeps exactly one default shipping and one default billing address while any exist
(``arrange_defaults``); the customer row is locked first, so concurrent edits of one customer's
addresses queue instead of leaving two defaults.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID

from oms.customers.domain import (
    Customer,
    CustomerAddress,
    CustomerAddressAdded,
    CustomerAddressChanged,
    CustomerAddressRemoved,
    arrange_defaults,
    checked_address,
    editable,
)
from oms.customers.repository import CUSTOMERS
from oms.platform.unit_of_work import Transaction, UnitOfWork
from oms.shared.address import Address
from oms.shared.ids import new_id

_ADDRESS_FIELDS = ("name", "company", "line1", "line2", "city", "postal_code", "region", "country")


@dataclass(frozen=True, kw_only=True)
class AddAddress:
    customer_id: UUID
    address: Address
    label: str = ""
    default_shipping: bool = False
    default_billing: bool = False


@dataclass(frozen=True, kw_only=True)
class UpdateAddress:
    """Only the fields given (not None) change; the address is validated again as a whole."""

    customer_id: UUID
    address_id: UUID
    label: str | None = None
    name: str | None = None
    company: str | None = None
    line1: str | None = None
    line2: str | None = None
    city: str | None = None
    postal_code: str | None = None
    region: str | None = None
    country: str | None = None
    default_shipping: bool | None = None
    default_billing: bool | None = None


@dataclass(frozen=True, kw_only=True)
class RemoveAddress:
    customer_id: UUID
    address_id: UUID


def _editable(tx: Transaction, customer_id: UUID) -> Customer:
    """The customer, row-locked until commit so concurrent edits queue; erased ones refuse."""
    return editable(tx.repo(CUSTOMERS).by_id(customer_id, lock=True), customer_id)


def _store(
    tx: Transaction,
    customer: Customer,
    before: Sequence[CustomerAddress],
    after: Sequence[CustomerAddress],
) -> None:
    """Write the addresses that differ from what was stored (new ones are inserted); the
    customer goes one version up with them."""
    customers = tx.repo(CUSTOMERS)
    stored = {a.id: a for a in before}
    for saved in after:
        if saved.id not in stored:
            customers.add_address(customer.id, saved, tx.now)
        elif stored[saved.id] != saved:
            customers.update_address(saved, tx.now)
    customers.update(dataclasses.replace(customer, addresses=tuple(after), updated_at=tx.now))


def add_address(cmd: AddAddress, *, uow: UnitOfWork) -> CustomerAddress:
    """Save an address; the first one, or one marked so, becomes the default."""
    added = checked_address(
        CustomerAddress(
            id=new_id(),
            label=cmd.label,
            address=cmd.address,
            default_shipping=cmd.default_shipping,
            default_billing=cmd.default_billing,
        )
    )
    with uow.begin() as tx:
        customer = _editable(tx, cmd.customer_id)
        arranged = arrange_defaults([*customer.addresses, added], preferred=added.id)
        _store(tx, customer, customer.addresses, arranged)
        tx.record(CustomerAddressAdded(aggregate_id=customer.id, address_id=added.id))
    return arranged[-1]


def update_address(cmd: UpdateAddress, *, uow: UnitOfWork) -> CustomerAddress:
    """Change an address or make it a default; unmarking a default hands it to the oldest."""
    with uow.begin() as tx:
        customer = _editable(tx, cmd.customer_id)
        current = customer.address(cmd.address_id)
        parts = {f: getattr(cmd, f) for f in _ADDRESS_FIELDS if getattr(cmd, f) is not None}
        flags = {
            f: getattr(cmd, f)
            for f in ("label", "default_shipping", "default_billing")
            if getattr(cmd, f) is not None
        }
        changed = checked_address(
            dataclasses.replace(
                current, address=dataclasses.replace(current.address, **parts), **flags
            )
        )
        arranged = arrange_defaults(
            [changed if a.id == current.id else a for a in customer.addresses],
            preferred=current.id,
        )
        _store(tx, customer, customer.addresses, arranged)
        result = next(a for a in arranged if a.id == current.id)
        tx.record(
            CustomerAddressChanged(
                aggregate_id=customer.id,
                address_id=current.id,
                changed=tuple(sorted(parts | flags)),
            )
        )
    return result


def remove_address(cmd: RemoveAddress, *, uow: UnitOfWork) -> None:
    """Delete a saved address; if it was a default, the oldest remaining one takes over."""
    with uow.begin() as tx:
        customer = _editable(tx, cmd.customer_id)
        removed = customer.address(cmd.address_id)
        remaining = [a for a in customer.addresses if a.id != removed.id]
        tx.repo(CUSTOMERS).delete_addresses(customer.id, [removed.id])
        _store(tx, customer, remaining, arrange_defaults(remaining))
        tx.record(CustomerAddressRemoved(aggregate_id=customer.id, address_id=removed.id))
