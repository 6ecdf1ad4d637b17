"""Domain events: frozen keyword-only dataclasses, named in the past tense, typed with a version.

They carry ids and values, never ORM rows, so they serialise to the outbox as plain JSON.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from functools import singledispatch
from typing import Any, ClassVar
from uuid import UUID

from oms.shared.money import Money


@dataclasses.dataclass(frozen=True, kw_only=True)
class Event:
    """Base event. Subclasses set ``type`` (``"inventory.stock_received.v1"``) and ``aggregate``."""

    type: ClassVar[str]
    aggregate: ClassVar[str]

    aggregate_id: UUID

    def payload(self) -> dict[str, Any]:
        """The event's fields as JSON-ready values (strings for money and ids)."""
        return {f.name: to_json(getattr(self, f.name)) for f in dataclasses.fields(self)}


@singledispatch
def to_json(value: Any) -> Any:
    """Turn domain values into JSON values: Decimal and UUID as strings, money as an object."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    return value


@to_json.register
def _(value: Money) -> Any:
    return {"amount": str(value.amount), "currency": value.currency}


@to_json.register(Decimal)
@to_json.register(UUID)
def _(value: Decimal | UUID) -> Any:
    return str(value)


@to_json.register(datetime)
@to_json.register(date)
def _(value: date) -> Any:
    return value.isoformat()


@to_json.register
def _(value: Enum) -> Any:
    return value.value


@to_json.register(list)
@to_json.register(tuple)
@to_json.register(set)
@to_json.register(frozenset)
def _(value: list[Any] | tuple[Any, ...] | set[Any] | frozenset[Any]) -> Any:
    return [to_json(v) for v in value]


@to_json.register
def _(value: dict) -> Any:  # type: ignore[type-arg]
    return {str(k): to_json(v) for k, v in value.items()}
