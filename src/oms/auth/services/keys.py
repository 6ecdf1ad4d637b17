"""Use cases of the auth context: issue, revoke and list keys, and authenticate a secret."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

from oms import channels
from oms.auth.domain.keys import (
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
from oms.auth.repository.keys import API_KEYS
from oms.platform.security import Principal
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.errors import Invalid
from oms.shared.ids import new_id


@dataclass(frozen=True, kw_only=True)
class CreateApiKey:
    name: str
    role: Role
    channel_code: str | None = None
    location_code: str | None = None
    """A warehouse key's location (its code), if it is bound to one."""


@dataclass(frozen=True, slots=True)
class IssuedKey:
    """A new key and the secret, which is shown this once and never stored."""

    key: ApiKey
    secret: str


def create_api_key(cmd: CreateApiKey, *, uow: UnitOfWork) -> IssuedKey:
    """Issue a key for a role (for channel keys, its channel; a warehouse key may be bound to
    one location, which must exist: an unknown one is a 422 on ``location``)."""
    check_binding(cmd.role, cmd.channel_code, cmd.location_code)
    secret = generate_secret()
    with uow.begin() as tx:
        channel_id = (
            channels.get_channel(cmd.channel_code, uow=uow).id if cmd.channel_code else None
        )
        if cmd.location_code is not None:
            check_location_exists(cmd.location_code, uow=uow)
        key = ApiKey(
            id=new_id(),
            name=cmd.name,
            role=cmd.role,
            channel_id=channel_id,
            channel_code=cmd.channel_code,
            location_code=cmd.location_code,
            display_prefix=display_prefix(secret),
            created_at=tx.now,
            last_used_at=None,
            revoked_at=None,
        )
        tx.repo(API_KEYS).add(key, hash_secret(secret))
        tx.record(
            ApiKeyCreated(aggregate_id=key.id, role=key.role.value, channel_code=key.channel_code)
        )
    return IssuedKey(key, secret)


def check_location_exists(code: str, *, uow: UnitOfWork) -> None:
    """Refuse (422 on ``location``) a location code that names no location."""
    try:
        channels.get_location(code, uow=uow)
    except channels.LocationNotFound:
        raise Invalid(f"no location {code!r}", field="location") from None


def revoke_api_key(key_id: UUID, *, uow: UnitOfWork) -> ApiKey:
    """Revoke a key; every process stops accepting it within the authenticator's cache TTL."""
    with uow.begin() as tx:
        keys = tx.repo(API_KEYS)
        revoked = keys.revoke(key_id, tx.now)
        key = keys.by_id(key_id)
        if key is None:
            raise ApiKeyNotFound(key_id)
        if revoked:
            tx.record(ApiKeyRevoked(aggregate_id=key_id))
    return key


def list_api_keys(*, uow: UnitOfWork, after: UUID | None, limit: int) -> list[ApiKey]:
    """Keys by id (creation order); secrets are never listed."""
    with uow.read() as tx:
        return tx.repo(API_KEYS).page(after=after, limit=limit)


def authenticate(
    secret: str, *, uow: UnitOfWork, touch_every: timedelta = timedelta(minutes=1)
) -> Principal | None:
    """The principal an active key's secret stands for, or None for any other secret.

    ``last_used_at`` is written at most once per ``touch_every``, so reads do not become writes.
    """
    with uow.begin() as tx:
        keys = tx.repo(API_KEYS)
        key = keys.by_secret_hash(hash_secret(secret))
        if key is None or not key.active:
            return None
        if key.last_used_at is None or key.last_used_at < tx.now - touch_every:
            keys.mark_used(key.id, tx.now)
    return Principal(
        key_id=key.id,
        name=key.name,
        role=key.role.value,
        permissions=ROLE_PERMISSIONS[key.role],
        channel_id=key.channel_id,
        channel_code=key.channel_code,
        location_code=key.location_code,
    )


class KeyAuthenticator:
    """Resolves bearer secrets to principals, caching hits for a few seconds.

    The cache keeps authentication off the database on hot paths; a revocation takes effect
    within ``ttl`` seconds in every process. Each lookup runs in a unit of work of its own from
    ``open_uow`` (requests authenticate on many threads at once).
    """

    def __init__(
        self,
        open_uow: Callable[[], UnitOfWork],
        *,
        ttl: float = 5.0,
        touch_every: timedelta = timedelta(minutes=1),
    ) -> None:
        self.open_uow = open_uow
        self.ttl = ttl
        self.touch_every = touch_every
        self._cache: dict[str, tuple[float, Principal | None]] = {}
        self._lock = threading.Lock()

    def cached(self, secret: str) -> tuple[bool, Principal | None]:
        """The answer from memory, without the database: ``(False, None)`` when there is none."""
        with self._lock:
            hit = self._cache.get(hash_secret(secret))
        if hit is not None and hit[0] > time.monotonic():
            return True, hit[1]
        return False, None

    def __call__(self, secret: str) -> Principal | None:
        known, principal = self.cached(secret)
        if known:
            return principal
        now = time.monotonic()
        principal = authenticate(secret, uow=self.open_uow(), touch_every=self.touch_every)
        with self._lock:
            if len(self._cache) > 10_000:
                self._cache.clear()
            self._cache[hash_secret(secret)] = (now + self.ttl, principal)
        return principal

    def forget(self) -> None:
        with self._lock:
            self._cache.clear()
