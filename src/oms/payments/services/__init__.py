"""Use cases of the payments context.

Every use case that moves money follows the two-step rule (``settling``): begin a pending
transaction and commit, ask the provider outside any transaction, settle in a new one. The use
cases (``tenders``, ``movements``, ``sweeper``, reads in ``ledger`` and ``figures``) never
import each other; they share the steps ``settling`` and ``figures``.
"""

from oms.payments.services.figures import order_payments
from oms.payments.services.ledger import ledger_entries
from oms.payments.services.movements import (
    ProviderUpdate,
    capture_payment,
    mark_received,
    record_provider_update,
    refund_payment,
    start_movement,
    start_receipt,
    void_payment,
)
from oms.payments.services.settling import (
    CAPTURED_AT_ONCE,
    Providers,
    Started,
    finish,
    provider_for,
)
from oms.payments.services.sweeper import settle_pending
from oms.payments.services.tenders import (
    AddTender,
    add_tender,
    get_payment,
    list_payments,
    start_tender,
)

__all__ = [
    "CAPTURED_AT_ONCE",
    "AddTender",
    "ProviderUpdate",
    "Providers",
    "Started",
    "add_tender",
    "capture_payment",
    "finish",
    "get_payment",
    "ledger_entries",
    "list_payments",
    "mark_received",
    "order_payments",
    "provider_for",
    "record_provider_update",
    "refund_payment",
    "settle_pending",
    "start_movement",
    "start_receipt",
    "start_tender",
    "void_payment",
]
