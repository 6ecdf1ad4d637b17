"""Tables of order pricing: tax rates, shipping zones, their countries and rates.

Tax rates are stored as integer millionths of one (``rate_millionths``: 19 % is 190000, 5.5 % is
55000), not as NUMERIC: SQLite has no exact decimal type, and an integer round-trips exactly on
both databases. Shipping fees are integer minor units plus the currency, like all money.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    ForeignKey,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Uuid,
)

from oms.platform.database import UTCDateTime, metadata

tax_rates = Table(
    "tax_rates",
    metadata,
    Column("country", String(2), nullable=False),
    Column("tax_category", String(20), nullable=False),
    Column("rate_millionths", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("country", "tax_category"),
    CheckConstraint(
        "rate_millionths >= 0 AND rate_millionths < 1000000", name="rate_is_a_fraction"
    ),
)
"""One rate per destination country and tax category (standard, reduced)."""

shipping_zones = Table(
    "shipping_zones",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("code", String(40), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

shipping_zone_countries = Table(
    "shipping_zone_countries",
    metadata,
    Column(
        "zone_code",
        String(40),
        ForeignKey("shipping_zones.code", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("country", String(2), nullable=False),
    PrimaryKeyConstraint("country"),
)
"""The countries each zone serves; the key on ``country`` keeps a country in one zone at most."""

shipping_rates = Table(
    "shipping_rates",
    metadata,
    Column(
        "zone_code",
        String(40),
        ForeignKey("shipping_zones.code", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("method", String(20), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("amount_minor", BigInteger, nullable=False),
    Column("free_over_minor", BigInteger, nullable=True),
    PrimaryKeyConstraint("zone_code", "method", "currency"),
    CheckConstraint("amount_minor >= 0", name="amount_not_negative"),
    CheckConstraint(
        "free_over_minor IS NULL OR free_over_minor >= 0", name="free_over_not_negative"
    ),
)
"""What each method costs per zone and currency; free from ``free_over_minor`` up when set."""
