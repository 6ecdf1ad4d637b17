"""The event catalogue: what each event type looks like to the world outside oms.

Webhooks, brokers and ``docs/events.md`` show events to people who never read our dataclasses.
The catalogue reads the event classes themselves (fields, annotations, docstrings), so what it
says cannot drift from what the relay sends:

- ``example_event(cls)``: a deterministic, valid instance of any event class;
- ``event_schema(cls)``: its JSON Schema (draft 2020-12), following the decoding rules of
  ``oms.shared.events``: what validates is what ``from_payload`` accepts;
- ``envelope_body(envelope)`` and ``envelope_schema()``: the body every outbound channel
  (webhooks, brokers) wraps an event in;
- ``catalogue(events)``: one ``CatalogueEntry`` per class, what the API lists;
  ``markdown(entries)`` writes them as docs/events.md.

It knows no context: the composition root hands it the registry's classes.
"""

from oms.platform.event_catalogue.entries import (
    CatalogueEntry,
    EventTypeNotFound,
    catalogue,
    catalogue_entry,
    entry_named,
)
from oms.platform.event_catalogue.envelope import (
    envelope_body,
    envelope_schema,
    event_version,
    example_envelope,
)
from oms.platform.event_catalogue.examples import example_event, example_id
from oms.platform.event_catalogue.markdown import markdown
from oms.platform.event_catalogue.schemas import event_schema

__all__ = [
    "CatalogueEntry",
    "EventTypeNotFound",
    "catalogue",
    "catalogue_entry",
    "entry_named",
    "envelope_body",
    "envelope_schema",
    "event_schema",
    "event_version",
    "example_envelope",
    "example_event",
    "example_id",
    "markdown",
]
