"""Which location receives a return: the channel's locations ranked by its rules for goods
coming back (``oms.sourcing.domain.receiving``), from the address the parcel leaves.

Reference data only (the channel, its locations and rules are cached, the address's point comes
from data in memory): returns calls it inside the transaction that approves a return.
"""

from __future__ import annotations

from oms import channels
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.address import Address
from oms.shared.geo import GeoPoint
from oms.sourcing.domain import Site
from oms.sourcing.domain.errors import NoReturnLocation
from oms.sourcing.domain.receiving import Receiver, choose_receiver
from oms.sourcing.services.destinations import locate
from oms.sourcing.services.rules import get_rules


def choose_return_location(
    channel_code: str, address: Address | None, *, uow: UnitOfWork
) -> channels.Location:
    """The location a return of the channel's order, sent from ``address``, goes back to;
    ``NoReturnLocation`` (409) when the channel has no active location."""
    channel = channels.get_channel(channel_code, uow=uow)
    found = channels.locations_by_codes(channel.location_codes, uow=uow)
    located = [found[code] for code in channel.location_codes if code in found]
    receivers = [
        Receiver(
            site=Site(
                id=loc.id,
                code=loc.code,
                position=index + 1,
                point=GeoPoint(loc.latitude, loc.longitude),
                active=loc.active,
            ),
            store=loc.kind is channels.LocationKind.STORE,
        )
        for index, loc in enumerate(located)
    ]
    rules = get_rules(channel.code, uow=uow)
    chosen = choose_receiver(rules, receivers, locate(address=address))
    if chosen is None:
        raise NoReturnLocation(channel.code)
    return next(loc for loc in located if loc.id == chosen)
