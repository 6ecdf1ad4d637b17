"""Staff users' rules without a database: who may be a staff user, passwords, sessions' ends
and the CSRF token."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from argon2 import PasswordHasher

from oms.auth.domain.keys import Role
from oms.auth.domain.passwords import Passwords
from oms.auth.domain.sessions import (
    CsrfRefused,
    StaffSession,
    check_csrf,
    csrf_token,
    session_id,
    short_user_agent,
)
from oms.auth.domain.staff import AccessRules, check_new_user, email_key
from oms.shared.errors import Invalid

START = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
RULES = AccessRules()
CHEAP = Passwords(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


def new_user(**overrides: object) -> None:
    fields: dict[str, object] = {
        "email": "ada@example.com",
        "role": Role.CSR,
        "location_code": None,
        "locale": "en",
        "password": "correct horse battery",
    }
    fields.update(overrides)
    check_new_user(**fields)  # type: ignore[arg-type]


def a_session(**overrides: object) -> StaffSession:
    fields: dict[str, object] = {
        "id": session_id("token"),
        "user_id": uuid4(),
        "created_at": START,
        "last_seen_at": START,
        "expires_at": START + RULES.session_absolute,
        "revoked_at": None,
        "user_agent": "test",
        "csrf_secret": "secret",
    }
    fields.update(overrides)
    return StaffSession(**fields)  # type: ignore[arg-type]


def test_emails_differing_only_in_case_and_spaces_are_one_key() -> None:
    assert email_key("  Ada@Example.COM ") == email_key("ada@example.com") == "ada@example.com"


def test_a_well_formed_staff_user_passes_every_rule() -> None:
    new_user()
    new_user(role=Role.WAREHOUSE, location_code="wh-a", locale="zh")


@pytest.mark.parametrize(
    ("overrides", "fields"),
    [
        ({"email": "not-an-email"}, ["email"]),
        ({"role": Role.CHANNEL}, ["role"]),
        ({"role": Role.CSR, "location_code": "wh-a"}, ["location"]),
        ({"locale": "it"}, ["locale"]),
        ({"password": "eleven char"}, ["password"]),
        ({"password": "x" * 1025}, ["password"]),
        ({"email": "x", "locale": "pt", "password": "short"}, ["email", "locale", "password"]),
    ],
)
def test_a_staff_user_breaking_a_rule_is_refused_naming_each_field(
    overrides: dict[str, object], fields: list[str]
) -> None:
    with pytest.raises(Invalid) as refused:
        new_user(**overrides)
    assert [problem.field for problem in refused.value.problems] == fields


def test_a_password_of_twelve_characters_is_long_enough() -> None:
    new_user(password="x" * 12)


def test_a_password_verifies_only_against_its_own_hash() -> None:
    stored = CHEAP.hash("correct horse battery")
    assert stored.startswith("$argon2id$")
    assert CHEAP.verify(stored, "correct horse battery")
    assert not CHEAP.verify(stored, "Correct horse battery")
    assert not CHEAP.verify("not a hash", "correct horse battery")


def test_no_password_matches_when_there_is_no_hash_not_even_the_dummys() -> None:
    assert not CHEAP.verify(None, "anything at all")
    assert not CHEAP.verify(None, "not a password anyone has: dummy for unknown emails")


def test_a_hash_with_other_parameters_needs_a_rehash() -> None:
    stored = CHEAP.hash("correct horse battery")
    assert not CHEAP.needs_rehash(stored)
    assert Passwords(PasswordHasher(time_cost=2, memory_cost=1024)).needs_rehash(stored)


def test_a_session_dies_when_idle_or_at_its_absolute_end_whichever_is_first() -> None:
    fresh = a_session()
    assert fresh.ends_at(RULES) == START + timedelta(minutes=30)
    assert fresh.alive_at(START + timedelta(minutes=29, seconds=59), RULES)
    assert not fresh.alive_at(START + timedelta(minutes=30), RULES)
    late = a_session(last_seen_at=START + timedelta(hours=11, minutes=50))
    assert late.ends_at(RULES) == START + timedelta(hours=12)
    assert not late.alive_at(START + timedelta(hours=12), RULES)


def test_a_revoked_session_is_dead_at_once() -> None:
    assert not a_session(revoked_at=START).alive_at(START, RULES)


def test_a_session_is_touched_at_most_once_a_minute() -> None:
    session = a_session()
    assert not session.due_touch(START + timedelta(seconds=59), RULES)
    assert session.due_touch(START + timedelta(minutes=1), RULES)


def test_the_csrf_token_of_a_session_passes_and_any_other_is_refused() -> None:
    session = a_session()
    check_csrf(session, csrf_token(session))
    other = a_session(id=session_id("another token"))
    for wrong in (None, "", csrf_token(other), csrf_token(session)[:-1]):
        with pytest.raises(CsrfRefused):
            check_csrf(session, wrong)


def test_the_csrf_token_is_not_the_secret_itself() -> None:
    session = a_session()
    assert session.csrf_secret not in csrf_token(session)


def test_a_session_id_is_the_tokens_sha256_and_user_agents_are_cut_short() -> None:
    assert len(session_id("token")) == 64
    assert session_id("token") != "token"
    assert len(short_user_agent("x" * 1000)) == 200
    assert short_user_agent(None) == ""
