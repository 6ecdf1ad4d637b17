"""Return policies per channel, with their per-product overrides in the same document.

A channel without a row has the default policy at version 0 (``ReturnPolicy.default``); the
first ``PUT`` stores version 1. The document is JSON because its shape (reasons, product
overrides) is read whole and changed whole, never queried by a field.
"""

from __future__ import annotations

from sqlalchemy import JSON, CheckConstraint, Column, ForeignKey, Integer, String, Table

from oms.platform.database import UTCDateTime, metadata

return_policies = Table(
    "return_policies",
    metadata,
    Column("channel_code", String(40), ForeignKey("channels.code"), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("policy", JSON, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("updated_by", String(200), nullable=False),
    CheckConstraint("version >= 1", name="version_positive"),
)
