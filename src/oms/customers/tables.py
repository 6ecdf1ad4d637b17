"""Tables of the customers context.

Search reads stored, pre-normalised columns (``email_key`` lower-cased, ``name_search`` folded,
``phone_digits`` without the ``+``) so a query never calls ``lower()`` on every row, and the
exact email filter is an index lookup on the unique key.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    Uuid,
    text,
)

from oms.platform.database import UTCDateTime, metadata

customer_counters = Table(
    "customer_counters",
    metadata,
    Column("name", String(40), primary_key=True),
    Column("last_value", BigInteger, nullable=False),
)
"""Human-number sequences, advanced by one conditional UPDATE in the creating transaction."""

customers = Table(
    "customers",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("number", String(20), nullable=False, unique=True),
    Column("email", String(320), nullable=False),
    Column("email_key", String(320), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("name_search", Text, nullable=False),
    Column("phone", String(20), nullable=True),
    Column("phone_digits", String(20), nullable=True),
    Column("locale", String(20), nullable=True),
    Column("marketing_consent", Boolean, nullable=False),
    Column("marketing_consent_at", UTCDateTime, nullable=True),
    Column("notes", Text, nullable=False),
    Column("version", Integer, nullable=False, default=1, server_default=text("1")),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("erased_at", UTCDateTime, nullable=True),
    Index("ix_customers_created_at_id", "created_at", "id"),
)

customer_addresses = Table(
    "customer_addresses",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column(
        "customer_id",
        Uuid,
        ForeignKey("customers.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("position", Integer, nullable=False),
    Column("label", String(40), nullable=False),
    Column("address_name", String(200), nullable=False),
    Column("address_company", String(200), nullable=False),
    Column("line1", String(200), nullable=False),
    Column("line2", String(200), nullable=False),
    Column("city", String(120), nullable=False),
    Column("postal_code", String(20), nullable=False),
    Column("region", String(60), nullable=False),
    Column("country", String(2), nullable=False),
    Column("default_shipping", Boolean, nullable=False),
    Column("default_billing", Boolean, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)
"""A customer's saved addresses, oldest (lowest ``position``) first."""

customer_tags = Table(
    "customer_tags",
    metadata,
    Column("customer_id", Uuid, ForeignKey("customers.id", ondelete="CASCADE"), nullable=False),
    Column("tag", String(40), nullable=False),
    PrimaryKeyConstraint("customer_id", "tag"),
    Index("ix_customer_tags_tag", "tag", "customer_id"),
)
"""One row per tag, so ``?tag=vip`` is an index lookup."""

customer_consents = Table(
    "customer_consents",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column(
        "customer_id",
        Uuid,
        ForeignKey("customers.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("granted", Boolean, nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
)
"""Every change of marketing consent (yes/no and when): the evidence behind the flag."""

customer_notes = Table(
    "customer_notes",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("customer_id", Uuid, ForeignKey("customers.id", ondelete="CASCADE"), nullable=False),
    Column("body", Text, nullable=False),
    Column("author", String(200), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Index("ix_customer_notes_customer", "customer_id", "created_at", "id"),
)
"""What staff wrote about a customer (a call, a complaint, a promise), newest first; erased
with the customer."""
