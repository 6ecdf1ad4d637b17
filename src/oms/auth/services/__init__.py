"""Use cases of the auth context: API keys (``keys``), staff users (``staff``) and their
console sessions (``sessions``)."""

from oms.auth.services.keys import (
    CreateApiKey,
    IssuedKey,
    KeyAuthenticator,
    authenticate,
    check_location_exists,
    create_api_key,
    list_api_keys,
    revoke_api_key,
)

__all__ = [
    "CreateApiKey",
    "IssuedKey",
    "KeyAuthenticator",
    "authenticate",
    "check_location_exists",
    "create_api_key",
    "list_api_keys",
    "revoke_api_key",
]
