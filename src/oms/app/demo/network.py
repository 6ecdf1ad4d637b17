"""The demo merchant's network: four locations and six channels.

Two warehouses (Hamburg, Newark) and two stores (Berlin, Paris) that ship and offer pickup: the
sourcing rules (``oms.app.demo.fulfilment``) rank them by distance, so a parcel to Munich leaves
Berlin when Berlin has everything, else Hamburg.
"""

from __future__ import annotations

from decimal import Decimal

from oms import channels
from oms.channels import ChannelKind, LocationKind
from oms.shared.address import Address

LOCATIONS = (
    channels.CreateLocation(
        code="wh-de",
        name="Hamburg Distribution Centre",
        kind=LocationKind.WAREHOUSE,
        address=Address(
            company="Northwind Outfitters GmbH",
            line1="Billbrookdeich 100",
            city="Hamburg",
            postal_code="22113",
            country="DE",
        ),
        latitude=Decimal("53.532700"),
        longitude=Decimal("10.080800"),
        ships=True,
        offers_pickup=False,
        daily_capacity=2000,
    ),
    channels.CreateLocation(
        code="wh-us",
        name="Newark Fulfillment Center",
        kind=LocationKind.WAREHOUSE,
        address=Address(
            company="Northwind Outfitters Inc.",
            line1="400 Doremus Ave",
            city="Newark",
            postal_code="07105",
            region="NJ",
            country="US",
        ),
        latitude=Decimal("40.718500"),
        longitude=Decimal("-74.130700"),
        ships=True,
        offers_pickup=False,
        daily_capacity=1500,
    ),
    channels.CreateLocation(
        code="store-berlin",
        name="Berlin Alexanderplatz Store",
        kind=LocationKind.STORE,
        address=Address(
            company="Northwind Outfitters GmbH",
            line1="Alexanderplatz 9",
            city="Berlin",
            postal_code="10178",
            country="DE",
        ),
        latitude=Decimal("52.521900"),
        longitude=Decimal("13.413200"),
        ships=True,
        offers_pickup=True,
        daily_capacity=120,
    ),
    channels.CreateLocation(
        code="store-paris",
        name="Paris Rivoli Store",
        kind=LocationKind.STORE,
        address=Address(
            company="Northwind Outfitters SARL",
            line1="12 Rue de Rivoli",
            city="Paris",
            postal_code="75004",
            country="FR",
        ),
        latitude=Decimal("48.855600"),
        longitude=Decimal("2.360000"),
        ships=True,
        offers_pickup=True,
        daily_capacity=150,
    ),
)

EUROPE_FIRST = ("wh-de", "store-berlin", "store-paris", "wh-us")

CHANNELS = (
    channels.CreateChannel(
        code="web",
        name="Web shop",
        kind=ChannelKind.WEB,
        currency="EUR",
        default_locale="en",
        location_codes=EUROPE_FIRST,
    ),
    channels.CreateChannel(
        code="app",
        name="Mobile app",
        kind=ChannelKind.MOBILE,
        currency="EUR",
        default_locale="en",
        location_codes=EUROPE_FIRST,
    ),
    channels.CreateChannel(
        code="marketplace",
        name="Amazon US",
        kind=ChannelKind.MARKETPLACE,
        currency="USD",
        default_locale="en_US",
        prices_include_tax=False,
        location_codes=("wh-us", "wh-de", "store-berlin", "store-paris"),
    ),
    channels.CreateChannel(
        code="pos",
        name="Paris store till",
        kind=ChannelKind.POS,
        currency="EUR",
        default_locale="fr_FR",
        location_codes=("store-paris",),
    ),
    channels.CreateChannel(
        code="phone",
        name="Call centre",
        kind=ChannelKind.CALL_CENTRE,
        currency="EUR",
        default_locale="de_DE",
        location_codes=EUROPE_FIRST,
    ),
    channels.CreateChannel(
        code="kiosk",
        name="In-store kiosk",
        kind=ChannelKind.KIOSK,
        currency="EUR",
        default_locale="fr_FR",
        location_codes=("store-paris", "wh-de", "wh-us"),
    ),
)
