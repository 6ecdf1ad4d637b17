"""Tables of the channels context."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Integer,
    Numeric,
    PrimaryKeyConstraint,
    String,
    Table,
    UniqueConstraint,
    Uuid,
    false,
    text,
)

from oms.platform.database import UTCDateTime, metadata

locations = Table(
    "locations",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("code", String(40), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("address_name", String(200), nullable=False, default=""),
    Column("address_company", String(200), nullable=False, default=""),
    Column("line1", String(200), nullable=False),
    Column("line2", String(200), nullable=False, default=""),
    Column("city", String(120), nullable=False),
    Column("postal_code", String(20), nullable=False, default=""),
    Column("region", String(60), nullable=False, default=""),
    Column("country", String(2), nullable=False),
    Column("latitude", Numeric(9, 6), nullable=False),
    Column("longitude", Numeric(9, 6), nullable=False),
    Column("ships", Boolean, nullable=False),
    Column("offers_pickup", Boolean, nullable=False),
    Column("daily_capacity", Integer, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("version", Integer, nullable=False, default=1, server_default=text("1")),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    CheckConstraint("daily_capacity >= 0", name="capacity_not_negative"),
)

channels = Table(
    "channels",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("code", String(40), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("default_locale", String(20), nullable=False),
    Column("allows_backorders", Boolean, nullable=False),
    Column("prices_include_tax", Boolean, nullable=False),
    Column("active", Boolean, nullable=False),
    Column(
        "payment_before_confirmation",
        Boolean,
        nullable=False,
        default=False,
        server_default=false(),
    ),
    Column(
        "capture",
        String(20),
        nullable=False,
        default="at_placement",
        server_default=text("'at_placement'"),
    ),
    Column(
        "invoice_on",
        String(20),
        nullable=False,
        default="capture",
        server_default=text("'capture'"),
    ),
    Column("brand_name", String(200), nullable=True),
    Column("brand_logo_url", String(500), nullable=True),
    Column("brand_primary_colour", String(7), nullable=True),
    Column("brand_accent_colour", String(7), nullable=True),
    Column("version", Integer, nullable=False, default=1, server_default=text("1")),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)
"""``payment_before_confirmation``, ``capture`` and ``invoice_on`` are the channel's payment
settings (issue 9); existing channels start with the defaults. The ``brand_*`` columns are the
customer tracking page's name, logo and colours (issue 13; NULL: the page's defaults)."""

channel_locations = Table(
    "channel_locations",
    metadata,
    Column("channel_id", Uuid, ForeignKey("channels.id", ondelete="CASCADE"), nullable=False),
    Column("location_id", Uuid, ForeignKey("locations.id"), nullable=False),
    Column("position", Integer, nullable=False),
    PrimaryKeyConstraint("channel_id", "location_id"),
    UniqueConstraint("channel_id", "position"),
)
"""A channel's serving locations, in the order it prefers them."""
