"""Domain events: frozen keyword-only dataclasses, named in the past tense, typed with a version.

They carry ids and values, never ORM rows or personal data, so they serialise to the outbox as
plain JSON (``payload``) and come back as the same typed event (``from_payload``). The composition
root lists every context's event classes in one ``EventRegistry``; the relay decodes stored
payloads with it. The rules (naming, versions, payloads) are in docs/decisions/0005-event-model.md.
"""

from __future__ import annotations

import dataclasses
import re
import types
import typing
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from functools import singledispatch
from typing import Any, ClassVar, Self, Union
from uuid import UUID

from oms.shared.money import Money

TYPE_PATTERN = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*\.v[1-9][0-9]*$")
"""``context.event_name.vN``: the context that owns it, the fact in the past tense, a version."""


@dataclasses.dataclass(frozen=True, kw_only=True)
class Event:
    """Base event. Subclasses set ``type`` (``"inventory.stock_received.v1"``) and ``aggregate``."""

    type: ClassVar[str]
    aggregate: ClassVar[str]

    aggregate_id: UUID

    def payload(self) -> dict[str, Any]:
        """The event's fields as JSON-ready values (strings for money and ids)."""
        return {name: _json_value(getattr(self, name)) for name in _field_names(type(self))}

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> Self:
        """The event ``payload()`` was made from; ``UndecodablePayload`` if it does not fit."""
        try:
            return typing.cast(Self, _decoder(cls)(payload))
        except UndecodablePayload:
            raise
        except (KeyError, TypeError, ValueError, ArithmeticError) as error:
            raise UndecodablePayload(cls.type, f"{type(error).__name__}: {error}") from error


class UnknownEventType(LookupError):
    """A stored event's type is in no registry: written by other code, or retired too early."""

    def __init__(self, event_type: str) -> None:
        super().__init__(f"no event class is registered for {event_type!r}")
        self.event_type = event_type


class UndecodablePayload(ValueError):
    """A stored payload does not fit its event class (a field changed without a new version)."""

    def __init__(self, event_type: str, reason: str) -> None:
        super().__init__(f"payload of {event_type} does not decode: {reason}")
        self.event_type = event_type


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Envelope:
    """One stored event as a consumer receives it: the typed event and where it came from.

    ``event_id`` is the id consumers record to handle an event once; ``position`` orders events.
    """

    event_id: UUID
    position: int
    occurred_at: datetime
    event: Event


class EventRegistry:
    """Event classes by their type string, checked once so that decoding cannot surprise later.

    Registration refuses a type that breaks the naming rule, a type registered twice and a field
    whose annotation the decoder does not know, so a mistake fails at start-up, not in the relay.
    """

    def __init__(self, events: Iterable[type[Event]]) -> None:
        self._classes: dict[str, type[Event]] = {}
        for cls in events:
            self._register(cls)

    def _register(self, cls: type[Event]) -> None:
        event_type = getattr(cls, "type", None)
        if not isinstance(event_type, str) or not TYPE_PATTERN.match(event_type):
            raise TypeError(f"{cls.__qualname__}.type {event_type!r} is not context.name.vN")
        if not isinstance(getattr(cls, "aggregate", None), str):
            raise TypeError(f"{cls.__qualname__} names no aggregate")
        known = self._classes.get(event_type)
        if known is not None and known is not cls:
            raise TypeError(f"{event_type} is both {known.__qualname__} and {cls.__qualname__}")
        _decoder(cls)
        self._classes[event_type] = cls

    def __contains__(self, event_type: object) -> bool:
        return event_type in self._classes

    def __iter__(self) -> typing.Iterator[type[Event]]:
        return iter(self._classes.values())

    def __len__(self) -> int:
        return len(self._classes)

    def event_class(self, event_type: str) -> type[Event]:
        """The class of ``event_type``; ``UnknownEventType`` if none is registered."""
        try:
            return self._classes[event_type]
        except KeyError:
            raise UnknownEventType(event_type) from None

    def decode(self, event_type: str, payload: Mapping[str, Any]) -> Event:
        """The typed event stored as ``payload`` under ``event_type``."""
        return self.event_class(event_type).from_payload(payload)


_FIELD_NAMES: dict[type[Any], tuple[str, ...]] = {}


def _field_names(cls: type[Any]) -> tuple[str, ...]:
    """The field names of dataclass ``cls``, looked up once (every event is written on a hot
    path: placement records several)."""
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(f.name for f in dataclasses.fields(cls))
    return names


_PLAIN = frozenset({str, int, bool, float, type(None)})


def _json_value(value: Any) -> Any:
    """``to_json`` with the common cases first: plain values as they are, ids as strings."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is UUID:
        return str(value)
    return to_json(value)


@singledispatch
def to_json(value: Any) -> Any:
    """Turn domain values into JSON values: Decimal and UUID as strings, money as an object."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {name: _json_value(getattr(value, name)) for name in _field_names(type(value))}
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
    return [_json_value(v) for v in value]


@to_json.register
def _(value: dict) -> Any:  # type: ignore[type-arg]
    return {str(k): _json_value(v) for k, v in value.items()}


# Decoding: the inverse of to_json, driven by the dataclass annotations. A decoder is built once
# per class; building it is also the check that every field's type can be decoded.

Decode = Callable[[Any], Any]

_decoders: dict[type[Any], Decode] = {}


def _decoder(cls: type[Any]) -> Decode:
    """The decoder of dataclass ``cls`` (built on first use, then kept)."""
    found = _decoders.get(cls)
    if found is None:
        found = _decoders[cls] = _dataclass_decoder(cls)
    return found


def _dataclass_decoder(cls: type[Any]) -> Decode:
    hints = typing.get_type_hints(cls)
    fields = [f for f in dataclasses.fields(cls) if f.init]
    decoders = {f.name: _decoder_of(hints[f.name]) for f in fields}
    required = {
        f.name
        for f in fields
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    }

    def decode(value: Any) -> Any:
        if not isinstance(value, Mapping):
            raise TypeError(f"{cls.__name__} needs an object, got {type(value).__name__}")
        if unknown := set(value) - set(decoders):
            raise ValueError(f"unknown fields {sorted(unknown)}")
        if missing := required - set(value):
            raise KeyError(f"missing fields {sorted(missing)}")
        return cls(**{name: decoders[name](v) for name, v in value.items()})

    return decode


def _decoder_of(hint: Any) -> Decode:
    origin, arguments = typing.get_origin(hint), typing.get_args(hint)
    if origin in (Union, types.UnionType):
        return _optional(hint, arguments)
    if origin is tuple:
        return _tuple(hint, arguments)
    if origin is None and isinstance(hint, type):
        if hint in _SCALARS:
            return _SCALARS[hint]
        if issubclass(hint, Enum):
            return hint
        if dataclasses.is_dataclass(hint):
            return _decoder(hint)
    raise TypeError(f"{hint} is not an event field type")


def _optional(hint: Any, arguments: tuple[Any, ...]) -> Decode:
    present = [a for a in arguments if a is not type(None)]
    if len(present) != 1 or len(arguments) != 2:
        raise TypeError(f"{hint}: of unions, only ``X | None`` is an event field type")
    decode = _decoder_of(present[0])
    return lambda value: None if value is None else decode(value)


def _tuple(hint: Any, arguments: tuple[Any, ...]) -> Decode:
    if len(arguments) != 2 or arguments[1] is not Ellipsis:
        raise TypeError(f"{hint}: of tuples, only ``tuple[X, ...]`` is an event field type")
    item = _decoder_of(arguments[0])

    def decode(value: Any) -> tuple[Any, ...]:
        if not isinstance(value, list):
            raise TypeError(f"expected a list, got {type(value).__name__}")
        return tuple(item(v) for v in value)

    return decode


def _exact(kind: type[Any]) -> Decode:
    """Accept only a JSON value of exactly ``kind`` (``True`` is no int, ``1`` no bool)."""

    def check(value: Any) -> Any:
        if type(value) is not kind:
            raise TypeError(f"expected {kind.__name__}, got {type(value).__name__}")
        return value

    return check


def _parsed(kind: Callable[[str], Any]) -> Decode:
    """Parse a JSON string with ``kind`` (UUID, Decimal, datetime, date)."""
    text = _exact(str)
    return lambda value: kind(text(value))


def _money(value: Any) -> Money:
    if not isinstance(value, Mapping):
        raise TypeError(f"money needs an object, got {type(value).__name__}")
    return Money(Decimal(_exact(str)(value["amount"])), _exact(str)(value["currency"]))


_SCALARS: dict[type[Any], Decode] = {
    str: _exact(str),
    int: _exact(int),
    bool: _exact(bool),
    UUID: _parsed(UUID),
    Decimal: _parsed(Decimal),
    datetime: _parsed(datetime.fromisoformat),
    date: _parsed(date.fromisoformat),
    Money: _money,
}
