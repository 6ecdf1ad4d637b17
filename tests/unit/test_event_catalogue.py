"""The event catalogue tells the truth about every registered event type: its schema is valid
JSON Schema 2020-12 and accepts exactly what the decoder accepts, its example is valid and comes
back from the registry as the same event, and docs/events.md is what the code writes now."""

from __future__ import annotations

import copy
import dataclasses
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from oms.app import event_registry
from oms.app.events_cli import events_markdown
from oms.platform.event_catalogue import (
    catalogue,
    envelope_body,
    envelope_schema,
    event_schema,
    example_envelope,
    example_event,
)
from oms.shared.events import Envelope, Event, UndecodablePayload

ROOT = Path(__file__).resolve().parents[2]
REGISTRY = event_registry.registry()
REGISTERED = sorted(REGISTRY, key=lambda cls: cls.type)
FORMATS = FormatChecker()


@FORMATS.checks("date-time", raises=ValueError)
def _is_instant(value: object) -> bool:
    """RFC 3339 as the catalogue promises it: ISO 8601 with a ``T`` and an offset."""
    return not isinstance(value, str) or (
        "T" in value and datetime.fromisoformat(value).tzinfo is not None
    )


def validator(schema: dict[str, Any]) -> Draft202012Validator:
    return Draft202012Validator(schema, format_checker=FORMATS)


def json_trip(value: Any) -> Any:
    return json.loads(json.dumps(value))


def decodes(cls: type[Event], payload: Any) -> bool:
    try:
        REGISTRY.decode(cls.type, payload)
    except UndecodablePayload:
        return False
    return True


def test_every_registered_type_is_in_the_catalogue_once() -> None:
    assert [entry.type for entry in catalogue(REGISTRY)] == [cls.type for cls in REGISTERED]
    assert len(REGISTERED) >= 87


@pytest.mark.parametrize("cls", REGISTERED, ids=lambda cls: cls.type)
def test_the_schema_is_valid_json_schema_2020_12(cls: type[Event]) -> None:
    schema = event_schema(cls)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["title"] == cls.type
    assert schema["description"]
    assert schema["additionalProperties"] is False
    assert "aggregate_id" in schema["required"]


@pytest.mark.parametrize("cls", REGISTERED, ids=lambda cls: cls.type)
def test_the_example_validates_and_comes_back_from_the_registry_as_the_same_event(
    cls: type[Event],
) -> None:
    example = example_event(cls)
    payload = json_trip(example.payload())

    validator(event_schema(cls)).validate(payload)
    assert REGISTRY.decode(cls.type, payload) == example
    assert example_event(cls) == example  # deterministic: the docs do not change by themselves


@pytest.mark.parametrize("cls", REGISTERED, ids=lambda cls: cls.type)
def test_the_schema_accepts_exactly_what_the_decoder_accepts(cls: type[Event]) -> None:
    """Mutations of the example (each field left out, an unknown field, each value of the wrong
    JSON kind): the schema and the decoder agree on every one; most are refused."""
    schema = validator(event_schema(cls))
    verdicts = [
        (decodes(cls, mutated), schema.is_valid(mutated), mutated)
        for mutated in _mutations(json_trip(example_event(cls).payload()))
    ]
    assert [(d, v, m) for d, v, m in verdicts if d != v] == []
    refused = [m for d, _, m in verdicts if not d]
    assert len(refused) > len(verdicts) / 2


@pytest.mark.parametrize("cls", REGISTERED, ids=lambda cls: cls.type)
def test_the_schema_accepts_null_wherever_the_decoder_does(cls: type[Event]) -> None:
    schema = event_schema(cls)
    nullable = [
        name
        for name, prop in schema["properties"].items()
        if {"type": "null"} in prop.get("anyOf", [])
    ]
    payload = json_trip(example_event(cls).payload()) | dict.fromkeys(nullable)

    validator(schema).validate(payload)
    assert decodes(cls, payload)


def _mutations(payload: dict[str, Any]) -> list[dict[str, Any]]:
    broken = [payload | {"unexpected": 1}]
    for name, value in payload.items():
        broken.append({k: v for k, v in payload.items() if k != name})
        wrong = _wrong_kind(value)
        if wrong is not None:
            broken.append(payload | {name: wrong})
    return broken


def _wrong_kind(value: Any) -> Any:  # noqa: PLR0911 - one per JSON kind
    """A value of another JSON kind that no decoder takes for ``value``'s field."""
    if isinstance(value, bool):
        return "true"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return 12.5
    if isinstance(value, list):
        return {"0": value}
    if isinstance(value, dict) and "amount" in value:
        return {**value, "amount": 12.5}  # money with a JSON number: refused, never rounded
    if isinstance(value, dict):
        return [value]
    return None


def test_stored_payloads_that_look_unlike_the_examples_still_validate() -> None:
    """What the relay may really send: ids in other events, an instant in another time zone
    with microseconds, a negative amount, a decimal in exponent form, huge integers."""
    cls = REGISTRY.event_class("orders.tax_rate_changed.v1")
    payload = json_trip(example_event(cls).payload())
    payload |= {"aggregate_id": str(uuid4()), "rate": "1E+1", "previous": "-0.0750"}
    placed = REGISTRY.event_class("orders.order_placed.v1")
    order = json_trip(example_event(placed).payload())
    order["total"] = {"amount": "-1999", "currency": "JPY"}
    order["lines"][0]["quantity"] = 2**60
    shipped = REGISTRY.event_class("fulfilment.shipment_delivered.v1")
    delivered = json_trip(example_event(shipped).payload())
    delivered["delivered_at"] = "2026-12-03T23:59:59.123456+05:30"

    for event_class, sent in ((cls, payload), (placed, order), (shipped, delivered)):
        validator(event_schema(event_class)).validate(sent)
        assert decodes(event_class, sent)


def test_nested_values_are_definitions_and_money_is_a_decimal_string_with_a_currency() -> None:
    schema = event_schema(REGISTRY.event_class("orders.shipping_zone_changed.v1"))
    rate = schema["$defs"]["ShippingRate"]
    money = schema["$defs"]["Money"]

    assert schema["properties"]["rates"] == {
        "type": "array",
        "items": {"$ref": "#/$defs/ShippingRate"},
    }
    assert rate["properties"]["method"] == {
        "type": "string",
        "enum": ["standard", "express", "pickup"],
    }
    assert rate["required"] == ["method", "price"]  # free_over has a default: may be missing
    assert rate["properties"]["free_over"]["default"] is None
    assert money["properties"]["amount"]["type"] == "string"
    assert money["required"] == ["amount", "currency"]
    assert rate["description"].startswith("What one method costs")


def test_descriptions_come_from_the_docstrings_in_the_code() -> None:
    delivered = event_schema(REGISTRY.event_class("orders.units_delivered.v1"))
    pickup = event_schema(REGISTRY.event_class("fulfilment.ready_for_pickup.v1"))

    assert delivered["properties"]["how"]["description"].startswith("``delivered``")
    assert delivered["properties"]["aggregate_id"]["description"] == (
        "The order the event is about."
    )
    assert pickup["description"].startswith("The units wait at the store")
    assert delivered["description"].startswith("Units of an order reached the customer")


@dataclasses.dataclass(frozen=True, kw_only=True)
class ParcelWeighed(Event):
    type = "tests.parcel_weighed.v1"
    aggregate = "parcel"
    grams: int


def test_an_event_without_a_docstring_is_named_not_described_by_its_signature() -> None:
    assert event_schema(ParcelWeighed)["description"] == "Parcel weighed."


def test_every_registered_event_says_what_happened_in_a_docstring_of_its_own() -> None:
    # dataclass() writes the signature as the docstring of a class that has none
    generated = [cls.type for cls in REGISTERED if (cls.__doc__ or "").startswith(cls.__name__)]
    assert generated == []


@pytest.mark.parametrize("cls", REGISTERED, ids=lambda cls: cls.type)
def test_the_envelope_of_every_example_is_valid_and_carries_the_payload(
    cls: type[Event],
) -> None:
    body = json_trip(example_envelope(cls))

    validator(envelope_schema()).validate(body)
    validator(event_schema(cls)).validate(body["data"])
    assert (body["type"], body["version"]) == (cls.type, int(cls.type.rsplit("v", 1)[1]))
    assert body["aggregate"] == {"type": cls.aggregate, "id": body["data"]["aggregate_id"]}


def test_the_envelope_names_the_event_by_its_id_and_when_it_happened_in_utc() -> None:
    event = example_event(REGISTRY.event_class("orders.order_placed.v1"))
    event_id = uuid4()
    occurred_at = datetime(2026, 12, 3, 11, 30, 0, 250000, tzinfo=UTC)

    body = envelope_body(
        Envelope(event_id=event_id, position=7, occurred_at=occurred_at, event=event)
    )

    assert body == {
        "id": str(event_id),
        "type": "orders.order_placed.v1",
        "version": 1,
        "timestamp": "2026-12-03T11:30:00.250000+00:00",
        "aggregate": {"type": "order", "id": str(event.aggregate_id)},
        "data": event.payload(),
    }
    Draft202012Validator.check_schema(envelope_schema())


def test_schemas_are_fresh_copies_that_callers_may_change() -> None:
    cls = REGISTRY.event_class("orders.order_placed.v1")
    first = event_schema(cls)
    pristine = copy.deepcopy(first)
    first["$defs"]["Money"]["properties"].clear()

    assert event_schema(cls) == pristine


def test_docs_events_md_is_current() -> None:
    written = (ROOT / "docs" / "events.md").read_text(encoding="utf-8")
    assert written == events_markdown(), (
        "docs/events.md is out of date with the event classes: run `make events-doc` and commit it"
    )


def test_docs_events_md_shows_every_type_with_its_schema_and_example() -> None:
    page = events_markdown()
    for cls in REGISTERED:
        assert f"### `{cls.type}`" in page
        assert json.dumps(event_schema(cls), indent=2, ensure_ascii=False) in page
        assert json.dumps(example_event(cls).payload(), indent=2, ensure_ascii=False) in page
    assert "## The envelope" in page


def _inventory_units() -> type[Any]:
    @dataclasses.dataclass(frozen=True)
    class Units:
        sku: str
        quantity: int

    return Units


def _return_units() -> type[Any]:
    @dataclasses.dataclass(frozen=True)
    class Units:  # the same name in another context
        sku: str
        returned: int

    return Units


InventoryUnits = _inventory_units()
ReturnUnits = _return_units()


@dataclasses.dataclass(frozen=True, kw_only=True)
class UnitsSwapped(Event):
    """Two nested classes of one name, to show that neither hides the other."""

    type = "tests.units_swapped.v1"
    aggregate = "test"
    taken: tuple[InventoryUnits, ...]
    given: ReturnUnits | None = None


def test_nested_classes_of_the_same_name_get_a_definition_each() -> None:
    schema = event_schema(UnitsSwapped)
    example = json_trip(example_event(UnitsSwapped).payload())

    assert schema["properties"]["taken"]["items"] == {"$ref": "#/$defs/Units"}
    assert schema["properties"]["given"]["anyOf"][0] == {"$ref": "#/$defs/Units2"}
    assert set(schema["$defs"]["Units"]["properties"]) == {"sku", "quantity"}
    assert set(schema["$defs"]["Units2"]["properties"]) == {"sku", "returned"}
    assert schema["required"] == ["aggregate_id", "taken"]
    validator(schema).validate(example)
    assert UnitsSwapped.from_payload(example) == example_event(UnitsSwapped)


def test_an_instant_without_its_offset_is_refused() -> None:
    cls = REGISTRY.event_class("fulfilment.shipment_delivered.v1")
    payload = json_trip(example_event(cls).payload()) | {"delivered_at": "2026-12-03T10:30:00"}

    assert not validator(event_schema(cls)).is_valid(payload)
