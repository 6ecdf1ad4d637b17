"""HTTP routes of the auth context: API key management (admin only)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends

from oms.auth import services
from oms.auth.schemas import ApiKeyIn, ApiKeyOut, IssuedApiKeyOut
from oms.platform.http import UoW
from oms.platform.pagination import BY_ID, Cursor, Limit, Page, read_cursor
from oms.platform.problems import responses
from oms.platform.security import Permission, Principal, Requires

router = APIRouter(prefix="/v1", tags=["auth"])

KeyManager = Annotated[Principal, Depends(Requires(Permission.API_KEYS_MANAGE))]


@router.get("/api-keys", responses=responses(401, 403, 422))
def list_api_keys(
    _: KeyManager, uow: UoW, limit: Limit = 50, cursor: Cursor = None
) -> Page[ApiKeyOut]:
    """API keys, oldest first; secrets are never shown again."""
    key = read_cursor(cursor, BY_ID)
    found = services.list_api_keys(uow=uow, after=key[0] if key else None, limit=limit + 1)
    return Page.of(found, limit, lambda k: (k.id,), ApiKeyOut.of)


@router.post("/api-keys", status_code=201, responses=responses(401, 403, 404, 422))
def create_api_key(body: ApiKeyIn, _: KeyManager, uow: UoW) -> IssuedApiKeyOut:
    """Issue a key. The secret appears in this response only.

    Not replayable with ``Idempotency-Key`` on purpose: a replay could only return the secret
    if it were stored, and secrets are never stored. A lost response means: revoke and reissue.
    """
    issued = services.create_api_key(
        services.CreateApiKey(
            name=body.name, role=body.role, channel_code=body.channel, location_code=body.location
        ),
        uow=uow,
    )
    return IssuedApiKeyOut(**ApiKeyOut.of(issued.key).model_dump(), secret=issued.secret)


@router.delete("/api-keys/{key_id}", responses=responses(401, 403, 404, 422))
def revoke_api_key(key_id: UUID, _: KeyManager, uow: UoW) -> ApiKeyOut:
    """Revoke a key; revoking twice is harmless."""
    return ApiKeyOut.of(services.revoke_api_key(key_id, uow=uow))
