"""Typed events: every registered type survives the trip through JSON, and the registry refuses
what it could not decode later."""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from enum import Enum
from typing import Any, Union
from uuid import UUID, uuid4

import pytest
from sqlalchemy import create_engine

from oms import inventory, orders
from oms.app import event_registry
from oms.platform.relay import Backoff, Relay
from oms.platform.subscriptions import Subscription
from oms.shared.events import (
    Envelope,
    Event,
    EventRegistry,
    UndecodablePayload,
    UnknownEventType,
)
from oms.shared.money import Money

REGISTERED = sorted(event_registry.registry(), key=lambda cls: cls.type)

PERSONAL_FIELDS = {
    "email",
    "phone",
    "address",
    "shipping_address",
    "billing_address",
    "line1",
    "line2",
    "street",
    "city",
    "postal_code",
    "first_name",
    "last_name",
    "full_name",
    "birth_date",
    "ip_address",
}
"""Field names that hold personal data wherever they appear."""

PEOPLE = {"customer", "order"}
"""Aggregates about a person, whose events must not carry a ``name`` either."""


def sample(hint: Any, *, filled: bool) -> Any:  # noqa: C901, PLR0911 (one branch per field type)
    """A value of annotation ``hint``, chosen to break a careless encoder: non-ASCII text,
    integers beyond 2**53, a sub-cent tax fraction, microseconds in another time zone."""
    origin, arguments = typing.get_origin(hint), typing.get_args(hint)
    if origin in (Union, types.UnionType):
        present = next(a for a in arguments if a is not type(None))
        return sample(present, filled=filled) if filled else None
    if origin is tuple:
        return (sample(arguments[0], filled=filled), sample(arguments[0], filled=filled))
    if hint is str:
        return 'Zoë "Ω" \\ ✓'
    if hint is bool:
        return True
    if hint is int:
        return 2**60 + 7
    if hint is UUID:
        return uuid4()
    if hint is Decimal:
        return Decimal("0.075000")
    if hint is Money:
        return Money(Decimal("1234.50"), "EUR")
    if hint is datetime:
        return datetime(
            2026, 3, 29, 1, 30, 5, 123456, tzinfo=timezone(timedelta(hours=5, minutes=45))
        )
    if hint is date:
        return date(2026, 2, 28)
    if isinstance(hint, type) and issubclass(hint, Enum):
        return list(hint)[-1]
    if dataclasses.is_dataclass(hint):
        return build(hint, filled=filled)
    raise AssertionError(f"no sample for {hint}")


def build(cls: Any, *, filled: bool) -> Any:
    hints = typing.get_type_hints(cls)
    return cls(**{f.name: sample(hints[f.name], filled=filled) for f in dataclasses.fields(cls)})


def through_json(event: Event) -> dict[str, Any]:
    """The payload as the outbox stores it: JSON text, read back."""
    return typing.cast(dict[str, Any], json.loads(json.dumps(event.payload())))


def test_every_context_registers_its_events() -> None:
    prefixes = {cls.type.split(".")[0] for cls in REGISTERED}
    assert prefixes == {
        "auth",
        "catalog",
        "channels",
        "customers",
        "fulfilment",
        "inventory",
        "invoicing",
        "orders",
        "payments",
        "returns",
        "sourcing",
    }
    assert set(inventory.EVENTS) | set(orders.EVENTS) <= set(REGISTERED)


@pytest.mark.parametrize("filled", [True, False], ids=["values", "nones"])
@pytest.mark.parametrize("cls", REGISTERED, ids=lambda cls: cls.type)
def test_every_registered_event_comes_back_from_its_payload(
    cls: type[Event], *, filled: bool
) -> None:
    event = build(cls, filled=filled)
    decoded = event_registry.registry().decode(cls.type, through_json(event))
    assert decoded == event
    assert type(decoded) is cls


@pytest.mark.parametrize("cls", REGISTERED, ids=lambda cls: cls.type)
def test_no_event_carries_personal_data(cls: type[Event]) -> None:
    def names(of: Any) -> set[str]:
        found = set()
        for f in dataclasses.fields(of):
            found.add(f.name)
            for inner in typing.get_args(typing.get_type_hints(of)[f.name]) or ():
                if dataclasses.is_dataclass(inner):
                    found |= names(inner)
        return found

    forbidden = PERSONAL_FIELDS | ({"name"} if cls.aggregate in PEOPLE else set())
    assert not names(cls) & forbidden


def test_events_are_frozen_and_keyword_only() -> None:
    for cls in REGISTERED:
        assert all(f.kw_only for f in dataclasses.fields(cls)), cls.type
        assert cls.__dataclass_params__.frozen, cls.type  # type: ignore[attr-defined]


def test_an_unknown_type_is_reported_by_name() -> None:
    with pytest.raises(UnknownEventType) as raised:
        event_registry.registry().decode("orders.order_teleported.v1", {})
    assert raised.value.event_type == "orders.order_teleported.v1"


@pytest.mark.parametrize(
    ("change", "why"),
    [
        (lambda p: p.pop("number"), "missing"),
        (lambda p: p.update(surprise=1), "unknown fields"),
        (lambda p: p.update(total={"amount": 12.5, "currency": "EUR"}), "expected str"),
        (lambda p: p["lines"][0].update(quantity="2"), "expected int"),
        (lambda p: p.update(customer_id="not-a-uuid"), "ValueError"),
        (lambda p: p.update(lines={"sku": "A"}), "expected a list"),
    ],
    ids=["missing", "unknown", "float money", "string quantity", "bad uuid", "object for list"],
)
def test_a_payload_that_does_not_fit_its_type_is_refused_with_the_reason(
    change: Any, why: str
) -> None:
    placed = build(orders.EVENTS[0], filled=True)
    payload = through_json(placed)
    change(payload)
    with pytest.raises(UndecodablePayload, match=why):
        event_registry.registry().decode(placed.type, payload)


@dataclass(frozen=True, kw_only=True)
class Floated(Event):
    type = "tests.floated.v1"
    aggregate = "test"
    ratio: float


@dataclass(frozen=True, kw_only=True)
class Unioned(Event):
    type = "tests.unioned.v1"
    aggregate = "test"
    value: int | str


@dataclass(frozen=True, kw_only=True)
class BadlyNamed(Event):
    type = "orders.OrderPlaced"
    aggregate = "order"


@dataclass(frozen=True, kw_only=True)
class PlacedAgain(Event):
    type = "orders.order_placed.v1"
    aggregate = "order"


@pytest.mark.parametrize(
    ("cls", "why"),
    [
        (Floated, "not an event field type"),
        (Unioned, "only ``X | None``"),
        (BadlyNamed, "not context.name.vN"),
        (PlacedAgain, "is both"),
    ],
)
def test_the_registry_refuses_an_event_it_could_not_carry(cls: type[Event], why: str) -> None:
    with pytest.raises(TypeError, match=why):
        EventRegistry([*orders.EVENTS, cls])


def test_a_new_version_is_a_new_type_beside_the_old() -> None:
    @dataclass(frozen=True, kw_only=True)
    class PlacedV2(Event):
        type = "orders.order_placed.v2"
        aggregate = "order"
        number: str

    registry = EventRegistry([*orders.EVENTS, PlacedV2])
    assert registry.event_class("orders.order_placed.v1") is orders.EVENTS[0]
    assert registry.event_class("orders.order_placed.v2") is PlacedV2


def test_a_subscription_is_named_context_dot_consumer_and_handles_something() -> None:
    def handle(envelope: Envelope, *, uow: Any) -> None:
        del envelope, uow

    with pytest.raises(ValueError, match=r"context\.consumer"):
        Subscription(consumer="Backorders", events=inventory.EVENTS, handler=handle)
    with pytest.raises(ValueError, match="no event"):
        Subscription(consumer="orders.nothing", events=(), handler=handle)


def test_a_relay_refuses_consumers_of_unregistered_events_and_shared_names() -> None:
    def handle(envelope: Envelope, *, uow: Any) -> None:
        del envelope, uow

    engine = create_engine("sqlite://")
    only_orders = EventRegistry(orders.EVENTS)
    stock = Subscription(consumer="tests.stock", events=inventory.EVENTS, handler=handle)
    with pytest.raises(ValueError, match="unregistered inventory"):
        Relay(engine, registry=only_orders, subscriptions=[stock])
    placed = Subscription(consumer="tests.stock", events=orders.EVENTS[:1], handler=handle)
    with pytest.raises(ValueError, match="share a consumer name"):
        Relay(engine, registry=event_registry.registry(), subscriptions=[stock, placed])


def test_backoff_doubles_from_the_first_delay_up_to_the_cap() -> None:
    backoff = Backoff(first=timedelta(seconds=1), longest=timedelta(minutes=10))
    delays = [backoff.after(n).total_seconds() for n in range(1, 13)]
    assert delays == [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 600, 600]
    assert backoff.after(10_000) == timedelta(minutes=10)
