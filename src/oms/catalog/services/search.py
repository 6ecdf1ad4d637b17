"""Finding variants as staff type (the console's SKU search): SKU prefix or product name."""

from __future__ import annotations

from oms.catalog.repository.search import VARIANT_SEARCH, VariantHit
from oms.platform.unit_of_work import UnitOfWork

MAX_QUERY = 64
"""Longer than any SKU; a longer query is cut (it could match nothing more)."""

__all__ = ["VariantHit", "search_variants"]


def search_variants(
    q: str, *, uow: UnitOfWork, after: str | None = None, limit: int = 50
) -> list[VariantHit]:
    """Variants whose SKU starts with ``q`` or whose product's name contains it (any case),
    by SKU; ``after`` is the last SKU of the previous page (keyset paging)."""
    with uow.read() as tx:
        return tx.repo(VARIANT_SEARCH).search(
            q.strip()[:MAX_QUERY], after=None if after is None else after.upper(), limit=limit
        )
