"""Finding variants as staff type: by SKU prefix or by a piece of the product's name.

Two bounded statements, merged: the SKU prefix walks the unique ``sku_key`` index from the
typed key (``sku_key >= Q``, true of every key that starts with Q in any collation) and keeps
the keys that start with it (``LIKE 'Q%'``, escaped); no upper bound is computed, because a
linguistic collation may sort a bound like ``Q`` + U+FFFF anywhere. The name match reads
products (a catalogue is thousands of rows, not millions) joined to their variants. Both page
by ``sku_key``, so the merge keeps keyset paging.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, Row, select

from oms.catalog.domain import sku_key
from oms.catalog.tables import product_variants, products
from oms.platform.unit_of_work import Port


@dataclass(frozen=True, slots=True, kw_only=True)
class VariantHit:
    """A variant found by a search, with the name people know its product by."""

    variant_id: UUID
    sku: str
    sku_key: str
    product_name: str
    options: dict[str, str]
    active: bool


def _hit(row: Row[Any]) -> VariantHit:
    return VariantHit(
        variant_id=row.id,
        sku=row.sku,
        sku_key=row.sku_key,
        product_name=row.name,
        options=dict(row.options or {}),
        active=bool(row.active and row.product_active),
    )


class SqlVariantSearch:
    """Variant search on the catalog tables."""

    def __init__(self, connection: Connection) -> None:
        self.c = connection

    def _query(self, after: str | None, limit: int) -> Any:
        v, p = product_variants.c, products.c
        query = (
            select(
                v.id,
                v.sku,
                v.sku_key,
                v.options,
                v.active,
                p.name,
                p.active.label("product_active"),
            )
            .join(products, p.id == v.product_id)
            .order_by(v.sku_key)
            .limit(limit)
        )
        return query if after is None else query.where(v.sku_key > after)

    def search(self, q: str, *, after: str | None, limit: int) -> list[VariantHit]:
        """Variants whose SKU starts with ``q`` or whose product's name contains it (any
        case), by SKU, after the SKU key ``after``; every variant when ``q`` is empty."""
        v, p = product_variants.c, products.c
        if not q:
            return [_hit(row) for row in self.c.execute(self._query(after, limit))]
        key = sku_key(q)
        by_sku = self._query(after, limit).where(
            v.sku_key >= key, v.sku_key.startswith(key, autoescape=True)
        )
        by_name = self._query(after, limit).where(p.name.icontains(q, autoescape=True))
        found = {row.id: _hit(row) for row in self.c.execute(by_sku)}
        found.update({row.id: _hit(row) for row in self.c.execute(by_name)})
        return sorted(found.values(), key=lambda hit: hit.sku_key)[:limit]


VARIANT_SEARCH: Port[SqlVariantSearch] = Port("catalog.variant_search", SqlVariantSearch)
