"""Access control: API keys, staff users and their console sessions, roles and their
permissions.

Public interface for other contexts and the composition root. The staff login is
``authenticate_staff_user`` (``oms.auth.services.staff.authenticate``; the bearer-key one is
``KeyAuthenticator``).
"""

from oms.auth.domain import ROLE_PERMISSIONS, ApiKey, ApiKeyCreated, ApiKeyRevoked, Role
from oms.auth.domain.passwords import PASSWORDS, Passwords
from oms.auth.domain.sessions import (
    CsrfRefused,
    SessionEnded,
    StaffSession,
    check_csrf,
    csrf_token,
)
from oms.auth.domain.staff import (
    STAFF_LOCALES,
    AccessRules,
    CurrentPasswordWrong,
    LoginRefused,
    StaffEmailTaken,
    StaffUser,
    StaffUserNotFound,
)
from oms.auth.services import (
    CreateApiKey,
    IssuedKey,
    KeyAuthenticator,
    create_api_key,
    list_api_keys,
    revoke_api_key,
)
from oms.auth.services.sessions import (
    OpenedSession,
    ResumedSession,
    open_session,
    resume_session,
    revoke_all_for_user,
    revoke_session,
)
from oms.auth.services.staff import (
    ChangePassword,
    CreateStaffUser,
    access_rules,
    actor_names,
    change_password,
    create_staff_user,
    disable_staff_user,
    get_staff_user,
    list_staff_users,
)
from oms.auth.services.staff import (
    authenticate as authenticate_staff_user,
)
from oms.shared.events import Event

__all__ = [
    "EVENTS",
    "PASSWORDS",
    "ROLE_PERMISSIONS",
    "STAFF_LOCALES",
    "AccessRules",
    "ApiKey",
    "ChangePassword",
    "CreateApiKey",
    "CreateStaffUser",
    "CsrfRefused",
    "CurrentPasswordWrong",
    "IssuedKey",
    "KeyAuthenticator",
    "LoginRefused",
    "OpenedSession",
    "Passwords",
    "ResumedSession",
    "Role",
    "SessionEnded",
    "StaffEmailTaken",
    "StaffSession",
    "StaffUser",
    "StaffUserNotFound",
    "access_rules",
    "actor_names",
    "authenticate_staff_user",
    "change_password",
    "check_csrf",
    "create_api_key",
    "create_staff_user",
    "csrf_token",
    "disable_staff_user",
    "get_staff_user",
    "list_api_keys",
    "list_staff_users",
    "open_session",
    "resume_session",
    "revoke_all_for_user",
    "revoke_api_key",
    "revoke_session",
]

EVENTS: tuple[type[Event], ...] = (ApiKeyCreated, ApiKeyRevoked)
"""The event types this context publishes (the composition root registers them)."""
