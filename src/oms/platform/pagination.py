"""Cursor pagination: opaque cursors that encode the last row's sort key, typed both ways.

Keyset pagination keeps page N as fast as page 1 and stable under inserts, unlike OFFSET. A
cursor is base64 of the JSON sort key; the client may send anything back, so a key is read with
the shape of the list's sort key (``SortKey``) and anything else (a date without zone or out of
range, an integer beyond 64 bits, a wrong part) is a 422 on ``cursor``, never a database error.

A route reads ``read_cursor(cursor, BY_TIME)`` and answers ``Page.of(found, limit, key, item)``
where ``found`` holds up to ``limit + 1`` rows: the extra row only says that there is more.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Sequence
from typing import Annotated, Any, Generic, TypeVar, get_args
from uuid import UUID

from fastapi import Query
from pydantic import BaseModel, Field, Strict, TypeAdapter, ValidationError
from pydantic_core import to_jsonable_python
from typing_extensions import TypeForm

from oms.platform.inputs import Instant
from oms.shared.errors import Invalid

T = TypeVar("T")
R = TypeVar("R")
K = TypeVar("K")

MAX_LIMIT = 200
MAX_POSITION = 2**63 - 1
"""The largest value a BIGINT sort key holds."""

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"Page size, at most {MAX_LIMIT}.")]
Cursor = Annotated[
    str | None,
    Query(max_length=512, description="`next_cursor` from the previous page; omit for the first."),
]

Position = Annotated[int, Strict(), Field(ge=0, le=MAX_POSITION)]
Code = Annotated[str, Strict(), Field(max_length=200, pattern=r"^[^\x00]*$")]


class SortKey(Generic[K]):
    """The shape of one list's sort key, e.g. ``SortKey[tuple[datetime, UUID]]``."""

    def __init__(self, shape: Any) -> None:
        self._adapter: TypeAdapter[K] = TypeAdapter(shape)

    def read(self, key: Any) -> K:
        return self._adapter.validate_python(key)


BY_TIME: SortKey[tuple[Any, UUID]] = SortKey(tuple[Instant, UUID])
"""(an instant, an id): lists ordered by when, ties broken by id."""
BY_ID: SortKey[tuple[UUID]] = SortKey(tuple[UUID])
BY_CODE: SortKey[tuple[str]] = SortKey(tuple[Code])
BY_TWO_CODES: SortKey[tuple[str, str]] = SortKey(tuple[Code, Code])
BY_CODE_AND_ID: SortKey[tuple[str, UUID]] = SortKey(tuple[Code, UUID])
BY_POSITION: SortKey[tuple[int]] = SortKey(tuple[Position])


class Page(BaseModel, Generic[T]):
    """One page of a list, newest or lowest key first as each list documents."""

    items: list[T]
    next_cursor: str | None = Field(
        default=None, description="Pass as `cursor` to get the next page; null on the last page."
    )

    @classmethod
    def model_parametrized_name(cls, params: tuple[TypeForm[Any], ...]) -> str:
        """`OrderPage`, not `Page[OrderOut]`: generated clients name their classes by it."""
        kinds = get_args(params[0]) or params[:1]
        return "Or".join(kind.__name__.removesuffix("Out") for kind in kinds) + "Page"

    @classmethod
    def of(
        cls,
        found: Sequence[R],
        limit: int,
        key: Callable[[R], Sequence[Any]],
        item: Callable[[R], T],
    ) -> Page[T]:
        """The first ``limit`` rows of ``found`` as items, with a cursor after the last of them
        when ``found`` has more (ask the service for ``limit + 1``)."""
        shown = found[:limit]
        more = encode_cursor(key(shown[-1])) if len(found) > limit and shown else None
        return cls(items=[item(row) for row in shown], next_cursor=more)


def encode_cursor(key: Sequence[Any]) -> str:
    raw = json.dumps(to_jsonable_python(list(key)), separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _not_issued() -> Invalid:
    return Invalid("cursor is not one this API issued", field="cursor")


def decode_cursor(cursor: str | None) -> list[Any] | None:
    """The raw sort key a cursor carries; a tampered cursor is a 422 on ``cursor``."""
    if cursor is None:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        key = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise _not_issued() from None
    if not isinstance(key, list):
        raise _not_issued()
    return key


def read_cursor(cursor: str | None, shape: SortKey[K]) -> K | None:
    """The sort key a cursor carries, in the list's shape; anything else is a 422 on ``cursor``."""
    key = decode_cursor(cursor)
    if key is None:
        return None
    try:
        return shape.read(key)
    except ValidationError:
        raise _not_issued() from None
