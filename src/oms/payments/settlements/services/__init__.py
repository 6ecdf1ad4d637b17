"""Use cases of billing reconciliation."""

from oms.payments.settlements.services.history import (
    ImportedMovement,
    ImportPayment,
    import_payment,
)
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
    "ImportPayment",
    "ImportedMovement",
    "ReconcileFile",
    "Reconciled",
    "get_reconciliation",
    "import_payment",
    "list_exceptions",
    "reconcile_file",
]
