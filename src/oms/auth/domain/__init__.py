"""The auth context's domain: API keys and roles (``keys``), staff users (``staff``), their
passwords (``passwords``) and their console sessions (``sessions``)."""

from oms.auth.domain.keys import (
    KEY_PREFIX,
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

__all__ = [
    "KEY_PREFIX",
    "ROLE_PERMISSIONS",
    "ApiKey",
    "ApiKeyCreated",
    "ApiKeyNotFound",
    "ApiKeyRevoked",
    "Role",
    "check_binding",
    "display_prefix",
    "generate_secret",
    "hash_secret",
]
