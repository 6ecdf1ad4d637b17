"""The auth context's repositories: API keys, staff users and their sessions."""

from oms.auth.repository.keys import API_KEYS, ApiKeys, SqlApiKeys
from oms.auth.repository.staff import (
    STAFF_SESSIONS,
    STAFF_USERS,
    SqlStaffSessions,
    SqlStaffUsers,
    StaffSessions,
    StaffUsers,
)

__all__ = [
    "API_KEYS",
    "STAFF_SESSIONS",
    "STAFF_USERS",
    "ApiKeys",
    "SqlApiKeys",
    "SqlStaffSessions",
    "SqlStaffUsers",
    "StaffSessions",
    "StaffUsers",
]
