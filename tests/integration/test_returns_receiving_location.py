"""``sourcing.choose_return_location`` on both databases: the channel's locations and rules as
stored, the address located by the engine's geodata (a German postal code's centroid)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

import pytest

from oms import channels, sourcing
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.address import Address
from tests import builders

POTSDAM = Address(
    name="Ada Lovelace",
    line1="Friedrich-Ebert-Str. 79",
    city="Potsdam",
    postal_code="14467",
    country="DE",
)
MUNICH_ADDRESS = Address(
    name="Ada Lovelace", line1="Marienplatz 1", city="München", postal_code="80331", country="DE"
)
NEAREST = {"ranking": ["distance", "priority"]}


@pytest.fixture
def shop(uow: UnitOfWork) -> None:
    """Warehouses in Hamburg and Munich, a store in Berlin; the web shop lists them so."""
    builders.location(uow, "wh-hamburg", latitude=Decimal("53.55"), longitude=Decimal("9.99"))
    builders.location(uow, "wh-munich", latitude=Decimal("48.14"), longitude=Decimal("11.58"))
    builders.location(
        uow,
        "store-berlin",
        kind=channels.LocationKind.STORE,
        ships=False,
        latitude=Decimal("52.52"),
        longitude=Decimal("13.40"),
    )
    builders.channel(uow, "web", locations=("wh-hamburg", "wh-munich", "store-berlin"))


def put_rules(uow: UnitOfWork, document: Mapping[str, object]) -> None:
    sourcing.put_rules(sourcing.PutRules(channel="web", document=document, actor="test"), uow=uow)


@pytest.mark.usefixtures("shop")
def test_the_default_rules_send_returns_to_the_first_warehouse(uow: UnitOfWork) -> None:
    assert sourcing.choose_return_location("web", POTSDAM, uow=uow).code == "wh-hamburg"


@pytest.mark.usefixtures("shop")
def test_rules_by_distance_send_returns_to_the_nearest_location(uow: UnitOfWork) -> None:
    put_rules(uow, NEAREST)
    assert sourcing.choose_return_location("web", POTSDAM, uow=uow).code == "store-berlin"
    assert sourcing.choose_return_location("web", MUNICH_ADDRESS, uow=uow).code == "wh-munich"


@pytest.mark.usefixtures("shop")
def test_a_distance_bucket_prefers_a_warehouse_to_a_store(uow: UnitOfWork) -> None:
    put_rules(uow, NEAREST | {"distance_bucket_km": 500})
    assert sourcing.choose_return_location("web", POTSDAM, uow=uow).code == "wh-hamburg"


@pytest.mark.usefixtures("shop")
def test_an_inactive_location_is_passed_over(uow: UnitOfWork) -> None:
    put_rules(uow, NEAREST)
    channels.update_location(channels.UpdateLocation(code="store-berlin", active=False), uow=uow)
    assert sourcing.choose_return_location("web", POTSDAM, uow=uow).code == "wh-hamburg"


def test_a_channel_without_locations_cannot_receive_returns(uow: UnitOfWork) -> None:
    builders.channel(uow, "digital")
    with pytest.raises(sourcing.NoReturnLocation):
        sourcing.choose_return_location("digital", None, uow=uow)
