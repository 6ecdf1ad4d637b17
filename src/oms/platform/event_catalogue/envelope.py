"""The envelope: the one JSON body every outbound channel sends an event in.

A webhook delivery and a broker message carry the same object, so a consumer parses one shape
whichever way it integrates::

    {"id": "<event id>", "type": "orders.order_placed.v1", "version": 1,
     "timestamp": "2026-12-03T10:30:00+00:00",
     "aggregate": {"type": "order", "id": "<order id>"},
     "data": {<the event's payload, as its schema in the catalogue says>}}

``id`` is the outbox's event id: the same on every retry, replay and re-publication, so
consumers de-duplicate on it (at-least-once delivery).
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

from oms.platform.event_catalogue.examples import EXAMPLE_OCCURRED_AT, example_event, example_id
from oms.platform.event_catalogue.schemas import DIALECT, SCHEMA_ID_PREFIX
from oms.shared.events import TYPE_PATTERN, Envelope, Event

ENVELOPE_DESCRIPTION = (
    "The body of every webhook delivery and broker message: one event, its type and version, "
    "when it happened and the aggregate it is about. `id` is the same on every retry, replay "
    "and re-publication: de-duplicate on it."
)


def event_version(event_type: str) -> int:
    """The version at the end of an event type (``orders.order_placed.v1`` -> 1)."""
    return int(event_type.rsplit(".v", 1)[1])


def envelope_body(envelope: Envelope) -> dict[str, Any]:
    """The JSON object sent for ``envelope`` (webhook body, broker message)."""
    event = envelope.event
    return {
        "id": str(envelope.event_id),
        "type": event.type,
        "version": event_version(event.type),
        "timestamp": envelope.occurred_at.astimezone(UTC).isoformat(),
        "aggregate": {"type": event.aggregate, "id": str(event.aggregate_id)},
        "data": event.payload(),
    }


def example_envelope(cls: type[Event]) -> dict[str, Any]:
    """The envelope of ``example_event(cls)``, with a stable event id: for documents."""
    envelope = Envelope(
        event_id=example_id(f"event:{cls.type}"),
        position=1,
        occurred_at=EXAMPLE_OCCURRED_AT,
        event=example_event(cls),
    )
    return envelope_body(envelope)


def envelope_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of ``envelope_body``'s objects; ``data`` is described
    by the schema of the event type named in ``type``."""
    uuid = {"type": "string", "format": "uuid"}
    return {
        "$schema": DIALECT,
        "$id": f"{SCHEMA_ID_PREFIX}envelope",
        "title": "Event envelope",
        "description": ENVELOPE_DESCRIPTION,
        "type": "object",
        "properties": {
            "id": {**uuid, "description": "The event's id, unique and stable."},
            "type": {
                "type": "string",
                "pattern": TYPE_PATTERN.pattern,
                "description": "`context.event_name.vN`: a schema of the catalogue.",
            },
            "version": {"type": "integer", "minimum": 1, "description": "The N of `vN`."},
            "timestamp": {
                "type": "string",
                "format": "date-time",
                "description": "When the event happened (UTC), not when it was sent.",
            },
            "aggregate": {
                "type": "object",
                "description": "What the event is about: the aggregate's kind and id.",
                "properties": {"type": {"type": "string"}, "id": uuid},
                "required": ["type", "id"],
                "additionalProperties": False,
            },
            "data": {"type": "object", "description": "The event's payload (its own schema)."},
        },
        "required": ["id", "type", "version", "timestamp", "aggregate", "data"],
        "additionalProperties": False,
    }
