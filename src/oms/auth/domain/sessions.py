"""Console sessions, kept on the server: revocable, with idle and absolute timeouts.

The cookie holds a random token (256 bits); the database holds only its SHA-256 as the session's
id, so a copy of the database opens no session. Each session has a CSRF secret of its own: forms
carry ``csrf_token(session)`` (a synchronizer token) and ``check_csrf`` compares in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from oms.auth.domain.staff import AccessRules
from oms.shared.errors import Forbidden

USER_AGENT_LENGTH = 200


@dataclass(frozen=True, slots=True, kw_only=True)
class StaffSession:
    id: str
    """SHA-256 (hex) of the token in the cookie."""
    user_id: UUID
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    """The absolute end, however active the session is."""
    revoked_at: datetime | None
    user_agent: str
    csrf_secret: str

    def ends_at(self, rules: AccessRules) -> datetime:
        """When the session dies unless it is used before (idle) or at all (absolute)."""
        return min(self.last_seen_at + rules.session_idle, self.expires_at)

    def alive_at(self, now: datetime, rules: AccessRules) -> bool:
        return self.revoked_at is None and now < self.ends_at(rules)

    def due_touch(self, now: datetime, rules: AccessRules) -> bool:
        """Whether using it now should be written down (at most once per ``touch_every``)."""
        return now - self.last_seen_at >= rules.session_touch_every


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


def session_id(token: str) -> str:
    """The id a session is stored under: the SHA-256 of its token (a fast hash suffices for
    256 random bits)."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_csrf_secret() -> str:
    return secrets.token_urlsafe(32)


def short_user_agent(user_agent: str | None) -> str:
    return (user_agent or "")[:USER_AGENT_LENGTH]


def csrf_token(session: StaffSession) -> str:
    """The token a form of this session carries; it changes with the session."""
    return hmac.new(session.csrf_secret.encode(), session.id.encode(), hashlib.sha256).hexdigest()


def check_csrf(session: StaffSession, token: str | None) -> None:
    """Refuse a form whose token is not this session's (compared in constant time)."""
    if not token or not hmac.compare_digest(csrf_token(session).encode(), token.encode()):
        raise CsrfRefused()


class SessionEnded(Forbidden):
    """Unknown, revoked, idle too long or past its absolute end: the user logs in again."""

    code = "session-ended"
    title = "Session ended"

    def __init__(self) -> None:
        super().__init__("the session has ended; log in again")


class CsrfRefused(Forbidden):
    code = "csrf-refused"
    title = "Form refused"

    def __init__(self) -> None:
        super().__init__("the form's CSRF token is missing or not this session's")
