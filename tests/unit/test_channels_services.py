"""Channels and locations use cases on an in-memory unit of work (no database)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from oms import channels
from oms.channels.domain import (
    ChannelChanged,
    ChannelCreated,
    CodeTaken,
    LocationChanged,
    LocationCreated,
)
from oms.channels.repository import CHANNELS
from oms.platform.unit_of_work import FakeUnitOfWork
from oms.shared.address import Address
from oms.shared.errors import Invalid
from oms.shared.versions import ExpectedVersion, StaleVersion
from tests.unit.doubles.channels import InMemoryChannels, channel_doubles

HAMBURG = Address(line1="Lagerstraße 5", city="Hamburg", postal_code="20095", country="DE")


def a_uow() -> FakeUnitOfWork:
    return FakeUnitOfWork(channel_doubles())


def add_location(uow: FakeUnitOfWork, code: str = "wh-de", **overrides: Any) -> channels.Location:
    fields: dict[str, Any] = {
        "code": code,
        "name": f"Warehouse {code}",
        "kind": channels.LocationKind.WAREHOUSE,
        "address": HAMBURG,
        "latitude": Decimal("53.55"),
        "longitude": Decimal("9.99"),
    } | overrides
    return channels.create_location(channels.CreateLocation(**fields), uow=uow)


def add_channel(uow: FakeUnitOfWork, *locations: str, code: str = "web") -> channels.Channel:
    return channels.create_channel(
        channels.CreateChannel(
            code=code,
            name="Web shop",
            kind=channels.ChannelKind.WEB,
            currency="EUR",
            default_locale="de-DE",
            location_codes=locations,
        ),
        uow=uow,
    )


def test_a_new_location_is_stored_normalised_and_announced() -> None:
    uow = a_uow()
    location = add_location(uow)
    assert channels.get_location("wh-de", uow=uow) == location
    assert location.address.city == "HAMBURG"
    assert location.version == 1
    assert [type(e) for e in uow.committed] == [LocationCreated]


def test_a_code_in_use_is_refused_and_nothing_is_announced() -> None:
    uow = a_uow()
    add_location(uow)
    with pytest.raises(CodeTaken):
        add_location(uow, name="Another")
    assert [type(e) for e in uow.committed] == [LocationCreated]


def test_a_channel_keeps_its_serving_locations_in_preference_order() -> None:
    uow = a_uow()
    first, second = add_location(uow, "wh-a"), add_location(uow, "wh-b")
    channel = add_channel(uow, "wh-b", "wh-a")
    assert channel.default_locale == "de_DE"
    assert channels.serving_location_ids(uow=uow) == {"web": [second.id, first.id]}
    assert type(uow.committed[-1]) is ChannelCreated


def test_a_channel_served_by_an_unknown_or_inactive_location_is_refused_naming_it() -> None:
    uow = a_uow()
    add_location(uow, "wh-off", active=False)
    with pytest.raises(Invalid) as refused:
        add_channel(uow, "wh-off", "nowhere")
    assert [p.field for p in refused.value.problems] == ["locations.0", "locations.1"]
    assert channels.list_channels(uow=uow, after=None, limit=10) == []


def test_a_change_raises_the_version_and_names_what_changed() -> None:
    uow = a_uow()
    add_location(uow)
    add_channel(uow, "wh-de")
    changed = channels.update_channel(
        channels.UpdateChannel(code="web", name="Shop", allows_backorders=True), uow=uow
    )
    assert changed.version == 2
    assert channels.get_channel("web", uow=uow).name == "Shop"
    event = uow.committed[-1]
    assert isinstance(event, ChannelChanged)
    assert event.changed == ("allows_backorders", "name")


def test_a_change_from_a_stale_version_is_refused_and_changes_nothing() -> None:
    uow = a_uow()
    add_location(uow)
    add_channel(uow, "wh-de")
    channels.update_channel(channels.UpdateChannel(code="web", name="Shop"), uow=uow)
    commits = uow.commits
    stale = ExpectedVersion(versions=frozenset({1}))
    with pytest.raises(StaleVersion) as refused:
        channels.update_channel(
            channels.UpdateChannel(code="web", name="Lost", expected=stale), uow=uow
        )
    assert refused.value.facts == {"expected_versions": [1], "actual_version": 2}
    assert channels.get_channel("web", uow=uow).name == "Shop"
    assert uow.commits == commits


def test_any_version_will_do_for_a_star() -> None:
    uow = a_uow()
    add_location(uow)
    location = channels.update_location(
        channels.UpdateLocation(
            code="wh-de", daily_capacity=10, expected=ExpectedVersion(any=True)
        ),
        uow=uow,
    )
    assert (location.daily_capacity, location.version) == (10, 2)
    assert isinstance(uow.committed[-1], LocationChanged)


def test_new_serving_locations_replace_the_old_ones() -> None:
    uow = a_uow()
    first, second = add_location(uow, "wh-a"), add_location(uow, "wh-b")
    add_channel(uow, "wh-a")
    channels.update_channel(
        channels.UpdateChannel(code="web", location_codes=("wh-b", "wh-a")), uow=uow
    )
    stored: InMemoryChannels = uow.doubles[CHANNELS.name]
    assert stored.serving["web"] == [second.id, first.id]


def test_a_channel_key_is_told_another_channel_does_not_exist() -> None:
    uow = a_uow()
    add_channel(uow, code="app")
    with pytest.raises(channels.ChannelNotFound):
        channels.get_channel("app", uow=uow, visible_to="web")
    assert channels.list_channels(uow=uow, after=None, limit=5, visible_to="web") == []
