"""How late the locations are: the count behind the dashboard's late fulfilment figure."""

from __future__ import annotations

from oms.fulfilment.repository.lateness import LATENESS
from oms.platform.unit_of_work import UnitOfWork


def count_late_fulfilment_orders(
    *, uow: UnitOfWork, visible_to_location: str | None = None
) -> dict[str, int]:
    """Late FOs (units still waiting to leave past their ship-by time) per location code; a
    caller bound to one location sees only its own."""
    with uow.read() as tx:
        return tx.repo(LATENESS).late_per_location(tx.now, location=visible_to_location)
