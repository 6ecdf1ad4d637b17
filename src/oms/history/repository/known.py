"""What the database already holds for an import: documents, customers, variants, numbers."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice

from sqlalchemy import Connection, select, update
from sqlalchemy.dialects import postgresql, sqlite

from oms.catalog.tables import product_variants
from oms.channels.tables import channels
from oms.customers.tables import customer_counters, customers
from oms.history.domain.plan import Known
from oms.history.tables import history_documents
from oms.orders.tables import order_counters

CHUNK = 500
CUSTOMER_SEQUENCE = "customer"
FIRST_CUSTOMER_NUMBER = 100001
ORDER_SEQUENCE = "history"
"""History's own order numbers (``H-0000001``): never one of the placed orders' (``SO-``)."""


def _chunks(values: Iterable[str]) -> Iterator[list[str]]:
    iterator = iter(sorted(set(values)))
    while chunk := list(islice(iterator, CHUNK)):
        yield chunk


def channel_locale(conn: Connection, channel: str) -> str | None:
    """The channel's default locale, or None when there is no such channel."""
    return conn.execute(
        select(channels.c.default_locale).where(channels.c.code == channel)
    ).scalar_one_or_none()


def imported_documents(conn: Connection, channel: str) -> frozenset[str]:
    """The document numbers of ``channel`` imported before, in one query."""
    return frozenset(
        conn.execute(
            select(history_documents.c.external_id).where(
                history_documents.c.channel_code == channel
            )
        ).scalars()
    )


def load_known(
    conn: Connection,
    channel: str,
    email_keys: Iterable[str],
    sku_keys: Iterable[str],
    documents: frozenset[str] | None = None,
) -> Known:
    """What the database holds of ``channel``'s documents (``documents`` when the caller
    has loaded them already) and of the customers and variants by the keys given."""
    if documents is None:
        documents = imported_documents(conn, channel)
    found_customers: dict[str, str] = {}
    for chunk in _chunks(email_keys):
        for row in conn.execute(
            select(customers.c.id, customers.c.email_key).where(customers.c.email_key.in_(chunk))
        ):
            found_customers[row.email_key] = row.id.hex
    found_variants: dict[str, str] = {}
    for chunk in _chunks(sku_keys):
        for row in conn.execute(
            select(product_variants.c.id, product_variants.c.sku_key).where(
                product_variants.c.sku_key.in_(chunk)
            )
        ):
            found_variants[row.sku_key] = row.id.hex
    return Known(documents=documents, customers=found_customers, variants=found_variants)


def _advance(conn: Connection, table: object, name: str, by: int, first: int) -> int:
    """Move a counter row on by ``by`` (creating it at ``first - 1``); the last value taken."""
    counter = customer_counters if table is customer_counters else order_counters
    value_column = counter.c.last_value if counter is customer_counters else counter.c.value
    advance = (
        update(counter)
        .where(counter.c.name == name)
        .values({value_column.key: value_column + by})
        .returning(value_column)
    )
    value = conn.execute(advance).scalar()
    if value is None:
        dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
        conn.execute(
            dialect.insert(counter)
            .values({"name": name, value_column.key: first - 1})
            .on_conflict_do_nothing()
        )
        value = conn.execute(advance).scalar_one()
    return int(value)


def customer_numbers(conn: Connection, count: int) -> list[str]:
    """``count`` new customer numbers (``C-100001``) from the customers' counter."""
    if not count:
        return []
    last = _advance(conn, customer_counters, CUSTOMER_SEQUENCE, count, FIRST_CUSTOMER_NUMBER)
    return [f"C-{n}" for n in range(last - count + 1, last + 1)]


def order_numbers(conn: Connection, count: int) -> list[str]:
    """``count`` history order numbers (``H-0000001``), a counter of their own."""
    if not count:
        return []
    last = _advance(conn, order_counters, ORDER_SEQUENCE, count, 1)
    return [f"H-{n:07d}" for n in range(last - count + 1, last + 1)]
