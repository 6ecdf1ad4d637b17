"""Tables of the catalog context."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    text,
)

from oms.platform.database import UTCDateTime, metadata

products = Table(
    "products",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("handle", String(120), nullable=True, unique=True),
    Column("name", String(200), nullable=False),
    Column("description", Text, nullable=False, default=""),
    Column("default_locale", String(20), nullable=False),
    Column("translations", JSON, nullable=False),
    Column("tax_category", String(20), nullable=False),
    Column("returnable", Boolean, nullable=False),
    Column("category", String(120), nullable=True),
    Column("option_names", JSON, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("version", Integer, nullable=False, default=1, server_default=text("1")),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)
"""``translations`` is ``{"de": {"name": ..., "description": ...}}``, read with the product."""

product_variants = Table(
    "product_variants",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("product_id", Uuid, ForeignKey("products.id", ondelete="CASCADE"), nullable=False),
    Column("sku", String(64), nullable=False),
    Column("sku_key", String(64), nullable=False, unique=True),
    Column("gtin", String(14), nullable=True),
    Column("gtin_key", String(14), nullable=True, unique=True),
    Column("options", JSON, nullable=False),
    Column("weight_grams", Integer, nullable=True),
    Column("length_mm", Integer, nullable=True),
    Column("width_mm", Integer, nullable=True),
    Column("height_mm", Integer, nullable=True),
    Column("active", Boolean, nullable=False),
    Column("position", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    CheckConstraint("weight_grams >= 0", name="weight_not_negative"),
    CheckConstraint(
        "length_mm >= 0 AND width_mm >= 0 AND height_mm >= 0", name="dimensions_not_negative"
    ),
    UniqueConstraint("product_id", "position"),
)
"""Variants in the order they were added (``position``). ``sku`` as given, ``sku_key``
upper-cased for uniqueness and lookups; ``gtin_key`` is the GTIN zero-padded to 14 digits, the
form GS1 compares in."""

variant_prices = Table(
    "variant_prices",
    metadata,
    Column(
        "variant_id", Uuid, ForeignKey("product_variants.id", ondelete="CASCADE"), nullable=False
    ),
    Column("channel_code", String(40), ForeignKey("channels.code"), nullable=False),
    Column("amount_minor", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("variant_id", "channel_code"),
    CheckConstraint("amount_minor >= 0", name="price_not_negative"),
    Index("ix_variant_prices_channel_code", "channel_code"),
)
"""One price per variant and channel, in the channel's currency (channel codes never change)."""
