"""API keys on an in-memory unit of work (no database): issue, authenticate, revoke."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from oms import auth, channels
from oms.auth.domain import ApiKeyCreated, ApiKeyNotFound, ApiKeyRevoked
from oms.auth.repository import API_KEYS
from oms.auth.services import authenticate
from oms.platform.unit_of_work import FakeUnitOfWork
from oms.shared.clock import FixedClock
from oms.shared.errors import Invalid
from tests.unit.doubles.auth import InMemoryApiKeys, auth_doubles
from tests.unit.doubles.channels import channel_doubles

START = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


def a_uow(clock: FixedClock | None = None) -> FakeUnitOfWork:
    web = channels.Channel(
        id=uuid4(),
        code="web",
        name="Web shop",
        kind=channels.ChannelKind.WEB,
        currency="EUR",
        default_locale="en",
        allows_backorders=False,
        prices_include_tax=True,
        active=True,
    )
    return FakeUnitOfWork(
        channel_doubles(channels=[web]) | auth_doubles(), clock=clock or FixedClock(START)
    )


def issue(uow: FakeUnitOfWork, role: str = "csr", channel: str | None = None) -> auth.IssuedKey:
    return auth.create_api_key(
        auth.CreateApiKey(name=f"{role} key", role=auth.Role(role), channel_code=channel), uow=uow
    )


def test_a_channel_key_stands_for_its_channel_and_stores_no_secret() -> None:
    uow = a_uow()
    issued = issue(uow, "channel", "web")
    principal = authenticate(issued.secret, uow=uow)
    assert principal is not None
    assert (principal.role, principal.channel_code) == ("channel", "web")
    stored: InMemoryApiKeys = uow.doubles[API_KEYS.name]
    assert issued.secret not in stored.hashes
    assert type(uow.committed[0]) is ApiKeyCreated


def test_only_channel_keys_name_a_channel_and_it_must_exist() -> None:
    uow = a_uow()
    with pytest.raises(Invalid):
        issue(uow, "csr", "web")
    with pytest.raises(channels.ChannelNotFound):
        issue(uow, "channel", "app")


def test_an_unknown_or_revoked_secret_stands_for_no_one() -> None:
    uow = a_uow()
    issued = issue(uow)
    assert authenticate("oms_not-a-key", uow=uow) is None
    revoked = auth.revoke_api_key(issued.key.id, uow=uow)
    assert revoked.revoked_at == START
    assert authenticate(issued.secret, uow=uow) is None
    auth.revoke_api_key(issued.key.id, uow=uow)
    assert [type(e) for e in uow.committed].count(ApiKeyRevoked) == 1


def test_revoking_an_unknown_key_is_not_found() -> None:
    with pytest.raises(ApiKeyNotFound):
        auth.revoke_api_key(uuid4(), uow=a_uow())


def test_last_use_is_written_at_most_once_a_minute() -> None:
    clock = FixedClock(START)
    uow = a_uow(clock)
    issued = issue(uow)
    authenticate(issued.secret, uow=uow)
    clock.advance_to(START + timedelta(seconds=30))
    authenticate(issued.secret, uow=uow)
    assert auth.list_api_keys(uow=uow, after=None, limit=5)[0].last_used_at == START
    clock.advance_to(START + timedelta(minutes=2))
    authenticate(issued.secret, uow=uow)
    assert auth.list_api_keys(uow=uow, after=None, limit=5)[0].last_used_at == clock.now()


def test_the_authenticator_remembers_an_answer_until_told_to_forget() -> None:
    uow = a_uow()
    issued = issue(uow)
    authenticator = auth.KeyAuthenticator(lambda: uow, ttl=60)
    assert authenticator(issued.secret) is not None
    auth.revoke_api_key(issued.key.id, uow=uow)
    assert authenticator(issued.secret) is not None
    authenticator.forget()
    assert authenticator(issued.secret) is None
