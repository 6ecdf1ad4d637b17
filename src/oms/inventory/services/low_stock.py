"""How much stock is low: the count behind the dashboard's low-stock figure."""

from __future__ import annotations

from oms import channels
from oms.inventory.repository.low_stock import LOW_STOCK
from oms.platform.unit_of_work import UnitOfWork


def count_low_stock(*, uow: UnitOfWork, visible_to: str | None = None) -> int:
    """SKU and location pairs at or below the SKU's low-stock threshold (what
    ``list_low_stock`` lists); a channel-scoped caller counts its channel's locations only."""
    with uow.read() as tx:
        within = None
        if visible_to is not None:
            serving = channels.serving_location_ids(uow=uow, channel_codes=[visible_to])
            within = serving.get(visible_to, [])
        return tx.repo(LOW_STOCK).count(location_ids=within)
