"""Use cases of console sessions: open one after a login, resume it on each request, revoke it.

Resuming reads (no write lock on SQLite) and writes ``last_seen_at`` only when it is older than
``rules.session_touch_every``; the idle timeout slides with those writes, so it is exact to
within that interval, and the absolute end never moves.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from uuid import UUID

from oms.auth.domain.sessions import (
    SessionEnded,
    StaffSession,
    new_csrf_secret,
    new_session_token,
    session_id,
    short_user_agent,
)
from oms.auth.domain.staff import AccessRules, LoginRefused, StaffUser
from oms.auth.repository.staff import STAFF_SESSIONS, STAFF_USERS
from oms.platform.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class OpenedSession:
    """A new session and its token, which goes into the cookie this once and is never stored."""

    token: str
    session: StaffSession


@dataclass(frozen=True, slots=True)
class ResumedSession:
    session: StaffSession
    user: StaffUser


def open_session(
    user: StaffUser,
    *,
    uow: UnitOfWork,
    user_agent: str | None = None,
    rules: AccessRules = AccessRules(),
) -> OpenedSession:
    """A new session for a user who just logged in (a new token each time: a session is never
    carried over from before the login, which prevents session fixation)."""
    token = new_session_token()
    with uow.begin() as tx:
        current = tx.repo(STAFF_USERS).by_id(user.id)
        if current is None or not current.active:
            raise LoginRefused()
        session = StaffSession(
            id=session_id(token),
            user_id=user.id,
            created_at=tx.now,
            last_seen_at=tx.now,
            expires_at=tx.now + rules.session_absolute,
            revoked_at=None,
            user_agent=short_user_agent(user_agent),
            csrf_secret=new_csrf_secret(),
        )
        tx.repo(STAFF_SESSIONS).add(session)
    return OpenedSession(token, session)


def resume_session(
    token: str, *, uow: UnitOfWork, rules: AccessRules = AccessRules()
) -> ResumedSession:
    """The live session of this token and its user, at the unit of work's time; an unknown,
    revoked, idle or expired session, or one of a disabled user, is ``SessionEnded``."""
    with uow.read() as tx:
        now = tx.now
        session = tx.repo(STAFF_SESSIONS).by_id(session_id(token))
        user = tx.repo(STAFF_USERS).by_id(session.user_id) if session else None
    if session is None or user is None or not user.active or not session.alive_at(now, rules):
        raise SessionEnded()
    if session.due_touch(now, rules):
        with uow.begin() as tx:
            tx.repo(STAFF_SESSIONS).touch(session.id, now)
        session = replace(session, last_seen_at=now)
    return ResumedSession(session, user)


def revoke_session(token: str, *, uow: UnitOfWork) -> bool:
    """End the session of this token (logout); False when it had ended already."""
    with uow.begin() as tx:
        return tx.repo(STAFF_SESSIONS).revoke(session_id(token), tx.now)


def revoke_all_for_user(user_id: UUID, *, uow: UnitOfWork) -> int:
    """End every session of a user (all their devices); how many were live."""
    with uow.begin() as tx:
        return tx.repo(STAFF_SESSIONS).revoke_all_for_user(user_id, tx.now, keep=None)
