"""Domain events: frozen keyword-only dataclasses, named in the past tense, typed with a version.

They carry ids and values, never ORM rows, so they serialise to the outbox as plain JSON.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
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


def to_json(value: Any) -> Any:
    """Turn domain values into JSON values: Decimal and UUID as strings, money as an object."""
    if isinstance(value, Money):
        return {"amount": str(value.amount), "currency": value.currency}
    if isinstance(value, Decimal | UUID):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list | tuple | frozenset | set):
        return [to_json(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    return value
