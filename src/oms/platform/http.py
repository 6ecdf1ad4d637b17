"""Request-scoped dependencies every context's routes share."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import suppress
from typing import Annotated, Any

from fastapi import Depends, Header, Request, Response
from fastapi.dependencies.utils import get_flat_params
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute

from oms.platform.unit_of_work import UnitOfWork
from oms.shared.versions import ExpectedVersion

NUL = "\x00"


async def get_uow(request: Request) -> UnitOfWork:
    """A fresh unit of work for this request, on the app's engine and clock.

    ``async`` (as every dependency that neither blocks nor waits): FastAPI runs a plain ``def``
    dependency on the thread pool, a hand-over that costs more CPU than building the object.
    """
    return UnitOfWork(request.app.state.engine, request.app.state.clock)


UoW = Annotated[UnitOfWork, Depends(get_uow)]


async def refuse_nul_characters(request: Request) -> None:
    """Refuse U+0000 in any path, query or JSON body value the route reads, with 422 naming it.

    PostgreSQL text cannot hold it, so letting it through would fail as a 500 at the database
    (SQLite would store it), and no name, code or address legitimately contains it.
    """
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    found: list[tuple[str | int, ...]] = [
        ("path", name) for name, value in request.path_params.items() if NUL in str(value)
    ]
    query = [name for name, value in request.query_params.multi_items() if NUL in value]
    if query:
        declared = {field.alias for field in get_flat_params(route.dependant)}
        found.extend(("query", name) for name in query if name in declared)
    # Form data (a file upload) was read by the route's own parsing, which does not keep the
    # raw body; such routes check their fields themselves.
    is_form = request.headers.get("content-type", "").startswith("multipart/form-data")
    body = await request.body() if route.body_field and not is_form else b""
    if b"\\u0000" in body:  # JSON can carry U+0000 only escaped
        with suppress(ValueError):  # not JSON: the route's own body validation refuses it
            found.extend(("body", *at) for at in _nul_paths(json.loads(body), ()))
    if found:
        raise RequestValidationError(
            [
                {"type": "string_nul", "loc": at, "msg": "must not contain NUL characters"}
                for at in found
            ]
        )


def _nul_paths(value: Any, at: tuple[str | int, ...]) -> Iterator[tuple[str | int, ...]]:
    if isinstance(value, str) and NUL in value:
        yield at
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from ([(*at, key)] if NUL in key else _nul_paths(item, (*at, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _nul_paths(item, (*at, index))


async def if_match(
    header: Annotated[
        str | None,
        Header(
            alias="If-Match",
            description='The ETag of the version the change was made from, such as `"3"` '
            "(strong comparison; `*` matches any). A stale one is refused with 412.",
        ),
    ] = None,
) -> ExpectedVersion | None:
    """The versions a change's ``If-Match`` accepts, or None when it sent none."""
    return None if header is None else ExpectedVersion.parse(header)


IfMatch = Annotated[ExpectedVersion | None, Depends(if_match)]


def send_version(response: Response, version: int) -> None:
    """Give a versioned record's strong ETag, ``"<version>"``, as orders give theirs."""
    response.headers["ETag"] = f'"{version}"'


async def tagged_response(response: Response) -> Response:
    """The response of a route that sends an ETag (``send_version``).

    A route declares ``response: Tagged`` instead of ``response: Response``; that is what puts
    the ``ETag`` header in its documented 2xx responses and, for a GET, ``If-None-Match`` and
    the 304 answer (the 304 itself comes from ``ConditionalGetMiddleware``, for any ETag).
    """
    return response


Tagged = Annotated[Response, Depends(tagged_response)]

REQUIRED_BY_ROUTE = "x-required-by-route"
REQUIRED_HEADER: dict[str, Any] = {REQUIRED_BY_ROUTE: True}
"""``json_schema_extra`` of a header the route itself insists on.

FastAPI sees such a header as optional so that its absence gets the route's own answer (400
``idempotency-key-required``, 428 for a missing ``If-Match``) instead of a generic 422; the
OpenAPI document shows it as required, which is what a client must know.
"""
