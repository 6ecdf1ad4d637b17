"""Use cases of billing reconciliation."""

from oms.payments.settlements.services.reconciliation import (
    DEFAULT_OLDER_THAN_DAYS,
    MAX_OLDER_THAN_DAYS,
    Reconciled,
    ReconcileFile,
    get_reconciliation,
    list_exceptions,
    reconcile_file,
)

__all__ = [
    "DEFAULT_OLDER_THAN_DAYS",
    "MAX_OLDER_THAN_DAYS",
    "ReconcileFile",
    "Reconciled",
    "get_reconciliation",
    "list_exceptions",
    "reconcile_file",
]
