"""What ids are called: SKUs of variants and codes of locations, for results and errors."""

from __future__ import annotations

from collections.abc import Collection
from uuid import UUID

from oms import channels
from oms.inventory.repository import STOCK
from oms.inventory.views import Labels
from oms.platform.unit_of_work import UnitOfWork


def location_codes(location_ids: Collection[UUID], *, uow: UnitOfWork) -> dict[UUID, str]:
    """Codes of the given locations (unknown ids are absent)."""
    found = channels.locations_by_ids(list(location_ids), uow=uow)
    return {location_id: location.code for location_id, location in found.items()}


def labels_for(
    variant_ids: Collection[UUID], location_ids: Collection[UUID], *, uow: UnitOfWork
) -> Labels:
    """SKUs and location codes for the ids of a result."""
    with uow.read() as tx:
        items = tx.repo(STOCK).items(variant_ids)
    return Labels(
        skus={vid: item.sku for vid, item in items.items()},
        locations=location_codes(location_ids, uow=uow),
    )
