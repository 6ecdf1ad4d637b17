"""The parts of RFC 9110 that FastAPI leaves to the application, as two ASGI middlewares.

- ``ConditionalGetMiddleware``: a GET whose ``If-None-Match`` matches the response's ``ETag``
  gets ``304 Not Modified`` with no body and the same ETag. It is keyed on the ETag header, so
  every route that sends one (``send_version``) gets it without code of its own. The body is
  still built (the route loads the record to know its version); what is saved is the transfer.
- ``AllowedMethodsMiddleware``: a 405 lists in ``Allow`` every method that the path answers.
  Starlette stops at the first route whose path matches, so ``DELETE /v1/orders`` used to say
  ``Allow: POST`` although ``GET`` is served there too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from fastapi import routing
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

_ENTITY_TAG = re.compile(r'\s*(?:W/)?("[\x21\x23-\x7e\x80-\xff]*")\s*(?:,|$)')
_SAFE = ("GET", "HEAD")
_METHOD_RANK = {m: i for i, m in enumerate(("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"))}
_NOT_SENT_ON_304 = (b"content-length", b"content-type", b"content-encoding", b"transfer-encoding")
"""Representation metadata a 304 must not carry (RFC 9110 15.4.5); every other header stays."""
iter_route_contexts = getattr(routing, "iter_route_contexts", None)


def _opaque_tags(header: str) -> set[str] | None:
    """The opaque tags (quotes kept, ``W/`` dropped) of an entity-tag list; None if malformed."""
    tags: set[str] = set()
    position = 0
    text = header.strip()
    while position < len(text):
        found = _ENTITY_TAG.match(text, position)
        if found is None or found.end() == position:
            return None
        tags.add(found.group(1))
        position = found.end()
    return tags


def none_match(if_none_match: str, etag: str) -> bool:
    """Whether ``If-None-Match`` is false for a representation tagged ``etag`` (so: 304).

    ``*`` matches any current representation. Otherwise a listed tag must equal the ETag by the
    weak comparison, which RFC 9110 13.1.2 prescribes for ``If-None-Match`` (unlike ``If-Match``,
    which compares strongly): ``W/"3"`` from a cache that weakened our ``"3"`` still matches. A
    malformed header matches nothing, so the client simply gets the full response.
    """
    if if_none_match.strip() == "*":
        return True
    listed = _opaque_tags(if_none_match)
    ours = _opaque_tags(etag)
    return bool(listed and ours and listed & ours)


def _header(headers: Iterable[tuple[bytes, bytes]], name: bytes) -> str | None:
    values = [value.decode("latin-1") for key, value in headers if key.lower() == name]
    return ", ".join(values) if values else None


class ConditionalGetMiddleware:
    """Turns a 200 GET into 304 when the client already holds the tagged representation."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        wanted = None
        if scope["type"] == "http" and scope["method"] in _SAFE:
            wanted = _header(scope["headers"], b"if-none-match")
        if wanted is None:
            await self.app(scope, receive, send)
            return
        not_modified = False

        async def answer(message: Message) -> None:
            nonlocal not_modified
            if message["type"] == "http.response.start":
                etag = _header(message.get("headers", []), b"etag")
                if message["status"] == 200 and etag is not None and none_match(wanted, etag):
                    not_modified = True
                    headers = [
                        (key, value)
                        for key, value in message.get("headers", [])
                        if key.lower() not in _NOT_SENT_ON_304
                    ]
                    message = {**message, "status": 304, "headers": headers}
            elif message["type"] == "http.response.body" and not_modified:
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app(scope, receive, answer)


def each_route(routes: Sequence[BaseRoute]) -> Iterator[Any]:
    """Every route with its full path, also inside included routers.

    FastAPI from 0.16x keeps an included router as one entry (resolved lazily) instead of
    copying its routes into the app; ``iter_route_contexts`` walks through them.
    """
    if iter_route_contexts is None:  # pragma: no cover - FastAPI before included routers
        yield from routes
        return
    yield from iter_route_contexts(routes)


def allowed_methods(routes: Sequence[BaseRoute], scope: Scope) -> list[str]:
    """Every method some route answers at the request's path, in the conventional order."""
    found: set[str] = set()
    for route in each_route(routes):
        methods = getattr(route, "methods", None)
        if methods and route.matches(scope)[0] is not Match.NONE:
            found |= set(methods)
    return sorted(found, key=lambda m: (_METHOD_RANK.get(m, len(_METHOD_RANK)), m))


class AllowedMethodsMiddleware:
    """Completes the ``Allow`` header of a 405 with the methods of every route at that path."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def answer(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 405:
                allowed = allowed_methods(scope["app"].router.routes, scope)
                if allowed:
                    headers = [
                        (key, value)
                        for key, value in message.get("headers", [])
                        if key.lower() != b"allow"
                    ]
                    headers.append((b"allow", ", ".join(allowed).encode("latin-1")))
                    message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, answer)
