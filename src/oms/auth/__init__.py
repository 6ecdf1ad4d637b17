"""Access control: API keys, roles and their permissions.

Public interface for other contexts and the composition root.
"""

from oms.auth.domain import ROLE_PERMISSIONS, ApiKey, ApiKeyCreated, ApiKeyRevoked, Role
from oms.auth.services import (
    CreateApiKey,
    IssuedKey,
    KeyAuthenticator,
    create_api_key,
    list_api_keys,
    revoke_api_key,
)
from oms.shared.events import Event

__all__ = [
    "EVENTS",
    "ROLE_PERMISSIONS",
    "ApiKey",
    "CreateApiKey",
    "IssuedKey",
    "KeyAuthenticator",
    "Role",
    "create_api_key",
    "list_api_keys",
    "revoke_api_key",
]

EVENTS: tuple[type[Event], ...] = (ApiKeyCreated, ApiKeyRevoked)
"""The event types this context publishes (the composition root registers them)."""
