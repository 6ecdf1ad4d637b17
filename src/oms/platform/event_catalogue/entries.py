"""The catalogue's entries: per event type, everything a consumer needs to know about it."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from oms.platform.event_catalogue.descriptions import event_description
from oms.platform.event_catalogue.envelope import event_version
from oms.platform.event_catalogue.examples import example_event
from oms.platform.event_catalogue.schemas import event_schema
from oms.shared.errors import NotFound
from oms.shared.events import Event


class EventTypeNotFound(NotFound):
    """No registered event type has this name (the detail suggests close ones)."""

    code = "event-type-not-found"
    title = "Unknown event type"


@dataclass(frozen=True, kw_only=True, slots=True)
class CatalogueEntry:
    """One event type as the API and docs/events.md show it.

    ``schema`` describes ``data`` in the envelope (the event's payload); ``example`` is a payload
    that validates against it. Entries are built once per class and shared: read, never change.
    """

    type: str
    version: int
    context: str
    aggregate: str
    description: str
    schema: dict[str, Any]
    example: dict[str, Any]


_ENTRIES: dict[type[Event], CatalogueEntry] = {}


def catalogue_entry(cls: type[Event]) -> CatalogueEntry:
    """The entry of event class ``cls`` (built on first use, then kept)."""
    found = _ENTRIES.get(cls)
    if found is None:
        found = _ENTRIES[cls] = _entry(cls)
    return found


def _entry(cls: type[Event]) -> CatalogueEntry:
    return CatalogueEntry(
        type=cls.type,
        version=event_version(cls.type),
        context=cls.type.split(".", 1)[0],
        aggregate=cls.aggregate,
        description=event_description(cls),
        schema=event_schema(cls),
        example=example_event(cls).payload(),
    )


def catalogue(events: Iterable[type[Event]]) -> tuple[CatalogueEntry, ...]:
    """The entries of ``events`` (a registry's classes), by type: grouped by context."""
    return tuple(sorted((catalogue_entry(cls) for cls in events), key=lambda e: e.type))


def entry_named(events: Iterable[type[Event]], event_type: str) -> CatalogueEntry:
    """The entry of the class of ``events`` typed ``event_type``; ``EventTypeNotFound`` naming
    the closest types when there is none (a typo is the usual cause)."""
    classes = {cls.type: cls for cls in events}
    if event_type in classes:
        return catalogue_entry(classes[event_type])
    close = difflib.get_close_matches(event_type, list(classes), n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise EventTypeNotFound(f"no event type {event_type!r}{hint}", event_type=event_type)
