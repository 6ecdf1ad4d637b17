"""Writing a plan: every table in bulk, in one transaction (the caller's), parents first."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from oms.catalog.tables import product_variants, products
from oms.customers.tables import customer_tags, customers
from oms.history.domain.importing import Plan
from oms.history.domain.plan import PlannedOrder
from oms.history.domain.source import new_id
from oms.history.repository.bulk import Row, append
from oms.history.repository.known import customer_numbers, order_numbers
from oms.history.tables import history_credits, history_documents, history_imports
from oms.orders.tables import order_charges, order_lines, orders
from oms.returns.tables.returns import return_lines, returns

ACTOR = "history import"
LOCALE = "en-GB"
TAX_CATEGORY = "standard"


def write_import_record(conn: Connection, **values: Any) -> None:
    conn.execute(history_imports.insert().values(**values))


BACKORDER_TRIGGER = "order_lines_backordered_insert"


@contextmanager
def _backorder_trigger_lifted(conn: Connection) -> Iterator[None]:
    """On SQLite, insert order lines without the trigger that adds a new line's backordered
    units to ``inventory_items`` (migration 0025): history's lines have none, so it would do
    nothing, yet it made the insert five times slower (measured, 97,484 lines: 7.5 s against
    1.5 s). It is dropped and created again inside the import's transaction, so no other
    connection ever sees the schema without it."""
    if conn.dialect.name != "sqlite":
        yield
        return
    found = conn.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", (BACKORDER_TRIGGER,)
    ).scalar_one_or_none()
    if found is None:
        yield
        return
    conn.exec_driver_sql(f'DROP TRIGGER "{BACKORDER_TRIGGER}"')
    yield
    conn.exec_driver_sql(found)


SQLITE_CACHE_KIB = 262_144
"""SQLite's page cache for the import's connection while it writes, in KiB (256 MiB; the
default is 2 MiB). Half a million order lines and their four indexes do not fit the default:
SQLite then writes dirty pages out to the WAL in the middle of the transaction and reads them
back (measured on 538,850 lines: 16.6 s of CPU against 9.9 s). The cache is memory of this
connection only, used as the transaction fills it; durability and locking are unchanged."""


@contextmanager
def _sqlite_cache_widened(conn: Connection) -> Iterator[None]:
    """On SQLite, ``SQLITE_CACHE_KIB`` of page cache for the block, then the connection's own
    setting again (the connection goes back to the pool)."""
    if conn.dialect.name != "sqlite":
        yield
        return
    before = conn.exec_driver_sql("PRAGMA cache_size").scalar_one()
    conn.exec_driver_sql(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size = {int(before)}")


def write_plan(
    conn: Connection, plan: Plan, *, channel: str, locale: str, import_id: str, note: str
) -> None:
    """Insert everything ``plan`` holds (the import's own row must exist already)."""
    with _sqlite_cache_widened(conn):
        _write_plan(conn, plan, channel=channel, locale=locale, import_id=import_id, note=note)


def _write_plan(
    conn: Connection, plan: Plan, *, channel: str, locale: str, import_id: str, note: str
) -> None:
    _customers(conn, plan)
    _products(conn, plan)
    numbers = dict(
        zip((o.id for o in plan.orders), order_numbers(conn, len(plan.orders)), strict=True)
    )
    append(conn, orders, ORDER_COLUMNS, _orders(plan, numbers, channel, locale, note))
    with _backorder_trigger_lifted(conn):
        append(conn, order_lines, LINE_COLUMNS, _lines(plan))
    append(conn, order_charges, CHARGE_COLUMNS, _charges(plan))
    append(conn, returns, RETURN_COLUMNS, _returns(plan, numbers, channel))
    append(conn, return_lines, RETURN_LINE_COLUMNS, _return_lines(plan))
    append(conn, history_documents, DOCUMENT_COLUMNS, _documents(plan, channel, import_id))
    append(conn, history_credits, CREDIT_COLUMNS, _credits(plan, channel, import_id))


CUSTOMER_COLUMNS = (
    "id", "number", "email", "email_key", "name", "name_search", "marketing_consent", "notes",
    "version", "created_at", "updated_at",
)  # fmt: skip


def _customers(conn: Connection, plan: Plan) -> None:
    new = list(plan.catalogue.new_customers.values())
    numbers = customer_numbers(conn, len(new))
    rows: list[Row] = []
    tags: list[Row] = []
    for customer, number in zip(new, numbers, strict=True):
        note = (
            f"Imported order history (customer {customer.ref})"
            if customer.ref
            else ("Imported order history: the buyer of orders without a customer")
        )
        rows.append((
            customer.id, number, customer.email, customer.email.lower(), customer.name,
            " ".join(customer.name.casefold().split()), False, note, 1,
            customer.created_at, customer.created_at,
        ))  # fmt: skip
        tags.append((customer.id, "history"))
        if customer.ref is None:
            tags.append((customer.id, "guest"))
    append(conn, customers, CUSTOMER_COLUMNS, rows)
    append(conn, customer_tags, ("customer_id", "tag"), tags)


PRODUCT_COLUMNS = (
    "id", "name", "description", "default_locale", "translations", "tax_category", "returnable",
    "category", "option_names", "active", "version", "created_at", "updated_at",
)  # fmt: skip
VARIANT_COLUMNS = (
    "id", "product_id", "sku", "sku_key", "options", "active", "position", "created_at",
    "updated_at",
)  # fmt: skip


def _products(conn: Connection, plan: Plan) -> None:
    new = list(plan.catalogue.new_products.values())
    append(conn, products, PRODUCT_COLUMNS, (
        (p.product_id, p.name, "", LOCALE, {}, TAX_CATEGORY, True, p.category, [], True, 1,
         p.created_at, p.created_at)
        for p in new
    ))  # fmt: skip
    append(conn, product_variants, VARIANT_COLUMNS, (
        (p.variant_id, p.product_id, p.sku, p.sku.upper(), {}, True, 0, p.created_at,
         p.created_at)
        for p in new
    ))  # fmt: skip


ORDER_COLUMNS = (
    "id", "number", "channel_code", "external_id", "customer_id", "customer_email",
    "customer_name", "customer_locale", "status", "on_hold", "version", "currency",
    "prices_include_tax", "shipping_method", "shipping_address", "address_validated", "notes",
    "subtotal_minor", "shipping_minor", "shipping_tax_minor", "discount_minor", "tax_minor",
    "total_minor", "placed_at", "updated_at", "payment_status", "amount_authorized_minor",
    "amount_captured_minor", "amount_refunded_minor", "amount_conceded_minor", "return_status",
)  # fmt: skip


def _address(order: PlannedOrder) -> dict[str, str]:
    return {
        "name": order.customer_name, "company": "", "line1": "", "line2": "", "city": "",
        "postal_code": "", "region": "", "country": order.country,
    }  # fmt: skip


def _orders(
    plan: Plan, numbers: dict[str, str], channel: str, locale: str, note: str
) -> Iterator[Row]:
    last_return: dict[str, datetime] = {}
    for r in plan.returns:
        last_return[r.order.id] = max(r.at, last_return.get(r.order.id, r.at))
    for o in plan.orders:
        total = o.total_minor
        updated = max(o.placed_at, last_return.get(o.id, o.placed_at))
        yield (
            o.id, numbers[o.id], channel, o.document, o.customer_id, o.customer_email,
            o.customer_name, locale, "completed", False, 1, o.currency, True, "standard",
            _address(o), False, f"{note} {o.document}", o.subtotal_minor, o.shipping_minor, 0,
            o.discount_minor, 0, total, o.placed_at, updated, o.payment_status, total, total,
            o.refunded_minor, 0, o.return_status,
        )  # fmt: skip


LINE_COLUMNS = (
    "id", "order_id", "line_no", "variant_id", "sku", "name", "tax_category", "quantity",
    "cancelled_quantity", "backordered_quantity", "fulfilled_quantity", "delivered_quantity",
    "returned_quantity", "return_requested_quantity", "unit_price_minor", "subtotal_minor",
    "discount_minor", "tax_rate", "tax_minor", "total_minor",
)  # fmt: skip


def _lines(plan: Plan) -> Iterator[Row]:
    for o in plan.orders:
        for x in o.lines:
            yield (
                x.id, o.id, x.line_no, x.variant_id, x.sku, x.name, TAX_CATEGORY, x.quantity, 0, 0,
                x.quantity, x.quantity, x.returned_quantity, 0, x.unit_price_minor,
                x.subtotal_minor, 0, "0", 0, x.subtotal_minor,
            )  # fmt: skip


CHARGE_COLUMNS = (
    "id", "order_id", "position", "kind", "code", "description", "quantity", "amount_minor",
)  # fmt: skip


def _charges(plan: Plan) -> Iterator[Row]:
    for o in plan.orders:
        for c in o.charges:
            yield (
                new_id(), o.id, c.position, c.kind.value, c.code, c.description, c.quantity,
                c.amount_minor,
            )  # fmt: skip


RETURN_COLUMNS = (
    "id", "order_id", "order_number", "channel_code", "kind", "status", "source",
    "return_shipping_paid_by", "resolution", "restocking_fee_minor", "refund_minor", "currency",
    "note", "evidence", "created_at", "updated_at", "approved_at", "received_at", "completed_at",
    "created_by", "version",
)  # fmt: skip


def _returns(plan: Plan, numbers: dict[str, str], channel: str) -> Iterator[Row]:
    for r in plan.returns:
        at: datetime = r.at
        yield (
            r.id, r.order.id, numbers[r.order.id], channel, "return", "completed", "staff",
            "customer", "refund", 0, r.refund_minor, r.order.currency,
            f"Imported credit note {r.document}", [], at, at, at, at, at, ACTOR, 1,
        )  # fmt: skip


RETURN_LINE_COLUMNS = (
    "return_id", "line_id", "sku", "quantity", "reason", "received_quantity",
    "inspected_quantity", "unit_refund_minor",
)  # fmt: skip


def _return_lines(plan: Plan) -> Iterator[Row]:
    for r in plan.returns:
        for given in r.lines.values():
            yield (
                r.id, given.line.id, given.line.sku, given.quantity, "other", given.quantity, 0,
                given.unit_refund_minor,
            )  # fmt: skip


DOCUMENT_COLUMNS = (
    "channel_code", "external_id", "kind", "import_id", "order_id", "customer_ref",
    "source_country", "occurred_at",
)  # fmt: skip


def _documents(plan: Plan, channel: str, import_id: str) -> Iterator[Row]:
    for d in plan.documents:
        yield (
            channel, d.external_id, d.kind.value, import_id, d.order_id, d.customer_ref,
            d.source_country[:60], d.occurred_at,
        )  # fmt: skip


CREDIT_COLUMNS = (
    "id", "import_id", "channel_code", "external_id", "line_no", "customer_id", "variant_id",
    "kind", "code", "description", "quantity", "amount_minor", "currency", "occurred_at",
    "reason",
)  # fmt: skip


def _credits(plan: Plan, channel: str, import_id: str) -> Iterator[Row]:
    for c in plan.credits:
        yield (
            new_id(), import_id, channel, c.document, c.line_no, c.customer_id, c.variant_id,
            c.kind, c.code, c.description, c.quantity, c.amount_minor, c.currency, c.at, c.reason,
        )  # fmt: skip
