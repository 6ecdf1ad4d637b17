"""Use cases of the auth context."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import Engine, Row, insert, select, update

from oms import channels
from oms.auth.domain import (
    ROLE_PERMISSIONS,
    ApiKey,
    ApiKeyCreated,
    ApiKeyNotFound,
    ApiKeyRevoked,
    Role,
    check_binding,
    display_prefix,
    generate_secret,
    hash_secret,
)
from oms.auth.tables import api_keys
from oms.platform.security import Principal
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.clock import Clock
from oms.shared.ids import new_id


@dataclass(frozen=True, kw_only=True)
class CreateApiKey:
    name: str
    role: Role
    channel_code: str | None = None


@dataclass(frozen=True, slots=True)
class IssuedKey:
    """A new key and the secret, which is shown this once and never stored."""

    key: ApiKey
    secret: str


def _key(row: Row[Any]) -> ApiKey:
    return ApiKey(
        id=row.id,
        name=row.name,
        role=Role(row.role),
        channel_id=row.channel_id,
        channel_code=row.channel_code,
        display_prefix=row.display_prefix,
        created_at=row.created_at,
        last_used_at=row.last_used_at,
        revoked_at=row.revoked_at,
    )


def create_api_key(cmd: CreateApiKey, *, uow: UnitOfWork) -> IssuedKey:
    """Issue a key for a role (and, for channel keys, its channel)."""
    check_binding(cmd.role, cmd.channel_code)
    secret = generate_secret()
    with uow.begin() as tx:
        channel_id = (
            channels.get_channel(cmd.channel_code, uow=uow).id if cmd.channel_code else None
        )
        key = ApiKey(
            id=new_id(),
            name=cmd.name,
            role=cmd.role,
            channel_id=channel_id,
            channel_code=cmd.channel_code,
            display_prefix=display_prefix(secret),
            created_at=tx.now,
            last_used_at=None,
            revoked_at=None,
        )
        tx.connection.execute(
            insert(api_keys).values(
                id=key.id,
                name=key.name,
                role=key.role.value,
                channel_id=key.channel_id,
                channel_code=key.channel_code,
                secret_hash=hash_secret(secret),
                display_prefix=key.display_prefix,
                created_at=key.created_at,
            )
        )
        tx.record(
            ApiKeyCreated(aggregate_id=key.id, role=key.role.value, channel_code=key.channel_code)
        )
    return IssuedKey(key, secret)


def revoke_api_key(key_id: UUID, *, uow: UnitOfWork) -> ApiKey:
    """Revoke a key; every process stops accepting it within the authenticator's cache TTL."""
    with uow.begin() as tx:
        revoked = tx.connection.execute(
            update(api_keys)
            .where(api_keys.c.id == key_id, api_keys.c.revoked_at.is_(None))
            .values(revoked_at=tx.now)
        ).rowcount
        row = tx.connection.execute(select(api_keys).where(api_keys.c.id == key_id)).first()
        if row is None:
            raise ApiKeyNotFound(key_id)
        if revoked:
            tx.record(ApiKeyRevoked(aggregate_id=key_id))
    return _key(row)


def list_api_keys(*, uow: UnitOfWork, after: UUID | None, limit: int) -> list[ApiKey]:
    """Keys by id (creation order); secrets are never listed."""
    query = select(api_keys).order_by(api_keys.c.id).limit(limit)
    if after is not None:
        query = query.where(api_keys.c.id > after)
    with uow.read() as tx:
        return [_key(row) for row in tx.connection.execute(query)]


class KeyAuthenticator:
    """Resolves bearer secrets to principals, caching hits for a few seconds.

    The cache keeps authentication off the database on hot paths; a revocation takes effect
    within ``ttl`` seconds in every process. ``last_used_at`` is
    written at most once per ``touch_every`` per key, so reads do not become writes.
    """

    def __init__(
        self,
        engine: Engine,
        clock: Clock,
        *,
        ttl: float = 5.0,
        touch_every: timedelta = timedelta(minutes=1),
    ) -> None:
        self.engine = engine
        self.clock = clock
        self.ttl = ttl
        self.touch_every = touch_every
        self._cache: dict[str, tuple[float, Principal | None]] = {}
        self._lock = threading.Lock()

    def __call__(self, secret: str) -> Principal | None:
        digest = hash_secret(secret)
        now = time.monotonic()
        with self._lock:
            hit = self._cache.get(digest)
        if hit is not None and hit[0] > now:
            return hit[1]
        principal = self._load(digest)
        with self._lock:
            if len(self._cache) > 10_000:
                self._cache.clear()
            self._cache[digest] = (now + self.ttl, principal)
        return principal

    def forget(self) -> None:
        with self._lock:
            self._cache.clear()

    def _load(self, digest: str) -> Principal | None:
        with UnitOfWork(self.engine, self.clock).begin() as tx:
            row = tx.connection.execute(
                select(api_keys).where(api_keys.c.secret_hash == digest)
            ).first()
            if row is None or row.revoked_at is not None:
                return None
            if row.last_used_at is None or row.last_used_at < tx.now - self.touch_every:
                tx.connection.execute(
                    update(api_keys).where(api_keys.c.id == row.id).values(last_used_at=tx.now)
                )
        role = Role(row.role)
        return Principal(
            key_id=row.id,
            name=row.name,
            role=role.value,
            permissions=ROLE_PERMISSIONS[role],
            channel_id=row.channel_id,
            channel_code=row.channel_code,
        )
