"""HTTP routes of the event catalogue: every event type's JSON Schema and an example.

Public, like the OpenAPI document they complement: they describe the shape of what webhooks and
brokers send, never any data, so an integrator can read them before holding an API key. The
catalogue comes from the deployment's event registry, so it lists exactly the types this server
can send.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path
from pydantic import BaseModel, ConfigDict, Field

from oms.app.event_registry import registry
from oms.platform.event_catalogue import CatalogueEntry, catalogue, entry_named, envelope_schema
from oms.platform.problems import responses
from oms.shared.events import TYPE_PATTERN

router = APIRouter(prefix="/v1/events", tags=["events"])


class EventTypeOut(BaseModel):
    """One event type: what it means, its JSON Schema and an example payload."""

    model_config = ConfigDict(populate_by_name=True)

    type: str = Field(examples=["orders.order_placed.v1"])
    version: int = Field(ge=1, examples=[1])
    context: str = Field(examples=["orders"], description="The context that owns the event.")
    aggregate: str = Field(
        examples=["order"], description="What the event is about; its id is `aggregate_id`."
    )
    description: str
    json_schema: dict[str, Any] = Field(
        alias="schema",
        description="JSON Schema (draft 2020-12) of the payload: `data` in the envelope.",
    )
    example: dict[str, Any] = Field(description="A payload that validates against `schema`.")

    @classmethod
    def of(cls, entry: CatalogueEntry) -> EventTypeOut:
        return cls(
            type=entry.type,
            version=entry.version,
            context=entry.context,
            aggregate=entry.aggregate,
            description=entry.description,
            json_schema=entry.schema,
            example=entry.example,
        )


class EventCatalogueOut(BaseModel):
    """Every event type this server sends, and the envelope each is sent in."""

    envelope: dict[str, Any] = Field(
        description="JSON Schema of the body of every webhook delivery and broker message."
    )
    events: list[EventTypeOut] = Field(description="The event types, by type.")


EventTypeName = Annotated[
    str,
    Path(
        pattern=TYPE_PATTERN.pattern,
        max_length=200,
        description="`context.event_name.vN`",
        examples=["orders.order_placed.v1"],
    ),
]


@router.get("/schemas", response_model_by_alias=True)
def list_event_schemas() -> EventCatalogueOut:
    """Every event type with its version, aggregate, description, JSON Schema and an example,
    and the schema of the envelope they are sent in (webhooks, brokers). No API key needed."""
    return EventCatalogueOut(
        envelope=envelope_schema(),
        events=[EventTypeOut.of(entry) for entry in catalogue(registry())],
    )


@router.get("/schemas/{event_type}", responses=responses(404, 422), response_model_by_alias=True)
def get_event_schema(event_type: EventTypeName) -> EventTypeOut:
    """One event type's JSON Schema and example (`orders.order_placed.v1`). No API key needed."""
    return EventTypeOut.of(entry_named(registry(), event_type))
