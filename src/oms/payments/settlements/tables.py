"""Tables of billing reconciliation: runs, their payouts and exceptions, and what files settled.

A run's rows are written once, in the transaction that records it, and never changed: a run is a
record of what a file said against what the ledger held at that time. ``settled_transactions``
holds one row per ledger transaction that any file has settled (the first run that did), so a
capture is ``not_settled`` only while no file has named it; its primary key makes two runs of
overlapping files settle a transaction once. Money is minor units beside its currency.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Uuid,
)

from oms.platform.database import UTCDateTime, metadata

reconciliation_runs = Table(
    "reconciliation_runs",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("format", String(20), nullable=False),
    Column("provider", String(20), nullable=False),
    Column("file_name", String(255), nullable=True),
    Column("actor", String(200), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("older_than_days", Integer, nullable=False),
    Column("lines", Integer, nullable=False),
    Column("matched", Integer, nullable=False),
    Column("missing_in_oms", Integer, nullable=False),
    Column("not_settled", Integer, nullable=False),
    Column("amount_mismatch", Integer, nullable=False),
    Column("currency_mismatch", Integer, nullable=False),
    Index("ix_reconciliation_runs_created", "created_at", "id"),
)

reconciliation_payouts = Table(
    "reconciliation_payouts",
    metadata,
    Column(
        "run_id",
        Uuid,
        ForeignKey("reconciliation_runs.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("position", Integer, primary_key=True, autoincrement=False),
    Column("payout_id", String(255), nullable=True),
    Column("currency", String(3), nullable=False),
    Column("lines", Integer, nullable=False),
    Column("gross_minor", BigInteger, nullable=False),
    Column("fees_minor", BigInteger, nullable=False),
    Column("net_minor", BigInteger, nullable=False),
    Column("expected_net_minor", BigInteger, nullable=False),
)
"""One row per payout and currency of the run's file, in the file's order."""

reconciliation_exceptions = Table(
    "reconciliation_exceptions",
    metadata,
    Column(
        "run_id",
        Uuid,
        ForeignKey("reconciliation_runs.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("position", Integer, primary_key=True, autoincrement=False),
    Column("kind", String(30), nullable=False),
    Column("line", Integer, nullable=True),
    Column("reference", String(255), nullable=True),
    Column("payout_id", String(255), nullable=True),
    Column("file_amount_minor", BigInteger, nullable=True),
    Column("file_currency", String(3), nullable=True),
    Column("oms_amount_minor", BigInteger, nullable=True),
    Column("oms_currency", String(3), nullable=True),
    Column("transaction_id", Uuid, nullable=True),
    Column("payment_id", Uuid, nullable=True),
    Column("order_id", Uuid, nullable=True),
    Column("detail", String(500), nullable=False),
)
"""The run's exceptions in the order found (file lines first, then unsettled captures); ids
of ledger rows are kept without foreign keys: a run records what it saw."""

settled_transactions = Table(
    "settled_transactions",
    metadata,
    Column("transaction_id", Uuid, primary_key=True),
    Column(
        "run_id",
        Uuid,
        ForeignKey("reconciliation_runs.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("payout_id", String(255), nullable=True),
    Column("settled_at", UTCDateTime, nullable=False),
    Index("ix_settled_transactions_run_id", "run_id"),
)
