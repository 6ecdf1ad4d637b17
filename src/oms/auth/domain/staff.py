"""Staff users: the people who log in to the console, with the same roles as API keys.

A staff user is found by the email key (the address trimmed and case-folded), so ``Ada@x.io``
and ``ada@x.io`` are one person. Logins are refused alike for an unknown email, a wrong password,
a disabled user and a locked one (``LoginRefused`` names none of these), so the answer never
tells whether an email exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from oms.auth.domain.keys import Role
from oms.shared.errors import Conflict, FieldProblem, Forbidden, Invalid, NotFound, collect

STAFF_LOCALES = ("en", "de", "fr", "es", "zh")
"""The console's languages."""

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024
"""Long enough for any passphrase; an unbounded one would make hashing a denial of service."""


@dataclass(frozen=True, slots=True, kw_only=True)
class AccessRules:
    """Lockout and session timeouts (from the settings; these defaults are theirs)."""

    lockout_failures: int = 5
    lockout_duration: timedelta = timedelta(minutes=15)
    session_idle: timedelta = timedelta(minutes=30)
    session_absolute: timedelta = timedelta(hours=12)
    session_touch_every: timedelta = timedelta(minutes=1)
    """A live session's ``last_seen_at`` is written at most this often (no write per request)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class StaffUser:
    id: UUID
    email: str
    name: str
    role: Role
    location_code: str | None
    """Warehouse staff bound to one location work only that location's fulfilment."""
    locale: str
    disabled_at: datetime | None
    failed_logins: int
    """Consecutive failed logins since the last success or lockout."""
    locked_until: datetime | None
    password_changed_at: datetime
    created_at: datetime
    updated_at: datetime
    version: int

    @property
    def active(self) -> bool:
        return self.disabled_at is None

    def locked_at(self, now: datetime) -> bool:
        return self.locked_until is not None and self.locked_until > now


def email_key(email: str) -> str:
    """What makes two addresses the same staff user: trimmed and case-folded."""
    return email.strip().casefold()


def check_new_user(
    *, email: str, role: Role, location_code: str | None, locale: str, password: str
) -> None:
    """Every rule a new staff user's own fields must meet, all problems at once."""
    problems: list[FieldProblem] = []
    local, at, domain = email.strip().partition("@")
    if not (local and at and "." in domain and " " not in email.strip()) or len(email) > 320:
        problems.append(FieldProblem("email", f"{email!r} is not an email address"))
    if role is Role.CHANNEL:
        problems.append(FieldProblem("role", "staff users cannot have the channel role"))
    if location_code and role is not Role.WAREHOUSE:
        problems.append(FieldProblem("location", "only warehouse staff are bound to a location"))
    if locale not in STAFF_LOCALES:
        problems.append(
            FieldProblem("locale", f"{locale!r} is not one of {', '.join(STAFF_LOCALES)}")
        )
    problems.extend(password_problems(password))
    collect(problems, "the staff user has invalid fields")


def password_problems(password: str, *, field: str = "password") -> list[FieldProblem]:
    """Why a new password is refused (nothing when it is fine)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return [FieldProblem(field, f"a password needs at least {MIN_PASSWORD_LENGTH} characters")]
    if len(password) > MAX_PASSWORD_LENGTH:
        return [FieldProblem(field, f"a password has at most {MAX_PASSWORD_LENGTH} characters")]
    return []


class StaffUserNotFound(NotFound):
    code = "staff-user-not-found"
    title = "Staff user not found"

    def __init__(self, reference: str) -> None:
        super().__init__(f"no staff user {reference}", staff_user=reference)


class StaffEmailTaken(Conflict):
    code = "staff-email-taken"
    title = "A staff user has this email"

    def __init__(self, email: str) -> None:
        super().__init__(f"a staff user with the email {email!r} exists already", email=email)


class LoginRefused(Forbidden):
    """Unknown email, wrong password, disabled or locked: one answer for all on purpose."""

    code = "login-refused"
    title = "Login refused"

    def __init__(self) -> None:
        super().__init__(
            "wrong email or password (after repeated failures, logins pause for a while)"
        )


class CurrentPasswordWrong(Invalid):
    code = "current-password-wrong"
    title = "The current password is wrong"

    def __init__(self) -> None:
        super().__init__("the current password is wrong", field="current_password")
