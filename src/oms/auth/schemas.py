"""API schemas of the auth context."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import Field

from oms.auth.domain import ApiKey, Role
from oms.platform.schemas import Input, Output


class ApiKeyIn(Input):
    name: str = Field(min_length=1, max_length=200, examples=["Amazon connector"])
    role: Role
    channel: str | None = Field(default=None, description="Channel code; channel keys only.")
    location: str | None = Field(
        default=None,
        max_length=40,
        description="Location code; warehouse keys only: the key sees only that location's "
        "fulfilment orders and shipments.",
    )


class ApiKeyOut(Output):
    id: UUID
    name: str
    role: Role
    channel: str | None
    location: str | None = None
    prefix: str = Field(description="First characters of the key, to tell keys apart.")
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None

    @classmethod
    def of(cls, key: ApiKey) -> ApiKeyOut:
        return cls(
            id=str(key.id),
            name=key.name,
            role=key.role,
            channel=key.channel_code,
            location=key.location_code,
            prefix=key.display_prefix,
            created_at=key.created_at,
            last_used_at=key.last_used_at,
            revoked_at=key.revoked_at,
        )


class IssuedApiKeyOut(ApiKeyOut):
    secret: str = Field(description="The key itself. Shown once; store it now.")
