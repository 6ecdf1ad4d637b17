"""Tables of the auth context."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Column, ForeignKey, Integer, String, Table, Uuid

from oms.platform.database import UTCDateTime, metadata

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("role", String(20), nullable=False),
    Column("channel_id", Uuid, ForeignKey("channels.id"), nullable=True),
    Column("channel_code", String(40), nullable=True),
    Column("location_code", String(40), ForeignKey("locations.code"), nullable=True),
    Column("secret_hash", String(64), nullable=False, unique=True),
    Column("display_prefix", String(16), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_used_at", UTCDateTime, nullable=True),
    Column("revoked_at", UTCDateTime, nullable=True),
)

staff_users = Table(
    "staff_users",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("email", String(320), nullable=False),
    Column("email_key", String(320), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("role", String(20), nullable=False),
    Column("location_code", String(40), ForeignKey("locations.code"), nullable=True),
    Column("password_hash", String(255), nullable=False),
    Column("locale", String(5), nullable=False),
    Column("disabled_at", UTCDateTime, nullable=True),
    Column("failed_logins", Integer, nullable=False),
    Column("locked_until", UTCDateTime, nullable=True),
    Column("password_changed_at", UTCDateTime, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("version", Integer, nullable=False),
    CheckConstraint("role <> 'channel'", name="role_not_channel"),
    CheckConstraint("failed_logins >= 0", name="failed_logins_not_negative"),
    CheckConstraint("version >= 1", name="version_positive"),
)
"""Staff who log in to the console; ``email_key`` is the trimmed, case-folded email."""

staff_sessions = Table(
    "staff_sessions",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("user_id", Uuid, ForeignKey("staff_users.id"), nullable=False, index=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_seen_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("revoked_at", UTCDateTime, nullable=True),
    Column("user_agent", String(200), nullable=False),
    Column("csrf_secret", String(64), nullable=False),
)
"""Console sessions; ``id`` is the SHA-256 of the cookie's token, never the token."""
