"""Tables of outgoing mail: per-channel settings, queued and sent messages, refused addresses.

``notification_messages`` is the queue and the record at once: a row per mail an event (or a
csr) called for, sent, failed or skipped with its reason. ``(event_id, kind)`` is unique, so
the consumer that queues them is idempotent by its insert. The worker claims due rows with a
lease (``locked_until``) and a fencing token (``claim``): a worker that lost its lease cannot
record an outcome over the next one's.

``mail_suppressions`` keeps addresses a server refused for good as a SHA-256 key only: no
address is stored there.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    UniqueConstraint,
    Uuid,
    text,
)

from oms.platform.database import UTCDateTime, metadata

channel_mail_settings = Table(
    "channel_mail_settings",
    metadata,
    Column("channel_code", String(40), ForeignKey("channels.code"), primary_key=True),
    Column("enabled", JSON, nullable=False),
    Column("sender_name", String(100), nullable=False),
    Column("sender_address", String(320), nullable=True),
    Column("reply_to", String(320), nullable=True),
    Column("brand_colour", String(7), nullable=False),
    Column("logo_url", String(2000), nullable=True),
    Column("version", Integer, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("updated_by", String(200), nullable=False),
    CheckConstraint("version >= 1", name="version_positive"),
)
"""``enabled`` is the list of notification kinds the channel sends."""

notification_messages = Table(
    "notification_messages",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("order_id", Uuid, ForeignKey("orders.id"), nullable=True),
    Column("order_number", String(20), nullable=True),
    Column("customer_id", Uuid, ForeignKey("customers.id"), nullable=True),
    Column("channel_code", String(40), ForeignKey("channels.code"), nullable=True),
    Column("kind", String(40), nullable=False),
    Column("reference_id", Uuid, nullable=True),
    Column("event_id", Uuid, nullable=True),
    Column("data", JSON, nullable=False),
    Column("recipient", String(320), nullable=False),
    Column("locale", String(35), nullable=True),
    Column("status", String(10), nullable=False),
    Column("skip_reason", String(40), nullable=True),
    Column("message_id", String(255), nullable=False, unique=True),
    Column("attempts", Integer, nullable=False, server_default=text("0")),
    Column("next_attempt_at", UTCDateTime, nullable=True),
    Column("first_attempt_at", UTCDateTime, nullable=True),
    Column("locked_until", UTCDateTime, nullable=True),
    Column("claim", Uuid, nullable=True),
    Column("last_error", String(500), nullable=True),
    Column("subject", String(500), nullable=True),
    Column("sent_at", UTCDateTime, nullable=True),
    Column("finished_at", UTCDateTime, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("requested_by", String(200), nullable=True),
    Column("resend_of", Uuid, ForeignKey("notification_messages.id"), nullable=True),
    UniqueConstraint("event_id", "kind"),
    CheckConstraint("attempts >= 0", name="attempts_not_negative"),
    CheckConstraint(
        "(status = 'queued') = (next_attempt_at IS NOT NULL)", name="queued_has_next_attempt"
    ),
    CheckConstraint("(status = 'skipped') = (skip_reason IS NOT NULL)", name="skipped_has_reason"),
    Index("ix_notification_messages_due", "status", "next_attempt_at"),
    Index("ix_notification_messages_order_id", "order_id", "created_at"),
    Index("ix_notification_messages_customer_id", "customer_id"),
    Index("ix_notification_messages_reference_id", "reference_id"),
)
"""``event_id`` is null for a resend (``requested_by`` names who asked, ``resend_of`` the
message sent before). An event's message is queued unaddressed (``locale`` null,
``recipient`` '', the order's ``channel_code``, ``customer_id`` and ``order_number`` not yet
read) and addressed when first tried; ``recipient`` is blanked when the customer is erased."""

mail_suppressions = Table(
    "mail_suppressions",
    metadata,
    Column("address_key", String(64), primary_key=True),
    Column("reason", String(500), nullable=False),
    Column("message_id", Uuid, nullable=True),
    Column("recorded_at", UTCDateTime, nullable=False),
)
"""An address refused for good (a 5xx for the recipient): its SHA-256 key, the server's answer
(without the address) and the message that learnt it."""
