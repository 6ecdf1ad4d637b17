"""Notifications that payment providers push to oms (Stripe's webhooks), each recorded once.

A row is written when a signed notification arrives, in the same transaction as its effect on the
ledger, and ``processed_at`` is stamped there: the unique ``(provider, event_id)`` makes a
redelivered event a no-op, and the stored payload explains afterwards what the provider said.
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, Index, String, Table, UniqueConstraint, Uuid

from oms.platform.database import UTCDateTime, metadata

provider_notifications = Table(
    "provider_notifications",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("provider", String(20), nullable=False),
    Column("event_id", String(255), nullable=False),
    Column("type", String(100), nullable=False),
    Column("received_at", UTCDateTime, nullable=False),
    Column("processed_at", UTCDateTime, nullable=True),
    Column("outcome", String(500), nullable=True),
    Column("payload", JSON, nullable=False),
    UniqueConstraint("provider", "event_id"),
    Index("ix_provider_notifications_received", "received_at", "id"),
)
"""``outcome`` says in words what the event did (``"capture of EUR 30.00 recorded"``,
``"ignored: no payment has this PaymentIntent"``), for whoever reads the table later."""
