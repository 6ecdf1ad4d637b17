"""Examples of events: a deterministic, valid instance of any event class.

Built from the class's field names and types alone, so a new event type has an example the day it
is written: ids derived from field names (the same id under the same name in every example),
plausible strings and amounts by field name, optional fields filled, one item per list. The same
values every time, so the generated docs and the tests that need one event of every type are stable.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, TypeVar, Union
from uuid import UUID, uuid5

from oms.shared.events import Event
from oms.shared.money import Money

E = TypeVar("E", bound=Event)
T = TypeVar("T")

EXAMPLE_NAMESPACE = UUID("6f1c1f5e-9a55-4c8e-9d0b-2f7f0c6e3a10")
"""Example ids are ``uuid5(EXAMPLE_NAMESPACE, field name)``: the same id under the same name in
every example, so ``order_id`` in a fulfilment event is the ``aggregate_id`` of an order's."""

EXAMPLE_OCCURRED_AT = datetime(2026, 12, 3, 10, 30, tzinfo=UTC)
"""The instant of every example (and of the example envelope)."""

EXAMPLE_CURRENCY = "EUR"

_STRINGS: Mapping[str, str] = {
    "actor": "api-key:0b4f3c9e-2d7a-4c1e-9f6b-8a5d2e7c1b30",
    "carrier": "dhl",
    "channel": "web",
    "channel_code": "web",
    "country": "DE",
    "currency": EXAMPLE_CURRENCY,
    "delivery": "ship",
    "disposition": "restock",
    "failure_code": "card_declined",
    "format": "stripe",
    "how": "delivered",
    "invoice_number": "INV-2026-000001",
    "linked_number": "SO-10002",
    "location": "wh-de",
    "name": "Germany",
    "note": "Damaged on the shelf",
    "number": "SO-10001",
    "order_number": "SO-10001",
    "pickup_code": "482913",
    "pickup_location": "store-berlin",
    "preorder_release_on": "2027-01-15",
    "provider": "stripe",
    "reason": "customer_request",
    "receiving_location": "wh-de",
    "reference": "SO-10001-F1-1",
    "resolution": "refund",
    "return_shipping_paid_by": "customer",
    "return_status": "requested",
    "rma": "RMA-000001",
    "role": "csr",
    "rule": "total_above",
    "service": "standard",
    "sku": "NW-TSH-BLA-M",
    "source": "customer",
    "status": "in_transit",
    "tax_category": "standard",
    "tracking_number": "00340434161094042557",
    "tracking_url": "https://www.dhl.de/track?piececode=00340434161094042557",
}
"""Plausible values of string fields by name; a name not here gets ``example-<name>``."""

_AGGREGATE_STRINGS: Mapping[tuple[str, str], str] = {
    ("channel", "code"): "web",
    ("location", "code"): "wh-de",
    ("shipping_zone", "code"): "de",
    ("customer", "number"): "CU-10001",
    ("fulfilment_order", "number"): "SO-10001-F1",
    ("shipment", "number"): "SO-10001-F1-1",
    ("shipment", "previous"): "label_created",
    ("return", "number"): "RMA-000001",
    ("return", "kind"): "return",
    ("return", "reason"): "outside_window",
    ("order", "kind"): "exchange",
    ("payment", "kind"): "capture",
    ("store_credit", "kind"): "issue",
    ("shipment", "kind"): "parcel",
    ("inventory_item", "reason"): "purchase_order",
    ("inventory_item", "reference"): "PO-2026-0042",
}
"""Where one field name means different things per aggregate: ``(aggregate, field)`` first."""

_TYPE_STRINGS: Mapping[tuple[str, str], str] = {
    ("orders.order_held.v1", "reason"): "fraud_review",
    ("orders.hold_released.v1", "reason"): "fraud_review",
    ("fulfilment.fulfilment_order_released.v1", "status"): "open",
    ("fulfilment.fulfilment_order_rejected.v1", "reason"): "stock_not_found",
    ("fulfilment.uncollected_pickup_cancelled.v1", "reason"): "not_collected",
}
"""Where even one aggregate's events use a name differently: ``(event type, field)`` first."""

_STRING_ITEMS: Mapping[str, str] = {
    "away_from": "wh-fr",
    "changed": "name",
    "changes": "shipping_address",
    "countries": "DE",
    "reasons": "wrong_size",
    "skus": "NW-TSH-BLA-M",
}
"""The one item of a list of strings, by the list's name."""

_INTEGERS: Mapping[str, int] = {
    "allocated": 2,
    "amount_minor": 4999,
    "balance_minor": 4999,
    "from_on_hand": 8,
    "lines": 3,
    "low_stock_threshold": 5,
    "matched": 42,
    "on_hand": 10,
    "on_hand_delta": 10,
    "preorder_cap": 100,
    "quantity": 2,
    "settled": 42,
    "to_on_hand": 12,
    "version": 1,
}
"""Integer fields by name; others are 0 when they count problems or deltas, else 1."""

_ZERO_SUFFIXES = ("_delta", "_mismatch", "missing_in_oms", "not_settled", "unavailable")

_TRUE_BOOLEANS = frozenset({"all_delivered", "automatic", "complete", "granted", "items_kept"})
"""Boolean fields whose example is ``True`` (the interesting case); the rest are ``False``."""

_DECIMALS: Mapping[str, Decimal] = {"rate": Decimal("0.19"), "previous": Decimal("0.16")}

_AMOUNTS: Mapping[str, Decimal] = {
    "difference": Decimal("5.00"),
    "free_over": Decimal("50.00"),
    "previous": Decimal("24.99"),
    "price": Decimal("19.99"),
    "refund": Decimal("19.99"),
    "restocking_fee": Decimal("2.50"),
    "tax": Decimal("3.19"),
    "total": Decimal("39.98"),
}


def example_event(cls: type[E]) -> E:
    """A valid instance of event class ``cls``, the same on every call.

    Every field is filled, optional ones too (an example shows what a field holds), tuples hold
    one item, ids are derived from field names. For documentation and for tests that need one
    event of every type; the instance passes the class's own checks and round-trips through
    ``payload()`` / ``from_payload``.
    """
    return _example_instance(cls, event=cls)


def _example_instance(cls: type[T], *, event: type[Event]) -> T:
    hints = typing.get_type_hints(cls)
    values = {
        field.name: _example_value(hints[field.name], field.name, event)
        for field in dataclasses.fields(cls)  # type: ignore[arg-type]
        if field.init
    }
    if "aggregate_id" in values:
        values["aggregate_id"] = example_id(f"{event.aggregate}_id")
    return cls(**values)


def example_id(name: str) -> UUID:
    """The example id of field ``name`` (``order_id``...): stable across examples and runs."""
    return uuid5(EXAMPLE_NAMESPACE, name)


def _example_value(hint: Any, name: str, event: type[Event]) -> Any:
    origin, arguments = typing.get_origin(hint), typing.get_args(hint)
    if origin in (Union, types.UnionType):
        present = next(a for a in arguments if a is not type(None))
        return _example_value(present, name, event)
    if origin is tuple:
        if arguments[0] is str:
            return (_STRING_ITEMS.get(name, f"example-{name}"),)
        return (_example_value(arguments[0], name, event),)
    if hint in _SCALAR_EXAMPLES:
        return _SCALAR_EXAMPLES[hint](name, event)
    if isinstance(hint, type) and issubclass(hint, Enum):
        return next(iter(hint))
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _example_instance(hint, event=event)
    raise TypeError(f"{hint} is not an event field type")


def _example_string(name: str, event: type[Event]) -> str:
    """The most specific example: for this event type, else its aggregate, else the name."""
    return (
        _TYPE_STRINGS.get((event.type, name))
        or _AGGREGATE_STRINGS.get((event.aggregate, name))
        or _STRINGS.get(name)
        or f"example-{name}"
    )


def _example_integer(name: str, _event: type[Event]) -> int:
    if name in _INTEGERS:
        return _INTEGERS[name]
    return 0 if name.endswith(_ZERO_SUFFIXES) else 1


_SCALAR_EXAMPLES: Mapping[type[Any], Callable[[str, type[Event]], Any]] = {
    str: _example_string,
    int: _example_integer,
    bool: lambda name, _: name in _TRUE_BOOLEANS,
    UUID: lambda name, _: example_id(name),
    Decimal: lambda name, _: _DECIMALS.get(name, Decimal("1.5")),
    datetime: lambda _name, _: EXAMPLE_OCCURRED_AT,
    date: lambda _name, _: date(2026, 12, 10),
    Money: lambda name, _: Money(_AMOUNTS.get(name, Decimal("19.99")), EXAMPLE_CURRENCY),
}
"""Examples of the scalar field types ``oms.shared.events`` decodes, by field name and event."""
