"""Payments: tenders on an append-only ledger, providers, refunds, store credit (issue 9).

Public interface for other contexts and the composition root; everything else in this
package is private. Money moves by the two-step rule (``services.settling``): a pending
transaction committed, the provider asked outside any transaction with the transaction's id as
idempotency key, the answer settled in a new transaction with the order's figures, timeline and
events. ``settle_pending`` (the worker's sweeper) finishes what a dead process left pending,
and ``replay_stripe_notifications`` applies the Stripe events that waited for it.

For shipments (issue 10): ``capture_shipped_value`` (what shipped is worth, less what is
captured; idempotent) and ``capture_for_shipment`` (an amount) (-> ``ShipmentCapture``).
For returns (issue 11): ``refund_order`` (or a ``RefundOrder``) -> ``GoodwillRefund``, to a
``RefundDestination``.
Orders moving money: ``release_payment_hold_if_covered``. Store credit:
``store_credit_statement``, ``adjust_store_credit`` (``AdjustStoreCredit``).
"""

from oms.payments.domain import (
    PAYMENT_EVENTS,
    ChargebackClosed,
    ChargebackOpened,
    LedgerEntry,
    OrderPayments,
    OrderPaymentStatus,
    Payment,
    PaymentAuthorized,
    PaymentCaptured,
    PaymentFailed,
    PaymentNotFound,
    PaymentTransaction,
    PaymentVoided,
    ProviderName,
    ProviderOutcome,
    RefundIssued,
    TenderStatus,
    TransactionKind,
    TransactionStatus,
)
from oms.payments.domain.credit import CreditEntry, CreditEntryKind, StoreCreditChanged
from oms.payments.domain.refund_policy import GoodwillRefund, RefundDestination
from oms.payments.handlers import SUBSCRIPTIONS as _HANDLED
from oms.payments.providers.base import AuthorizeRequest, PaymentProvider, ProviderUnavailable
from oms.payments.providers.registry import build_providers
from oms.payments.services import (
    CAPTURED_AT_ONCE,
    AddTender,
    Providers,
    ProviderUpdate,
    add_tender,
    capture_payment,
    get_payment,
    ledger_entries,
    list_payments,
    mark_received,
    order_payments,
    record_provider_update,
    refund_payment,
    settle_pending,
    void_payment,
)
from oms.payments.services.credit import (
    AdjustStoreCredit,
    StoreCreditStatement,
    adjust_store_credit,
    store_credit_statement,
)
from oms.payments.services.goodwill import RefundOrder, refund_order
from oms.payments.services.notifications import replay_stripe_notifications
from oms.payments.services.order_money import (
    ShipmentCapture,
    capture_for_shipment,
    capture_shipped_value,
    release_payment_hold_if_covered,
)
from oms.payments.services.sweeper import SWEEP_INTERVAL_SECONDS
from oms.payments.settlements import EVENTS as _SETTLEMENT_EVENTS
from oms.platform.subscriptions import Subscription
from oms.shared.events import Event

__all__ = [
    "CAPTURED_AT_ONCE",
    "EVENTS",
    "SUBSCRIPTIONS",
    "SWEEP_INTERVAL_SECONDS",
    "AddTender",
    "AdjustStoreCredit",
    "AuthorizeRequest",
    "ChargebackClosed",
    "ChargebackOpened",
    "CreditEntry",
    "CreditEntryKind",
    "GoodwillRefund",
    "LedgerEntry",
    "OrderPaymentStatus",
    "OrderPayments",
    "Payment",
    "PaymentAuthorized",
    "PaymentCaptured",
    "PaymentFailed",
    "PaymentNotFound",
    "PaymentProvider",
    "PaymentTransaction",
    "PaymentVoided",
    "ProviderName",
    "ProviderOutcome",
    "ProviderUnavailable",
    "ProviderUpdate",
    "Providers",
    "RefundDestination",
    "RefundIssued",
    "RefundOrder",
    "ShipmentCapture",
    "StoreCreditChanged",
    "StoreCreditStatement",
    "TenderStatus",
    "TransactionKind",
    "TransactionStatus",
    "add_tender",
    "adjust_store_credit",
    "build_providers",
    "capture_for_shipment",
    "capture_payment",
    "capture_shipped_value",
    "get_payment",
    "ledger_entries",
    "list_payments",
    "mark_received",
    "order_payments",
    "record_provider_update",
    "refund_order",
    "refund_payment",
    "release_payment_hold_if_covered",
    "replay_stripe_notifications",
    "settle_pending",
    "store_credit_statement",
    "void_payment",
]

EVENTS: tuple[type[Event], ...] = (*PAYMENT_EVENTS, StoreCreditChanged, *_SETTLEMENT_EVENTS)
"""The event types this context publishes (the composition root registers them)."""

SUBSCRIPTIONS: tuple[Subscription, ...] = _HANDLED
"""This context's consumers (``handlers``: an order's cancellation and changes move money)."""
