"""Staff users on SQLite and PostgreSQL: creation, one user per email in any case, logins that
never tell whether an email exists, the lockout counted exactly under concurrency, disabling,
password changes and re-hashing."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine, select

from oms import auth
from oms.auth.tables import staff_users
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.clock import FixedClock
from oms.shared.errors import Invalid
from tests import builders

START = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
PASSWORD = "correct horse battery"
CHEAP = auth.Passwords(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
RULES = auth.AccessRules()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def uow(engine: Engine, clock: FixedClock) -> UnitOfWork:
    return UnitOfWork(engine, clock=clock)


def create(uow: UnitOfWork, email: str = "ada@example.com", **fields: object) -> auth.StaffUser:
    command = auth.CreateStaffUser(
        email=email,
        role=fields.pop("role", auth.Role.CSR),  # type: ignore[arg-type]
        password=fields.pop("password", PASSWORD),  # type: ignore[arg-type]
        **fields,  # type: ignore[arg-type]
    )
    return auth.create_staff_user(command, uow=uow, passwords=CHEAP)


def log_in(uow: UnitOfWork, email: str, password: str = PASSWORD) -> auth.StaffUser:
    return auth.authenticate_staff_user(email, password, uow=uow, passwords=CHEAP, rules=RULES)


def stored(engine: Engine, email: str = "ada@example.com") -> dict[str, object]:
    with engine.connect() as conn:
        row = conn.execute(select(staff_users).where(staff_users.c.email_key == email)).one()
    return dict(row._mapping)


def test_a_staff_user_is_created_with_a_hashed_password_and_listed_without_it(
    uow: UnitOfWork, engine: Engine
) -> None:
    builders.location(uow, "wh-a")
    ada = create(uow, "Ada@Example.com", name="Ada", locale="de")
    bob = create(uow, "bob@example.com", role=auth.Role.WAREHOUSE, location_code="wh-a")
    assert (ada.email, ada.name, ada.locale, ada.version) == ("Ada@Example.com", "Ada", "de", 1)
    assert (bob.name, bob.location_code, bob.locale) == ("bob", "wh-a", "en")
    row = stored(engine)
    assert str(row["password_hash"]).startswith("$argon2id$")
    assert PASSWORD not in str(row["password_hash"])
    listed = auth.list_staff_users(uow=uow)
    assert {user.email for user in listed} == {"Ada@Example.com", "bob@example.com"}
    assert not any(hasattr(user, "password_hash") for user in listed)


def test_an_email_taken_in_another_case_is_refused(uow: UnitOfWork) -> None:
    create(uow, "ada@example.com")
    with pytest.raises(auth.StaffEmailTaken):
        create(uow, " ADA@example.COM ")
    assert len(auth.list_staff_users(uow=uow)) == 1


def test_a_channel_role_an_unknown_location_or_a_short_password_is_refused(
    uow: UnitOfWork,
) -> None:
    for fields, field in (
        ({"role": auth.Role.CHANNEL}, "role"),
        ({"role": auth.Role.WAREHOUSE, "location_code": "nowhere"}, "location"),
        ({"password": "too short"}, "password"),
    ):
        with pytest.raises(Invalid) as refused:
            create(uow, **fields)
        assert [problem.field for problem in refused.value.problems] == [field]
    assert auth.list_staff_users(uow=uow) == []


def test_the_right_password_logs_in_with_the_email_in_any_case(uow: UnitOfWork) -> None:
    ada = create(uow)
    assert log_in(uow, "  ADA@example.com").id == ada.id


def test_a_wrong_password_and_an_unknown_email_are_refused_alike(uow: UnitOfWork) -> None:
    create(uow)
    with pytest.raises(auth.LoginRefused) as wrong:
        log_in(uow, "ada@example.com", "wrong password!")
    with pytest.raises(auth.LoginRefused) as unknown:
        log_in(uow, "nobody@example.com")
    assert (wrong.value.code, wrong.value.detail, wrong.value.facts) == (
        unknown.value.code,
        unknown.value.detail,
        unknown.value.facts,
    )


def test_five_failures_lock_the_user_for_fifteen_minutes_even_with_the_right_password(
    uow: UnitOfWork, clock: FixedClock, engine: Engine
) -> None:
    create(uow)
    for _ in range(4):
        with pytest.raises(auth.LoginRefused):
            log_in(uow, "ada@example.com", "wrong password!")
    assert stored(engine)["failed_logins"] == 4
    with pytest.raises(auth.LoginRefused):
        log_in(uow, "ada@example.com", "wrong password!")
    assert stored(engine)["locked_until"] == START + timedelta(minutes=15)
    clock.advance_to(START + timedelta(minutes=14, seconds=59))
    with pytest.raises(auth.LoginRefused):
        log_in(uow, "ada@example.com")
    clock.advance_to(START + timedelta(minutes=15))
    log_in(uow, "ada@example.com")
    row = stored(engine)
    assert (row["failed_logins"], row["locked_until"]) == (0, None)


def test_a_success_starts_the_count_of_failures_again(uow: UnitOfWork, engine: Engine) -> None:
    create(uow)
    for _ in range(4):
        with pytest.raises(auth.LoginRefused):
            log_in(uow, "ada@example.com", "wrong password!")
    log_in(uow, "ada@example.com")
    with pytest.raises(auth.LoginRefused):
        log_in(uow, "ada@example.com", "wrong password!")
    row = stored(engine)
    assert (row["failed_logins"], row["locked_until"]) == (1, None)


def fail_at_once(engine: Engine, clock: FixedClock, email: str, attempts: int) -> list[str]:
    """``attempts`` wrong logins started together on threads of their own; their errors."""
    barrier = threading.Barrier(attempts)
    errors: list[str] = []

    def attempt() -> None:
        barrier.wait()
        try:
            log_in(UnitOfWork(engine, clock=clock), email, "wrong password!")
        except auth.LoginRefused as refused:
            errors.append(refused.code)

    threads = [threading.Thread(target=attempt) for _ in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_concurrent_failures_are_each_counted(
    uow: UnitOfWork, engine: Engine, clock: FixedClock
) -> None:
    create(uow)
    assert fail_at_once(engine, clock, "ada@example.com", 4) == ["login-refused"] * 4
    assert stored(engine)["failed_logins"] == 4


def test_concurrent_failures_lock_the_user_exactly_once(
    uow: UnitOfWork, engine: Engine, clock: FixedClock
) -> None:
    create(uow)
    assert len(fail_at_once(engine, clock, "ada@example.com", 8)) == 8
    row = stored(engine)
    assert (row["failed_logins"], row["locked_until"]) == (0, START + timedelta(minutes=15))


def test_a_disabled_user_cannot_log_in_and_disabling_again_changes_nothing(
    uow: UnitOfWork,
) -> None:
    create(uow)
    disabled = auth.disable_staff_user("ADA@example.com", uow=uow)
    assert (disabled.disabled_at, disabled.version) == (START, 2)
    with pytest.raises(auth.LoginRefused):
        log_in(uow, "ada@example.com")
    again = auth.disable_staff_user("ada@example.com", uow=uow)
    assert (again.disabled_at, again.version) == (START, 2)
    with pytest.raises(auth.StaffUserNotFound):
        auth.disable_staff_user("nobody@example.com", uow=uow)


def test_changing_the_password_needs_the_current_one_and_a_long_new_one(
    uow: UnitOfWork, clock: FixedClock
) -> None:
    ada = create(uow)
    with pytest.raises(auth.CurrentPasswordWrong):
        change(uow, ada, current="wrong password!", new="a brand new passphrase")
    with pytest.raises(Invalid) as short:
        change(uow, ada, current=PASSWORD, new="too short")
    assert [problem.field for problem in short.value.problems] == ["new_password"]
    clock.advance_to(START + timedelta(hours=1))
    changed = change(uow, ada, current=PASSWORD, new="a brand new passphrase")
    assert (changed.password_changed_at, changed.version) == (START + timedelta(hours=1), 2)
    with pytest.raises(auth.LoginRefused):
        log_in(uow, "ada@example.com")
    log_in(uow, "ada@example.com", "a brand new passphrase")


def change(uow: UnitOfWork, user: auth.StaffUser, *, current: str, new: str) -> auth.StaffUser:
    return auth.change_password(
        auth.ChangePassword(user_id=user.id, current_password=current, new_password=new),
        uow=uow,
        passwords=CHEAP,
    )


def test_a_login_rehashes_a_password_hashed_with_older_parameters(
    uow: UnitOfWork, engine: Engine
) -> None:
    create(uow)
    old_hash = str(stored(engine)["password_hash"])
    stronger = auth.Passwords(PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1))
    assert stronger.needs_rehash(old_hash)
    auth.authenticate_staff_user("ada@example.com", PASSWORD, uow=uow, passwords=stronger)
    new_hash = str(stored(engine)["password_hash"])
    assert new_hash != old_hash
    assert not stronger.needs_rehash(new_hash)
    assert stronger.verify(new_hash, PASSWORD)
    assert stored(engine)["password_changed_at"] == START
