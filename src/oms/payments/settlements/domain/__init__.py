"""Billing reconciliation's domain: settlement files read as statements, matched against the
ledger, and the runs that record what matching found. Pure: no I/O."""

from oms.payments.settlements.domain.errors import (
    MissingColumns,
    ReconciliationNotFound,
    UnreadableStatement,
    UnreadableValues,
)
from oms.payments.settlements.domain.generic_csv import read_generic_csv
from oms.payments.settlements.domain.matching import (
    Discrepancy,
    ExceptionKind,
    LedgerEntry,
    PayoutTotals,
    Reconciliation,
    reconcile,
)
from oms.payments.settlements.domain.run import ReconciliationRun
from oms.payments.settlements.domain.statement import (
    LineKind,
    Statement,
    StatementFormat,
    StatementLine,
)
from oms.payments.settlements.domain.stripe_report import read_stripe_report

READERS = {StatementFormat.STRIPE: read_stripe_report, StatementFormat.GENERIC: read_generic_csv}
"""How each format is read (``READERS[format](text)``)."""

__all__ = [
    "READERS",
    "Discrepancy",
    "ExceptionKind",
    "LedgerEntry",
    "LineKind",
    "MissingColumns",
    "PayoutTotals",
    "Reconciliation",
    "ReconciliationNotFound",
    "ReconciliationRun",
    "Statement",
    "StatementFormat",
    "StatementLine",
    "UnreadableStatement",
    "UnreadableValues",
    "read_generic_csv",
    "read_stripe_report",
    "reconcile",
]
