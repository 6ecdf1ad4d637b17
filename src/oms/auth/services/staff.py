"""Use cases of staff users: create, list, disable, log in and change a password.

Passwords are hashed and verified outside any transaction (Argon2id takes tens of milliseconds
and, on SQLite, a writing transaction holds the one write lock). What a login changes (failures,
lockout, a re-hash) is then written by one conditional UPDATE that re-checks the user's state,
so concurrent logins never lose a failure and a lock that started meanwhile still holds.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

from oms.auth.domain.keys import Role
from oms.auth.domain.passwords import PASSWORDS, Passwords
from oms.auth.domain.staff import (
    AccessRules,
    CurrentPasswordWrong,
    LoginRefused,
    StaffEmailTaken,
    StaffUser,
    StaffUserNotFound,
    check_new_user,
    email_key,
    password_problems,
)
from oms.auth.repository.staff import STAFF_SESSIONS, STAFF_USERS
from oms.auth.services.keys import check_location_exists
from oms.platform.settings import Settings
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.errors import collect
from oms.shared.ids import new_id


@dataclass(frozen=True, kw_only=True)
class CreateStaffUser:
    email: str
    role: Role
    password: str
    name: str | None = None
    """Defaults to the email's local part."""
    location_code: str | None = None
    """A warehouse user's location (its code), if they are bound to one."""
    locale: str = "en"


@dataclass(frozen=True, kw_only=True)
class ChangePassword:
    user_id: UUID
    current_password: str
    new_password: str
    keep_session_id: str | None = None
    """The session the change is made from: it stays open, every other one is revoked."""


def access_rules(settings: Settings) -> AccessRules:
    """The lockout and session rules a deployment configured."""
    return AccessRules(
        lockout_failures=settings.login_lockout_failures,
        lockout_duration=timedelta(minutes=settings.login_lockout_minutes),
        session_idle=timedelta(minutes=settings.session_idle_minutes),
        session_absolute=timedelta(hours=settings.session_absolute_hours),
    )


def create_staff_user(
    cmd: CreateStaffUser, *, uow: UnitOfWork, passwords: Passwords = PASSWORDS
) -> StaffUser:
    """Create a staff user with a role (warehouse staff may be bound to one existing location);
    an email that differs from another user's only in case is taken."""
    check_new_user(
        email=cmd.email,
        role=cmd.role,
        location_code=cmd.location_code,
        locale=cmd.locale,
        password=cmd.password,
    )
    password_hash = passwords.hash(cmd.password)
    email = cmd.email.strip()
    with uow.begin() as tx:
        if cmd.location_code is not None:
            check_location_exists(cmd.location_code, uow=uow)
        user = StaffUser(
            id=new_id(),
            email=email,
            name=(cmd.name or "").strip() or email.partition("@")[0],
            role=cmd.role,
            location_code=cmd.location_code,
            locale=cmd.locale,
            disabled_at=None,
            failed_logins=0,
            locked_until=None,
            password_changed_at=tx.now,
            created_at=tx.now,
            updated_at=tx.now,
            version=1,
        )
        if not tx.repo(STAFF_USERS).add(
            user, email_key=email_key(email), password_hash=password_hash
        ):
            raise StaffEmailTaken(email)
    return user


def list_staff_users(
    *, uow: UnitOfWork, after: UUID | None = None, limit: int = 100
) -> list[StaffUser]:
    """Staff users by id; password hashes are never listed."""
    with uow.read() as tx:
        return tx.repo(STAFF_USERS).page(after=after, limit=limit)


STAFF_ACTOR = "staff:"
"""How timelines and notes name a staff user: ``staff:<user id>`` (``Principal.actor``)."""


def actor_names(actors: Iterable[str], *, uow: UnitOfWork) -> dict[str, str]:
    """The staff users' names behind ``staff:<id>`` actors, for pages that show who did what;
    other actors (API keys, the system) and unknown ids are left out (shown as they are)."""
    ids = {}
    for actor in actors:
        if actor.startswith(STAFF_ACTOR):
            try:
                ids[actor] = UUID(actor.removeprefix(STAFF_ACTOR))
            except ValueError:
                continue
    if not ids:
        return {}
    with uow.read() as tx:
        names = tx.repo(STAFF_USERS).names(set(ids.values()))
    return {actor: names[user_id] for actor, user_id in ids.items() if user_id in names}


def get_staff_user(email: str, *, uow: UnitOfWork) -> StaffUser:
    """The staff user with this email (in any case)."""
    with uow.read() as tx:
        found = tx.repo(STAFF_USERS).by_email_key(email_key(email))
    if found is None:
        raise StaffUserNotFound(email.strip())
    return found[0]


def disable_staff_user(email: str, *, uow: UnitOfWork) -> StaffUser:
    """Disable a staff user and end their sessions in the same transaction (idempotent)."""
    with uow.begin() as tx:
        users = tx.repo(STAFF_USERS)
        found = users.by_email_key(email_key(email))
        if found is None:
            raise StaffUserNotFound(email.strip())
        users.disable(found[0].id, tx.now)
        tx.repo(STAFF_SESSIONS).revoke_all_for_user(found[0].id, tx.now, keep=None)
        user = users.by_id(found[0].id)
    assert user is not None
    return user


def authenticate(
    email: str,
    password: str,
    *,
    uow: UnitOfWork,
    passwords: Passwords = PASSWORDS,
    rules: AccessRules = AccessRules(),
) -> StaffUser:
    """The active staff user whose email and password these are, at the unit of work's time;
    anything else is ``LoginRefused``, which never says whether the email exists. A failure
    counts toward the lockout; a success clears the count and re-hashes a password hashed with
    older parameters."""
    with uow.read() as tx:
        found = tx.repo(STAFF_USERS).by_email_key(email_key(email))
    user, stored = found if found is not None else (None, None)
    matches = passwords.verify(stored, password)  # the same work for an unknown email
    if user is None or stored is None:
        raise LoginRefused()
    with uow.begin() as tx:
        users = tx.repo(STAFF_USERS)
        if not matches:
            users.count_failure(user.id, tx.now, rules)
            refused = True
        else:
            rehash = passwords.hash(password) if passwords.needs_rehash(stored) else None
            refused = not users.accept_login(user.id, tx.now, rehash)
    if refused:
        raise LoginRefused()
    return user


def change_password(
    cmd: ChangePassword,
    *,
    uow: UnitOfWork,
    passwords: Passwords = PASSWORDS,
    rules: AccessRules = AccessRules(),
) -> StaffUser:
    """Change a user's password, the current one required; every other session of the user is
    revoked (whoever else held one must log in with the new password). A wrong current password
    counts toward the lockout like a failed login."""
    collect(password_problems(cmd.new_password, field="new_password"))
    with uow.read() as tx:
        user = tx.repo(STAFF_USERS).by_id(cmd.user_id)
        stored = tx.repo(STAFF_USERS).password_hash(cmd.user_id)
    if user is None or stored is None:
        raise StaffUserNotFound(str(cmd.user_id))
    matches = passwords.verify(stored, cmd.current_password)
    new_hash = passwords.hash(cmd.new_password) if matches else None
    changed: StaffUser | None = None
    with uow.begin() as tx:
        users = tx.repo(STAFF_USERS)
        if new_hash is None:
            users.count_failure(user.id, tx.now, rules)
        elif users.accept_login(user.id, tx.now, None):
            users.change_password(user.id, new_hash, tx.now)
            tx.repo(STAFF_SESSIONS).revoke_all_for_user(user.id, tx.now, keep=cmd.keep_session_id)
            changed = users.by_id(user.id)
    if new_hash is None:
        raise CurrentPasswordWrong()
    if changed is None:
        raise LoginRefused()
    return changed
