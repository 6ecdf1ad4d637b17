"""Reading and writing API keys (SQLAlchemy Core), behind the ``API_KEYS`` port.

Only the SHA-256 of a secret is stored; a key is found by that hash when a request presents it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from sqlalchemy import Connection, Row, insert, select, update

from oms.auth.domain.keys import ApiKey, Role
from oms.auth.tables import api_keys
from oms.platform.unit_of_work import Port


class ApiKeys(Protocol):
    """API keys by id or by the hash of their secret."""

    def add(self, key: ApiKey, secret_hash: str) -> None:
        """Store a new key with the hash of its secret (the secret itself is never stored)."""
        ...

    def by_id(self, key_id: UUID) -> ApiKey | None: ...

    def by_secret_hash(self, secret_hash: str) -> ApiKey | None: ...

    def page(self, *, after: UUID | None, limit: int) -> list[ApiKey]:
        """Keys by id (creation order), after the id ``after``."""
        ...

    def revoke(self, key_id: UUID, at: datetime) -> bool:
        """Revoke an active key; False when it is unknown or revoked already."""
        ...

    def mark_used(self, key_id: UUID, at: datetime) -> None:
        """Note when the key was last used."""
        ...


def _key(row: Row[Any]) -> ApiKey:
    return ApiKey(
        id=row.id,
        name=row.name,
        role=Role(row.role),
        channel_id=row.channel_id,
        channel_code=row.channel_code,
        location_code=row.location_code,
        display_prefix=row.display_prefix,
        created_at=row.created_at,
        last_used_at=row.last_used_at,
        revoked_at=row.revoked_at,
    )


class SqlApiKeys:
    """``ApiKeys`` on the ``api_keys`` table."""

    def __init__(self, connection: Connection) -> None:
        self.c = connection

    def add(self, key: ApiKey, secret_hash: str) -> None:
        self.c.execute(
            insert(api_keys).values(
                id=key.id,
                name=key.name,
                role=key.role.value,
                channel_id=key.channel_id,
                channel_code=key.channel_code,
                location_code=key.location_code,
                secret_hash=secret_hash,
                display_prefix=key.display_prefix,
                created_at=key.created_at,
            )
        )

    def by_id(self, key_id: UUID) -> ApiKey | None:
        row = self.c.execute(select(api_keys).where(api_keys.c.id == key_id)).first()
        return _key(row) if row else None

    def by_secret_hash(self, secret_hash: str) -> ApiKey | None:
        query = select(api_keys).where(api_keys.c.secret_hash == secret_hash)
        row = self.c.execute(query).first()
        return _key(row) if row else None

    def page(self, *, after: UUID | None, limit: int) -> list[ApiKey]:
        query = select(api_keys).order_by(api_keys.c.id).limit(limit)
        if after is not None:
            query = query.where(api_keys.c.id > after)
        return [_key(row) for row in self.c.execute(query)]

    def revoke(self, key_id: UUID, at: datetime) -> bool:
        revoked = self.c.execute(
            update(api_keys)
            .where(api_keys.c.id == key_id, api_keys.c.revoked_at.is_(None))
            .values(revoked_at=at)
        ).rowcount
        return revoked == 1

    def mark_used(self, key_id: UUID, at: datetime) -> None:
        self.c.execute(update(api_keys).where(api_keys.c.id == key_id).values(last_used_at=at))


API_KEYS: Port[ApiKeys] = Port("auth.api_keys", SqlApiKeys)
