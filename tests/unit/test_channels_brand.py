"""A channel's tracking-page brand: set whole, checked field by field, announced."""

from __future__ import annotations

from typing import Any

import pytest

from oms import channels
from oms.channels.domain import ChannelChanged
from oms.platform.unit_of_work import FakeUnitOfWork
from oms.shared.errors import Invalid
from oms.shared.versions import ExpectedVersion, StaleVersion
from tests.unit.doubles.channels import channel_doubles


def a_channel() -> FakeUnitOfWork:
    uow = FakeUnitOfWork(channel_doubles())
    channels.create_channel(
        channels.CreateChannel(
            code="web",
            name="Web shop",
            kind=channels.ChannelKind.WEB,
            currency="EUR",
            default_locale="de-DE",
        ),
        uow=uow,
    )
    return uow


def test_a_new_channel_has_no_brand_so_the_page_uses_its_defaults() -> None:
    assert channels.get_channel("web", uow=a_channel()).brand == channels.Brand()


def test_a_brand_is_stored_trimmed_with_colours_in_lower_case_and_announced() -> None:
    uow = a_channel()
    channel = channels.set_brand(
        channels.SetBrand(
            code="web",
            name=" Nordlicht ",
            logo_url="https://cdn.example/logo.svg",
            primary_colour="#0A7D5A",
            accent_colour="#ffcc00",
            expected=ExpectedVersion(frozenset({1})),
        ),
        uow=uow,
    )
    assert channel.brand == channels.Brand(
        name="Nordlicht",
        logo_url="https://cdn.example/logo.svg",
        primary_colour="#0a7d5a",
        accent_colour="#ffcc00",
    )
    assert channels.get_channel("web", uow=uow).brand == channel.brand
    assert channel.version == 2
    event = uow.committed[-1]
    assert isinstance(event, ChannelChanged)
    assert event.changed == ("brand",)


def test_a_brand_is_replaced_whole_and_blank_fields_return_to_the_defaults() -> None:
    uow = a_channel()
    channels.set_brand(channels.SetBrand(code="web", name="A", primary_colour="#000000"), uow=uow)
    channel = channels.set_brand(channels.SetBrand(code="web", name="  ", logo_url=""), uow=uow)
    assert channel.brand == channels.Brand()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("logo_url", "http://cdn.example/logo.svg", "must be an https:// URL with a host"),
        ("logo_url", "javascript:alert(1)", "must be an https:// URL with a host"),
        ("logo_url", "https:///logo.svg", "must be an https:// URL with a host"),
        ("logo_url", 'https://x.example/a"b', "must not contain spaces"),
        ("logo_url", "https://user:pw@x.example/a", "must not carry a user name"),
        ("logo_url", "https://x.example/" + "a" * 500, "at most 500"),
        ("primary_colour", "red", "must be a colour written #rrggbb"),
        ("accent_colour", "#abc", "must be a colour written #rrggbb"),
        ("accent_colour", "#12345g", "must be a colour written #rrggbb"),
        ("name", "n" * 201, "at most 200"),
    ],
)
def test_a_wrong_brand_field_is_refused_naming_it(field: str, value: str, message: str) -> None:
    uow = a_channel()
    fields: dict[str, Any] = {field: value}
    with pytest.raises(Invalid) as refused:
        channels.set_brand(channels.SetBrand(code="web", **fields), uow=uow)
    [problem] = refused.value.problems
    assert problem.field == f"brand.{field}"
    assert message in problem.message
    assert channels.get_channel("web", uow=uow).version == 1


def test_a_brand_set_over_a_stale_version_is_refused() -> None:
    uow = a_channel()
    channels.set_brand(channels.SetBrand(code="web", name="A"), uow=uow)
    with pytest.raises(StaleVersion):
        channels.set_brand(
            channels.SetBrand(code="web", name="B", expected=ExpectedVersion(frozenset({1}))),
            uow=uow,
        )


def test_an_unknown_channel_has_no_brand_to_set() -> None:
    with pytest.raises(channels.ChannelNotFound):
        channels.set_brand(channels.SetBrand(code="nope", name="A"), uow=a_channel())
