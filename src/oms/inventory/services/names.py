"""What ids are called: SKUs of variants and codes of locations, for results and errors."""

from __future__ import annotations

from collections.abc import Collection
from uuid import UUID

from oms import channels
from oms.inventory import repository as repo
from oms.inventory.views import Labels
from oms.platform.unit_of_work import UnitOfWork

_PAGE = 200


def location_codes(location_ids: Collection[UUID], *, uow: UnitOfWork) -> dict[UUID, str]:
    """Codes of the given locations (unknown ids are absent).

    The channels context looks locations up by code only, so this walks its list by code until
    every id is named; a business has hundreds of locations, not millions.
    """
    wanted = set(location_ids)
    found: dict[UUID, str] = {}
    after: str | None = None
    while wanted - found.keys():
        page = channels.list_locations(uow=uow, after=after, limit=_PAGE)
        found.update({loc.id: loc.code for loc in page if loc.id in wanted})
        if len(page) < _PAGE:
            break
        after = page[-1].code
    return found


def labels_for(
    variant_ids: Collection[UUID], location_ids: Collection[UUID], *, uow: UnitOfWork
) -> Labels:
    """SKUs and location codes for the ids of a result."""
    with uow.read() as tx:
        items = repo.items(tx.connection, variant_ids)
    return Labels(
        skus={vid: item.sku for vid, item in items.items()},
        locations=location_codes(location_ids, uow=uow),
    )
