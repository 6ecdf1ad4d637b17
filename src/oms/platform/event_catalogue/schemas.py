"""JSON Schemas (draft 2020-12) of event payloads, made from the event classes.

The schema of a class says exactly what ``oms.shared.events`` writes and reads back: money as
``{"amount": "19.99", "currency": "EUR"}`` with the amount as a decimal string, ids and decimals
as strings, instants and dates in ISO 8601, enums as their values, tuples as arrays, ``X | None``
as X or null. Objects take no other properties; a field without a default is required (the
decoder refuses a payload without it). Nested dataclasses (order lines, units, rates) are
``$defs`` referenced by name, Money among them.
"""

from __future__ import annotations

import copy
import dataclasses
import types
import typing
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, Union
from uuid import UUID

from oms.platform.event_catalogue.descriptions import (
    class_description,
    event_description,
    field_descriptions,
)
from oms.shared.events import Event, to_json
from oms.shared.money import Money

DIALECT = "https://json-schema.org/draft/2020-12/schema"

SCHEMA_ID_PREFIX = "urn:oms:events:"
"""Each schema's ``$id`` is this prefix and the event type: a name, not a place to fetch."""

DECIMAL_PATTERN = r"^-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?$"
AMOUNT_PATTERN = r"^-?[0-9]+(\.[0-9]+)?$"
CURRENCY_PATTERN = "^[A-Z]{3}$"

Schema = dict[str, Any]

_SCALARS: dict[type[Any], Schema] = {
    str: {"type": "string"},
    int: {"type": "integer"},
    bool: {"type": "boolean"},
    UUID: {"type": "string", "format": "uuid"},
    Decimal: {"type": "string", "pattern": DECIMAL_PATTERN},
    datetime: {"type": "string", "format": "date-time"},
    date: {"type": "string", "format": "date"},
}

MONEY_SCHEMA: Schema = {
    "type": "object",
    "description": "An exact amount: a decimal string in the currency's minor unit "
    "(`19.99` EUR, `1999` JPY) and its ISO 4217 code.",
    "properties": {
        "amount": {"type": "string", "pattern": AMOUNT_PATTERN, "examples": ["19.99"]},
        "currency": {"type": "string", "pattern": CURRENCY_PATTERN, "examples": ["EUR"]},
    },
    "required": ["amount", "currency"],
    "additionalProperties": False,
}


def event_schema(cls: type[Event]) -> Schema:
    """The JSON Schema of the payload of event class ``cls`` (what ``payload()`` returns)."""
    definitions = _Definitions()
    body = definitions.object_schema(cls)
    aggregate_id = body["properties"]["aggregate_id"]
    aggregate_id.setdefault("description", f"The {_words(cls.aggregate)} the event is about.")
    schema: Schema = {
        "$schema": DIALECT,
        "$id": f"{SCHEMA_ID_PREFIX}{cls.type}",
        "title": cls.type,
        "description": event_description(cls),
        **body,
    }
    if definitions.schemas:
        schema["$defs"] = dict(sorted(definitions.schemas.items()))
    return schema


class _Definitions:
    """The ``$defs`` of one schema while it is built: nested dataclasses by name."""

    def __init__(self) -> None:
        self.schemas: dict[str, Schema] = {}
        self._names: dict[type[Any], str] = {}

    def object_schema(self, cls: type[Any]) -> Schema:
        """An object with the fields of dataclass ``cls`` (required unless defaulted)."""
        hints = typing.get_type_hints(cls)
        described = field_descriptions(cls)
        properties: dict[str, Schema] = {}
        required = []
        for field in dataclasses.fields(cls):
            if not field.init:
                continue
            prop = self.schema_of(hints[field.name])
            if field.name in described:
                prop["description"] = described[field.name]
            if _has_default(field):
                prop["default"] = _default(field)
            else:
                required.append(field.name)
            properties[field.name] = prop
        return {
            "type": "object",
            "properties": properties,
            "required": required,
            "additionalProperties": False,
        }

    def schema_of(self, hint: Any) -> Schema:
        """The schema of a field annotated ``hint`` (a new dict: callers may add to it)."""
        origin, arguments = typing.get_origin(hint), typing.get_args(hint)
        if origin in (Union, types.UnionType):
            present = next(a for a in arguments if a is not type(None))
            return {"anyOf": [self.schema_of(present), {"type": "null"}]}
        if origin is tuple:
            return {"type": "array", "items": self.schema_of(arguments[0])}
        if hint in _SCALARS:
            return dict(_SCALARS[hint])
        if hint is Money:
            self.schemas["Money"] = copy.deepcopy(MONEY_SCHEMA)
            return {"$ref": "#/$defs/Money"}
        if isinstance(hint, type) and issubclass(hint, Enum):
            values = [member.value for member in hint]
            kind = {"type": "string"} if all(isinstance(v, str) for v in values) else {}
            return {**kind, "enum": values}
        if isinstance(hint, type) and dataclasses.is_dataclass(hint):
            return {"$ref": f"#/$defs/{self._definition(hint)}"}
        raise TypeError(f"{hint} is not an event field type")

    def _definition(self, cls: type[Any]) -> str:
        """The ``$defs`` name of dataclass ``cls``, its schema added on first use."""
        if cls in self._names:
            return self._names[cls]
        name, suffix = cls.__name__, 2
        while name in self.schemas:  # another class of the same name: number this one
            name, suffix = f"{cls.__name__}{suffix}", suffix + 1
        self._names[cls] = name
        self.schemas[name] = {}  # reserved first: a class that nests itself stops here
        schema = self.object_schema(cls)
        description = class_description(cls)
        self.schemas[name] = {"description": description, **schema} if description else schema
        return name


def _has_default(field: dataclasses.Field[Any]) -> bool:
    return (
        field.default is not dataclasses.MISSING or field.default_factory is not dataclasses.MISSING
    )


def _default(field: dataclasses.Field[Any]) -> Any:
    """A field's default as JSON (events default to ``None`` or an empty tuple)."""
    factory = field.default_factory
    return to_json(factory() if callable(factory) else field.default)


def _words(name: str) -> str:
    return name.replace("_", " ")
