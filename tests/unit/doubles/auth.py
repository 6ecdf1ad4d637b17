"""Doubles of the auth port: API keys over a dict."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any
from uuid import UUID

from oms.auth.domain import ApiKey
from oms.auth.repository import API_KEYS, ApiKeys


class InMemoryApiKeys:
    """``ApiKeys`` over a dict by id, with the hash each secret was stored under."""

    def __init__(self) -> None:
        self.stored: dict[UUID, ApiKey] = {}
        self.hashes: dict[str, UUID] = {}

    def add(self, key: ApiKey, secret_hash: str) -> None:
        self.stored[key.id] = key
        self.hashes[secret_hash] = key.id

    def by_id(self, key_id: UUID) -> ApiKey | None:
        return self.stored.get(key_id)

    def by_secret_hash(self, secret_hash: str) -> ApiKey | None:
        key_id = self.hashes.get(secret_hash)
        return None if key_id is None else self.stored[key_id]

    def page(self, *, after: UUID | None, limit: int) -> list[ApiKey]:
        ids = sorted(i for i in self.stored if after is None or i > after)
        return [self.stored[i] for i in ids[:limit]]

    def revoke(self, key_id: UUID, at: datetime) -> bool:
        key = self.stored.get(key_id)
        if key is None or not key.active:
            return False
        self.stored[key_id] = dataclasses.replace(key, revoked_at=at)
        return True

    def mark_used(self, key_id: UUID, at: datetime) -> None:
        self.stored[key_id] = dataclasses.replace(self.stored[key_id], last_used_at=at)


def auth_doubles() -> dict[str, Any]:
    """An empty double of the auth port."""
    return {API_KEYS.name: InMemoryApiKeys()}


def _typed() -> None:
    """mypy proves the double implements its port's protocol (never called)."""
    check: ApiKeys = InMemoryApiKeys()
    del check
