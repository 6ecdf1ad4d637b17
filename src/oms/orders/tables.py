"""Tables of the orders context. Money is integer minor units in the order's ``currency``."""

from __future__ import annotations

from sqlalchemy import (
    DDL,
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    Sequence,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    event,
    text,
)

from oms.platform.database import BigId, UTCDateTime, metadata

MONEY = ("subtotal", "shipping", "shipping_tax", "discount", "tax", "total")
PAYMENT_FIGURES = ("authorized", "captured", "refunded", "conceded")
"""``amount_<figure>_minor``: what the order's tenders moved, kept by payments."""

orders = Table(
    "orders",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("number", String(20), nullable=False, unique=True),
    Column("channel_code", String(40), ForeignKey("channels.code"), nullable=False),
    Column("external_id", String(100), nullable=True),
    Column("customer_id", Uuid, ForeignKey("customers.id"), nullable=False),
    Column("customer_email", String(320), nullable=False),
    Column("customer_name", String(200), nullable=False),
    Column("customer_phone", String(20), nullable=True),
    Column("customer_locale", String(20), nullable=False),
    Column("status", String(20), nullable=False),
    Column("on_hold", Boolean, nullable=False),
    Column("version", Integer, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("prices_include_tax", Boolean, nullable=False),
    Column("shipping_method", String(20), nullable=False),
    Column("pickup_location_code", String(40), nullable=True),
    Column("shipping_address", JSON, nullable=False),
    Column("billing_address", JSON, nullable=True),
    Column("address_validated", Boolean, nullable=False),
    Column("notes", Text, nullable=False),
    *(Column(f"{name}_minor", BigInteger, nullable=False) for name in MONEY),
    Column("placed_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("cancelled_at", UTCDateTime, nullable=True),
    Column("cancel_reason", String(500), nullable=True),
    Column("gift_message", String(500), nullable=True),
    Column("payment_status", String(20), nullable=False, server_default=text("'unpaid'")),
    *(
        Column(f"amount_{name}_minor", BigInteger, nullable=False, server_default=text("0"))
        for name in PAYMENT_FIGURES
    ),
    Column("return_status", String(20), nullable=False, server_default=text("'none'")),
    Column("parent_order_id", Uuid, ForeignKey("orders.id"), nullable=True),
    Column("link_kind", String(10), nullable=True),
    Column("return_id", Uuid, nullable=True),
    UniqueConstraint("channel_code", "external_id"),
    CheckConstraint("version >= 1", name="version_positive"),
    Index("ix_orders_placed", "placed_at", "id"),
    Index("ix_orders_channel_placed", "channel_code", "placed_at", "id"),
    Index("ix_orders_email_placed", "customer_email", "placed_at", "id"),
    Index("ix_orders_status_placed", "status", "placed_at", "id"),
    Index("ix_orders_customer", "customer_id", "placed_at"),
    Index("ix_orders_hold_placed", "on_hold", "placed_at", "id"),
    Index("ix_orders_payment_placed", "payment_status", "placed_at", "id"),
    Index(
        "ix_orders_external_id",
        "external_id",
        postgresql_where=text("external_id IS NOT NULL"),
        sqlite_where=text("external_id IS NOT NULL"),
    ),
    Index(
        "ix_orders_parent",
        "parent_order_id",
        postgresql_where=text("parent_order_id IS NOT NULL"),
        sqlite_where=text("parent_order_id IS NOT NULL"),
    ),
)
"""The payment columns are left to their server defaults when an order is placed (``unpaid``,
zeros): placement's INSERT does not name them.

``ix_orders_external_id`` serves the search's ``q``, which matches an external id in any
channel (the unique index leads with the channel); partial, so orders without one (most, and
every order placed through the web channel) cost it nothing.

``ix_orders_hold_placed`` and ``ix_orders_payment_placed`` serve the console's lists of orders
on hold (by reason) and by payment status, newest first, without reading the rest.

``return_status`` is derived from the lines (``Order.return_status``) and kept here by the
repository, like ``payment_status``, so lists can filter on it. ``parent_order_id``,
``link_kind`` (``exchange`` or ``reship``) and ``return_id`` tie an exchange or reship order to
the order it serves and the return behind it; ``return_id`` has no foreign key on purpose
(returns sit above orders). Placement's INSERT names none of them: a new order has no return
and, unless linked, no parent (a linked order writes its link right after)."""

RETURNED_RULE = (
    "returned_quantity >= 0 AND return_requested_quantity >= 0 "
    "AND returned_quantity + return_requested_quantity <= delivered_quantity"
)
"""Units received back and units asked back never exceed the units delivered."""

order_lines = Table(
    "order_lines",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("order_id", Uuid, ForeignKey("orders.id"), nullable=False),
    Column("line_no", Integer, nullable=False),
    Column("variant_id", Uuid, ForeignKey("product_variants.id"), nullable=False),
    Column("sku", String(64), nullable=False),
    Column("name", String(300), nullable=False),
    Column("tax_category", String(20), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("cancelled_quantity", Integer, nullable=False),
    Column("backordered_quantity", Integer, nullable=False),
    Column("fulfilled_quantity", Integer, nullable=False),
    Column("delivered_quantity", Integer, nullable=False, server_default=text("0")),
    Column("returned_quantity", Integer, nullable=False, server_default=text("0")),
    Column("return_requested_quantity", Integer, nullable=False, server_default=text("0")),
    Column("unit_price_minor", BigInteger, nullable=False),
    Column("subtotal_minor", BigInteger, nullable=False),
    Column("discount_minor", BigInteger, nullable=False),
    Column("tax_rate", String(12), nullable=False),
    Column("tax_minor", BigInteger, nullable=False),
    Column("total_minor", BigInteger, nullable=False),
    UniqueConstraint("order_id", "line_no"),
    CheckConstraint("quantity > 0", name="quantity_positive"),
    CheckConstraint(
        "cancelled_quantity >= 0 AND fulfilled_quantity >= 0 AND backordered_quantity >= 0 "
        "AND cancelled_quantity + fulfilled_quantity <= quantity "
        "AND backordered_quantity <= quantity - cancelled_quantity - fulfilled_quantity",
        name="quantities_consistent",
    ),
    CheckConstraint(
        "delivered_quantity >= 0 AND delivered_quantity <= fulfilled_quantity",
        name="delivered_within_shipped",
    ),
    CheckConstraint(RETURNED_RULE, name="returned_within_delivered"),
    Index("ix_order_lines_backordered", "variant_id", "backordered_quantity"),
    Index(
        "ix_order_lines_waiting",
        "order_id",
        postgresql_where=text("backordered_quantity > 0"),
        sqlite_where=text("backordered_quantity > 0"),
    ),
)
"""``tax_rate`` is a decimal string (SQLite has no exact NUMERIC). ``fulfilled_quantity`` counts
the units shipped; of those, ``delivered_quantity`` arrived (delivered or picked up); of
those, ``returned_quantity`` came back and ``return_requested_quantity`` are asked back by open
return requests. What a row alone can check is checked here; that its allocations add up too
is the aggregate's ``check_invariants``."""

CHARGE_KINDS = ("shipping", "fee", "discount", "adjustment", "manual", "other")

order_charges = Table(
    "order_charges",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("order_id", Uuid, ForeignKey("orders.id"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("kind", String(20), nullable=False),
    Column("code", String(64), nullable=False),
    Column("description", String(300), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("amount_minor", BigInteger, nullable=False),
    UniqueConstraint("order_id", "position"),
    CheckConstraint(
        "kind IN ('shipping', 'fee', 'discount', 'adjustment', 'manual', 'other')",
        name="kind_known",
    ),
    CheckConstraint("kind <> 'discount' OR amount_minor <= 0", name="discount_not_positive"),
)
"""Amounts on an order that are not goods (postage, fees, discounts, manual adjustments), signed
in the order's currency and added to its total: ``orders.total_minor`` = the lines' totals + the
charges' amounts. ``shipping`` charges also make up ``orders.shipping_minor`` and ``discount``
charges (negative) ``orders.discount_minor`` (positive); the other kinds appear only in the
total. Written by the history import (``oms.history``, docs/import.md)."""

order_allocations = Table(
    "order_allocations",
    metadata,
    Column("line_id", Uuid, ForeignKey("order_lines.id"), nullable=False),
    Column("order_id", Uuid, ForeignKey("orders.id"), nullable=False),
    Column("variant_id", Uuid, nullable=False),
    Column("location_id", Uuid, ForeignKey("locations.id"), nullable=False),
    Column("location_code", String(40), nullable=False),
    Column("quantity", Integer, nullable=False),
    PrimaryKeyConstraint("line_id", "location_id"),
    CheckConstraint("quantity >= 0", name="quantity_not_negative"),
    Index("ix_order_allocations_order", "order_id"),
    Index("ix_order_allocations_stock", "variant_id", "location_id"),
)
"""Units of each line held at each location; their sum per (variant, location) equals the
stock level's ``allocated``."""

order_holds = Table(
    "order_holds",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("order_id", Uuid, ForeignKey("orders.id"), nullable=False),
    Column("reason", String(30), nullable=False),
    Column("rule", String(30), nullable=True),
    Column("note", String(500), nullable=False),
    Column("placed_by", String(200), nullable=False),
    Column("placed_at", UTCDateTime, nullable=False),
    Column("auto_release_at", UTCDateTime, nullable=True),
    Column("released_at", UTCDateTime, nullable=True),
    Column("released_by", String(200), nullable=True),
    Index("ix_order_holds_order", "order_id"),
    Index("ix_order_holds_due", "released_at", "auto_release_at"),
)

order_timeline = Table(
    "order_timeline",
    metadata,
    Column("position", BigId, primary_key=True, autoincrement=True),
    Column("order_id", Uuid, ForeignKey("orders.id"), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("actor", String(200), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("summary", String(500), nullable=False),
    Column("details", JSON, nullable=False),
    Index("ix_order_timeline_order", "order_id", "position"),
)
"""Who did what to an order and when, with before/after values; appended, never changed."""

order_counters = Table(
    "order_counters",
    metadata,
    Column("name", String(20), primary_key=True),
    Column("value", BigInteger, nullable=False),
)
"""The order number counter row: SQLite's numbers (one writer at a time anyway)."""

FIRST_ORDER_NUMBER = 10001

order_numbers = Sequence("order_numbers", start=FIRST_ORDER_NUMBER)
"""PostgreSQL's order numbers: ``nextval`` never waits for another placement's commit, and a
rolled-back placement leaves a gap (ADR 0009). Created with the orders table and owned by
``orders.number``: dropped with it, and truncating the orders with ``RESTART IDENTITY`` starts
the numbers again (migration 0009 creates it on an existing database)."""

_CREATE_NUMBERS = DDL(  # type: ignore[no-untyped-call]
    f"CREATE SEQUENCE IF NOT EXISTS order_numbers START WITH {FIRST_ORDER_NUMBER} "
    "OWNED BY orders.number"
)
event.listen(orders, "after_create", _CREATE_NUMBERS.execute_if(dialect="postgresql"))


hold_rules = Table(
    "hold_rules",
    metadata,
    Column("rule", String(30), primary_key=True),
    Column("enabled", Boolean, nullable=False),
    Column("thresholds", JSON, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)
"""Overrides of the default automatic hold rules (a missing row means the default)."""

order_changes = Table(
    "order_changes",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("order_id", Uuid, ForeignKey("orders.id"), nullable=False),
    Column("base_version", Integer, nullable=False),
    Column("status", String(20), nullable=False),
    Column("request", JSON, nullable=False),
    Column("preview", JSON, nullable=False),
    Column("created_by", String(200), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("confirmed_at", UTCDateTime, nullable=True),
    Index("ix_order_changes_order", "order_id", "created_at"),
)
"""Previewed edits of an order; confirming one applies it if the order is still at
``base_version``."""
