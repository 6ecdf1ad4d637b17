"""Staff users and their sessions (SQLAlchemy Core), behind the ``STAFF_USERS`` and
``STAFF_SESSIONS`` ports.

Failed logins are counted by one conditional UPDATE each (never read, add, write back), so
concurrent failures are all counted and exactly one of them locks the user. The counters are not
edits of the user: they move neither ``version`` nor ``updated_at``.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from sqlalchemy import Connection, Row, case, insert, literal, null, or_, select, update
from sqlalchemy.exc import IntegrityError

from oms.auth.domain.keys import Role
from oms.auth.domain.sessions import StaffSession
from oms.auth.domain.staff import AccessRules, StaffUser
from oms.auth.tables import staff_sessions, staff_users
from oms.platform.database import UTCDateTime
from oms.platform.unit_of_work import Port


class StaffUsers(Protocol):
    """Staff users by id or email key, with their password hashes kept apart."""

    def add(self, user: StaffUser, *, email_key: str, password_hash: str) -> bool:
        """Store a new user; False when a user has the email key already."""
        ...

    def by_id(self, user_id: UUID) -> StaffUser | None: ...

    def by_email_key(self, email_key: str) -> tuple[StaffUser, str] | None:
        """The user and the hash of their password."""
        ...

    def password_hash(self, user_id: UUID) -> str | None: ...

    def page(self, *, after: UUID | None, limit: int) -> list[StaffUser]: ...

    def names(self, user_ids: Collection[UUID]) -> dict[UUID, str]:
        """Each known user's name (their email when they gave none)."""
        ...

    def disable(self, user_id: UUID, at: datetime) -> bool:
        """Disable an active user; False when unknown or disabled already."""
        ...

    def count_failure(self, user_id: UUID, now: datetime, rules: AccessRules) -> bool:
        """Count a failed login unless the user is locked; the failure that reaches
        ``rules.lockout_failures`` locks the user and starts the count again. False when the
        user was locked (nothing counted)."""
        ...

    def accept_login(self, user_id: UUID, now: datetime, new_hash: str | None) -> bool:
        """Clear the failures of an active, unlocked user (and store ``new_hash``, a re-hash of
        the same password, if given); False when the user is disabled or locked."""
        ...

    def change_password(self, user_id: UUID, password_hash: str, at: datetime) -> None: ...


class StaffSessions(Protocol):
    """Sessions by id (the hash of their token)."""

    def add(self, session: StaffSession) -> None: ...

    def by_id(self, session_id: str) -> StaffSession | None: ...

    def touch(self, session_id: str, at: datetime) -> None: ...

    def revoke(self, session_id: str, at: datetime) -> bool: ...

    def revoke_all_for_user(self, user_id: UUID, at: datetime, *, keep: str | None) -> int:
        """Revoke every live session of the user but ``keep``; how many."""
        ...


def _user(row: Row[Any]) -> StaffUser:
    return StaffUser(
        id=row.id,
        email=row.email,
        name=row.name,
        role=Role(row.role),
        location_code=row.location_code,
        locale=row.locale,
        disabled_at=row.disabled_at,
        failed_logins=row.failed_logins,
        locked_until=row.locked_until,
        password_changed_at=row.password_changed_at,
        created_at=row.created_at,
        updated_at=row.updated_at,
        version=row.version,
    )


def _not_locked(now: datetime) -> Any:
    return or_(
        staff_users.c.locked_until.is_(None),
        staff_users.c.locked_until <= literal(now, UTCDateTime),
    )


class SqlStaffUsers:
    """``StaffUsers`` on the ``staff_users`` table."""

    def __init__(self, connection: Connection) -> None:
        self.c = connection

    def add(self, user: StaffUser, *, email_key: str, password_hash: str) -> bool:
        try:
            with self.c.begin_nested():
                self.c.execute(
                    insert(staff_users).values(
                        id=user.id,
                        email=user.email,
                        email_key=email_key,
                        name=user.name,
                        role=user.role.value,
                        location_code=user.location_code,
                        password_hash=password_hash,
                        locale=user.locale,
                        failed_logins=user.failed_logins,
                        password_changed_at=user.password_changed_at,
                        created_at=user.created_at,
                        updated_at=user.updated_at,
                        version=user.version,
                    )
                )
        except IntegrityError:
            if self.c.execute(
                select(staff_users.c.id).where(staff_users.c.email_key == email_key)
            ).first():
                return False
            raise
        return True

    def by_id(self, user_id: UUID) -> StaffUser | None:
        row = self.c.execute(select(staff_users).where(staff_users.c.id == user_id)).first()
        return _user(row) if row else None

    def by_email_key(self, email_key: str) -> tuple[StaffUser, str] | None:
        query = select(staff_users).where(staff_users.c.email_key == email_key)
        row = self.c.execute(query).first()
        return (_user(row), row.password_hash) if row else None

    def password_hash(self, user_id: UUID) -> str | None:
        query = select(staff_users.c.password_hash).where(staff_users.c.id == user_id)
        found: str | None = self.c.execute(query).scalar()
        return found

    def page(self, *, after: UUID | None, limit: int) -> list[StaffUser]:
        query = select(staff_users).order_by(staff_users.c.id).limit(limit)
        if after is not None:
            query = query.where(staff_users.c.id > after)
        return [_user(row) for row in self.c.execute(query)]

    def names(self, user_ids: Collection[UUID]) -> dict[UUID, str]:
        if not user_ids:
            return {}
        query = select(staff_users.c.id, staff_users.c.name, staff_users.c.email).where(
            staff_users.c.id.in_(list(user_ids))
        )
        return {row.id: row.name or row.email for row in self.c.execute(query)}

    def disable(self, user_id: UUID, at: datetime) -> bool:
        disabled = self.c.execute(
            update(staff_users)
            .where(staff_users.c.id == user_id, staff_users.c.disabled_at.is_(None))
            .values(disabled_at=at, updated_at=at, version=staff_users.c.version + 1)
        ).rowcount
        return disabled == 1

    def count_failure(self, user_id: UUID, now: datetime, rules: AccessRules) -> bool:
        reaches = staff_users.c.failed_logins + 1 >= rules.lockout_failures
        counted = self.c.execute(
            update(staff_users)
            .where(staff_users.c.id == user_id, _not_locked(now))
            .values(
                failed_logins=case((reaches, 0), else_=staff_users.c.failed_logins + 1),
                locked_until=case(
                    (reaches, literal(now + rules.lockout_duration, UTCDateTime)), else_=null()
                ),
            )
        ).rowcount
        return counted == 1

    def accept_login(self, user_id: UUID, now: datetime, new_hash: str | None) -> bool:
        values: dict[str, Any] = {"failed_logins": 0, "locked_until": None}
        if new_hash is not None:
            values["password_hash"] = new_hash
        accepted = self.c.execute(
            update(staff_users)
            .where(
                staff_users.c.id == user_id,
                staff_users.c.disabled_at.is_(None),
                _not_locked(now),
            )
            .values(**values)
        ).rowcount
        return accepted == 1

    def change_password(self, user_id: UUID, password_hash: str, at: datetime) -> None:
        self.c.execute(
            update(staff_users)
            .where(staff_users.c.id == user_id)
            .values(
                password_hash=password_hash,
                password_changed_at=at,
                updated_at=at,
                version=staff_users.c.version + 1,
            )
        )


def _session(row: Row[Any]) -> StaffSession:
    return StaffSession(
        id=row.id,
        user_id=row.user_id,
        created_at=row.created_at,
        last_seen_at=row.last_seen_at,
        expires_at=row.expires_at,
        revoked_at=row.revoked_at,
        user_agent=row.user_agent,
        csrf_secret=row.csrf_secret,
    )


class SqlStaffSessions:
    """``StaffSessions`` on the ``staff_sessions`` table."""

    def __init__(self, connection: Connection) -> None:
        self.c = connection

    def add(self, session: StaffSession) -> None:
        self.c.execute(
            insert(staff_sessions).values(
                id=session.id,
                user_id=session.user_id,
                created_at=session.created_at,
                last_seen_at=session.last_seen_at,
                expires_at=session.expires_at,
                user_agent=session.user_agent,
                csrf_secret=session.csrf_secret,
            )
        )

    def by_id(self, session_id: str) -> StaffSession | None:
        query = select(staff_sessions).where(staff_sessions.c.id == session_id)
        row = self.c.execute(query).first()
        return _session(row) if row else None

    def touch(self, session_id: str, at: datetime) -> None:
        self.c.execute(
            update(staff_sessions)
            .where(staff_sessions.c.id == session_id, staff_sessions.c.last_seen_at < at)
            .values(last_seen_at=at)
        )

    def revoke(self, session_id: str, at: datetime) -> bool:
        revoked = self.c.execute(
            update(staff_sessions)
            .where(staff_sessions.c.id == session_id, staff_sessions.c.revoked_at.is_(None))
            .values(revoked_at=at)
        ).rowcount
        return revoked == 1

    def revoke_all_for_user(self, user_id: UUID, at: datetime, *, keep: str | None) -> int:
        query = update(staff_sessions).where(
            staff_sessions.c.user_id == user_id, staff_sessions.c.revoked_at.is_(None)
        )
        if keep is not None:
            query = query.where(staff_sessions.c.id != keep)
        revoked: int = self.c.execute(query.values(revoked_at=at)).rowcount
        return revoked


STAFF_USERS: Port[StaffUsers] = Port("auth.staff_users", SqlStaffUsers)
STAFF_SESSIONS: Port[StaffSessions] = Port("auth.staff_sessions", SqlStaffSessions)
