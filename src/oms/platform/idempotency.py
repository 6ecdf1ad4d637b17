"""``Idempotency-Key`` for creating POSTs, after the IETF httpapi draft.

The key is claimed, the operation runs and its rendered response is stored in ONE transaction
(ADR 0009): claim, work and response commit together or not at all, so a refusal (4xx), a failure
or a crash leaves nothing behind and the client may retry with the same key, and a retry can never
do the work twice. A concurrent duplicate's claim waits on the first one's uncommitted row (the
unique key on PostgreSQL, the write lock on SQLite) and then replays its response, or claims the
key if the first attempt rolled back. No lease is needed for that; the lease and fencing token
remain only for claims committed without a response by releases before ADR 0009.

Keys are scoped to the API key that sent them. Replays carry ``Idempotent-Replayed: true``.

A stored response can hold personal data (the buyer on an order, a new customer), so each names
its ``subject`` (``order:<id>``, ``customer:<id>``); erasing a person erases the responses about
them (``StoredResponses.erase``). The key stays used, and a replay answers 410
``idempotency-response-erased`` instead of the data.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Protocol, TypeVar
from uuid import UUID

from fastapi import Depends, Header, Request, Response
from pydantic import BaseModel
from sqlalchemy import (
    Column,
    Connection,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    Uuid,
    select,
    update,
)

from oms.platform.database import UTCDateTime, metadata
from oms.platform.driver_sql import DriverSql, binder
from oms.platform.http import REQUIRED_HEADER
from oms.platform.problems import HTTPProblem
from oms.platform.unit_of_work import Port, Transaction, UnitOfWork
from oms.shared.ids import new_id

T = TypeVar("T")

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("owner", String(64), nullable=False),
    Column("key", String(255), nullable=False),
    Column("request_hash", String(64), nullable=False),
    Column("status", String(16), nullable=False),
    Column("response_status", Integer, nullable=True),
    Column("response_body", Text, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("locked_until", UTCDateTime, nullable=False),
    Column("claim", Uuid, nullable=True),
    Column("subject", String(80), nullable=True),
    PrimaryKeyConstraint("owner", "key"),
    Index("ix_idempotency_keys_subject", "subject"),
)
"""``subject`` names whose personal data the stored response holds, so erasure can find it."""

IN_FLIGHT = "in_flight"
DONE = "done"
ERASED = "erased"


def subject(kind: str, id_: UUID) -> str:
    """How a stored response names what it is about: ``order:<id>``, ``customer:<id>``."""
    return f"{kind}:{id_}"


class StoredResponses(Protocol):
    """The stored responses, as erasure needs them."""

    def erase(self, subjects: Iterable[str]) -> int:
        """Forget the bodies (and request fingerprints) of responses about ``subjects``."""
        ...


class SqlStoredResponses:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def erase(self, subjects: Iterable[str]) -> int:
        wanted = sorted(set(subjects))
        if not wanted:
            return 0
        return self._c.execute(
            update(idempotency_keys)
            .where(idempotency_keys.c.subject.in_(wanted), idempotency_keys.c.status == DONE)
            .values(status=ERASED, response_body=None, request_hash=ERASED)
        ).rowcount


STORED_RESPONSES: Port[StoredResponses] = Port("platform.stored_responses", SqlStoredResponses)


@dataclass(frozen=True, slots=True)
class IdempotentRequest:
    """The key, who sent it and a fingerprint of what was sent."""

    key: str
    owner: str
    request_hash: str
    lease: timedelta = timedelta(seconds=60)


async def _fingerprint(request: Request) -> str:
    body = await request.body()
    try:
        canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
    except ValueError:
        canonical = body
    digest = hashlib.sha256()
    digest.update(f"{request.method} {request.url.path}\n".encode())
    digest.update(canonical)
    return digest.hexdigest()


async def idempotent_request(
    request: Request,
    idempotency_key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            description="Unique per intended operation (a UUID is ideal). Replays return the "
            "first response; the same key with another body is 422; in flight is 409.",
            json_schema_extra={**REQUIRED_HEADER, "minLength": 1, "maxLength": 255},
        ),
    ] = None,
) -> IdempotentRequest:
    if idempotency_key is None or not idempotency_key.strip():
        raise HTTPProblem(
            400,
            "idempotency-key-required",
            "Idempotency-Key required",
            "this operation requires an Idempotency-Key header",
        )
    if len(idempotency_key) > 255:
        raise HTTPProblem(
            400,
            "idempotency-key-too-long",
            "Idempotency-Key too long",
            "an Idempotency-Key may be at most 255 characters",
        )
    principal = getattr(request.state, "principal", None)
    owner = str(principal.key_id) if principal is not None else "anonymous"
    settings = getattr(request.app.state, "settings", None)
    lease = timedelta(seconds=settings.idempotency_lease_seconds if settings else 60)
    return IdempotentRequest(idempotency_key, owner, await _fingerprint(request), lease)


IdempotencyKey = Annotated[IdempotentRequest, Depends(idempotent_request)]


async def optional_idempotent_request(
    request: Request,
    idempotency_key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            description="Optional here: with it, a retry returns the first response.",
        ),
    ] = None,
) -> IdempotentRequest | None:
    if idempotency_key is None:
        return None
    return await idempotent_request(request, idempotency_key)


OptionalIdempotencyKey = Annotated[IdempotentRequest | None, Depends(optional_idempotent_request)]


_CLAIM = DriverSql(
    "INSERT INTO idempotency_keys (owner, key, request_hash, status, created_at, locked_until, "
    "claim) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (owner, key) DO NOTHING RETURNING key"
)
_STORE = DriverSql(
    "UPDATE idempotency_keys SET status = ?, response_status = ?, response_body = ?, "
    "subject = ? WHERE owner = ? AND key = ? AND claim = ?"
)
"""The two statements of every keyed request, as driver SQL (oms.platform.driver_sql)."""


def _claim(tx: Transaction, req: IdempotentRequest, claim: UUID) -> Response | None:
    """Take the key under ``claim`` in the caller's transaction, or return the stored response
    to replay; raise when it cannot be used.

    The INSERT is the transaction's first statement: a concurrent duplicate's uncommitted claim
    makes it wait here (on the unique key on PostgreSQL, on the write lock on SQLite), holding
    nothing, until that transaction ends: then it replays the stored response, or claims the
    key itself if the first attempt rolled back.
    """
    c = tx.connection
    b = binder(c)
    inserted = _CLAIM.run(
        c,
        (
            req.owner,
            req.key,
            req.request_hash,
            IN_FLIGHT,
            b.at(tx.now),
            b.at(tx.now + req.lease),
            b.uuid(claim),
        ),
    ).first()
    if inserted is not None:
        return None
    row = c.execute(
        select(idempotency_keys).where(
            idempotency_keys.c.owner == req.owner, idempotency_keys.c.key == req.key
        )
    ).one()
    if row.status == ERASED:
        raise HTTPProblem(
            410,
            "idempotency-response-erased",
            "Response erased",
            "the response to this Idempotency-Key held personal data that has been erased; "
            "read the resource instead",
        )
    if row.request_hash != req.request_hash:
        raise HTTPProblem(
            422,
            "idempotency-key-reused",
            "Idempotency-Key reused",
            "this Idempotency-Key was used with a different request",
        )
    if row.status == DONE:
        return Response(
            content=row.response_body,
            status_code=row.response_status,
            media_type="application/json",
            headers={"Idempotent-Replayed": "true"},
        )
    # A committed claim without a response was left by the two-transaction protocol of
    # releases before ADR 0009 (a process of that release may still be running it): taken over
    # once its lease has expired, in this transaction.
    taken = c.execute(
        update(idempotency_keys)
        .where(
            idempotency_keys.c.owner == req.owner,
            idempotency_keys.c.key == req.key,
            idempotency_keys.c.status == IN_FLIGHT,
            idempotency_keys.c.locked_until < tx.now,
        )
        .values(locked_until=tx.now + req.lease, claim=claim)
    ).rowcount
    if not taken:
        raise _in_flight()
    return None


def _in_flight() -> HTTPProblem:
    return HTTPProblem(
        409,
        "idempotency-key-in-flight",
        "Request in flight",
        "a request with this Idempotency-Key is still being processed; retry later",
        {"Retry-After": "1"},
    )


def run_idempotent(
    uow: UnitOfWork,
    req: IdempotentRequest | None,
    operation: Callable[[], T],
    render: Callable[[T], BaseModel],
    *,
    status_code: int | Callable[[T], int] = 201,
    about: Callable[[T], str] | None = None,
) -> Response:
    """Run ``operation`` at most once per key and return (or replay) its rendered response.

    One transaction: the key's claim, the operation and its stored response commit together or
    not at all, so a refusal or a crash leaves the key free and a retry can never do the work
    twice. ``status_code`` may depend on the result (201 created, 200 found). ``about`` names
    the subject whose personal data the response holds (``subject("order", id)``), for erasure.
    Without a key (where the route makes it optional) the operation simply runs.
    """
    with uow.begin() as tx:
        if req is None:
            result = operation()
            body = render(result).model_dump_json()
            return Response(
                content=body,
                status_code=_status(status_code, result),
                media_type="application/json",
            )
        claim = new_id()
        replay = _claim(tx, req, claim)
        if replay is not None:
            return replay
        result = operation()
        body = render(result).model_dump_json()
        status = _status(status_code, result)
        stored = _STORE.run(
            tx.connection,
            (
                DONE,
                status,
                body,
                about(result) if about else None,
                req.owner,
                req.key,
                binder(tx.connection).uuid(claim),
            ),
        ).rowcount
        if not stored:  # pragma: no cover - the claim is this transaction's own row
            raise _in_flight()
    return Response(content=body, status_code=status, media_type="application/json")


def _status(status_code: int | Callable[[T], int], result: T) -> int:
    return status_code(result) if callable(status_code) else status_code
