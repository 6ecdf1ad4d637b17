"""Console sessions on SQLite and PostgreSQL: the token is never stored, sessions end when idle,
at their absolute end, on logout, when the user is disabled or changes the password elsewhere;
a live session is written down at most once a minute; forms need its CSRF token."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine, select

from oms import auth
from oms.auth.tables import staff_sessions
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.clock import FixedClock
from tests.integration.test_staff_users import (
    CHEAP,
    PASSWORD,
    START,
    clock,
    create,
    log_in,
    uow,
)

__all__ = ["clock", "uow"]


def open_for(uow: UnitOfWork, email: str = "ada@example.com") -> auth.OpenedSession:
    return auth.open_session(log_in(uow, email), uow=uow, user_agent="Firefox " + "x" * 300)


def last_seen(engine: Engine, session: auth.StaffSession) -> object:
    with engine.connect() as conn:
        query = select(staff_sessions.c.last_seen_at).where(staff_sessions.c.id == session.id)
        return conn.execute(query).scalar_one()


def test_a_session_resumes_by_its_token_which_the_database_never_holds(
    uow: UnitOfWork, engine: Engine
) -> None:
    ada = create(uow)
    opened = open_for(uow)
    resumed = auth.resume_session(opened.token, uow=uow)
    assert (resumed.user.id, resumed.session.id) == (ada.id, opened.session.id)
    assert opened.session.expires_at == START + timedelta(hours=12)
    assert len(opened.session.user_agent) == 200
    with engine.connect() as conn:
        rows = [tuple(map(str, row)) for row in conn.execute(select(staff_sessions))]
    assert rows
    assert not any(opened.token in value for row in rows for value in row)
    with pytest.raises(auth.SessionEnded):
        auth.resume_session("not a token", uow=uow)


def test_each_login_gets_a_new_session(uow: UnitOfWork) -> None:
    create(uow)
    first, second = open_for(uow), open_for(uow)
    assert first.token != second.token
    assert first.session.csrf_secret != second.session.csrf_secret


def test_an_idle_session_ends_after_thirty_minutes_and_use_slides_its_end(
    uow: UnitOfWork, clock: FixedClock
) -> None:
    create(uow)
    opened = open_for(uow)
    clock.advance_to(START + timedelta(minutes=29))
    auth.resume_session(opened.token, uow=uow)
    clock.advance_to(START + timedelta(minutes=58))
    auth.resume_session(opened.token, uow=uow)
    clock.advance_to(START + timedelta(minutes=88))
    with pytest.raises(auth.SessionEnded):
        auth.resume_session(opened.token, uow=uow)


def test_a_session_ends_twelve_hours_after_login_however_busy(
    uow: UnitOfWork, clock: FixedClock
) -> None:
    create(uow)
    opened = open_for(uow)
    for minutes in range(20, 12 * 60, 20):
        clock.advance_to(START + timedelta(minutes=minutes))
        auth.resume_session(opened.token, uow=uow)
    clock.advance_to(START + timedelta(hours=12))
    with pytest.raises(auth.SessionEnded):
        auth.resume_session(opened.token, uow=uow)


def test_a_live_session_is_written_down_at_most_once_a_minute(
    uow: UnitOfWork, clock: FixedClock, engine: Engine
) -> None:
    create(uow)
    opened = open_for(uow)
    clock.advance_to(START + timedelta(seconds=59))
    auth.resume_session(opened.token, uow=uow)
    assert last_seen(engine, opened.session) == START
    clock.advance_to(START + timedelta(minutes=1))
    assert auth.resume_session(opened.token, uow=uow).session.last_seen_at == clock.now()
    assert last_seen(engine, opened.session) == START + timedelta(minutes=1)


def test_logout_ends_the_session_and_only_that_one(uow: UnitOfWork) -> None:
    create(uow)
    laptop, tablet = open_for(uow), open_for(uow)
    assert auth.revoke_session(laptop.token, uow=uow)
    assert not auth.revoke_session(laptop.token, uow=uow)
    with pytest.raises(auth.SessionEnded):
        auth.resume_session(laptop.token, uow=uow)
    auth.resume_session(tablet.token, uow=uow)


def test_revoking_all_of_a_users_sessions_leaves_other_users_alone(uow: UnitOfWork) -> None:
    ada = create(uow)
    create(uow, "bob@example.com")
    ada_sessions = [open_for(uow), open_for(uow)]
    bob_session = open_for(uow, "bob@example.com")
    assert auth.revoke_all_for_user(ada.id, uow=uow) == 2
    for opened in ada_sessions:
        with pytest.raises(auth.SessionEnded):
            auth.resume_session(opened.token, uow=uow)
    auth.resume_session(bob_session.token, uow=uow)


def test_disabling_a_user_ends_their_sessions_and_no_new_one_opens(uow: UnitOfWork) -> None:
    ada = create(uow)
    opened = open_for(uow)
    auth.disable_staff_user("ada@example.com", uow=uow)
    with pytest.raises(auth.SessionEnded):
        auth.resume_session(opened.token, uow=uow)
    with pytest.raises(auth.LoginRefused):
        auth.open_session(ada, uow=uow)


def test_changing_the_password_ends_every_other_session(uow: UnitOfWork) -> None:
    ada = create(uow)
    here, elsewhere = open_for(uow), open_for(uow)
    auth.change_password(
        auth.ChangePassword(
            user_id=ada.id,
            current_password=PASSWORD,
            new_password="a brand new passphrase",
            keep_session_id=here.session.id,
        ),
        uow=uow,
        passwords=CHEAP,
    )
    auth.resume_session(here.token, uow=uow)
    with pytest.raises(auth.SessionEnded):
        auth.resume_session(elsewhere.token, uow=uow)


def test_a_form_passes_with_its_sessions_csrf_token_only(uow: UnitOfWork) -> None:
    create(uow)
    mine, other = open_for(uow), open_for(uow)
    session = auth.resume_session(mine.token, uow=uow).session
    auth.check_csrf(session, auth.csrf_token(mine.session))
    with pytest.raises(auth.CsrfRefused):
        auth.check_csrf(session, auth.csrf_token(other.session))
    with pytest.raises(auth.CsrfRefused):
        auth.check_csrf(session, None)


def test_the_rules_come_from_the_settings() -> None:
    from oms.platform.settings import Settings

    rules = auth.access_rules(
        Settings(
            session_idle_minutes=10,
            session_absolute_hours=2,
            login_lockout_failures=3,
            login_lockout_minutes=5,
        )
    )
    assert (rules.session_idle, rules.session_absolute) == (
        timedelta(minutes=10),
        timedelta(hours=2),
    )
    assert (rules.lockout_failures, rules.lockout_duration) == (3, timedelta(minutes=5))
    assert auth.access_rules(Settings()) == auth.AccessRules()
