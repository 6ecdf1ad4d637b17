"""Invoicing's consumers: payment events issue documents, a customer's erasure restricts them.

A capture issues the invoice, a refund a credit note.
One subscription handles both, so for each payment its capture is handled before its refund
(delivery keeps a payment's events in order for each subscriber): the invoice exists by the
time a refund is credited against it. Each event is handled once (``first_delivery``, in the
same transaction as the document); the document's issue key (the ledger transaction's id)
would also make a repeat issue nothing.

A customer's erasure (``customers.customer_erased.v1``) marks their documents, which are kept
unaltered for the books (``services.erasure``).
"""

from __future__ import annotations

from oms import payments
from oms.invoicing.services import (
    issue_credit_note,
    issue_invoice_for_capture,
    restrict_documents,
)
from oms.platform.subscriptions import first_delivery
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.events import Envelope
from oms.shared.money import Money

CONSUMER = "invoicing.documents"
ERASURE = "invoicing.erasure"


def handle_payment_moved(envelope: Envelope, *, uow: UnitOfWork) -> None:
    """Consumer of ``payments.payment_captured.v1`` and ``payments.refund_issued.v1``."""
    event = envelope.event
    with uow.begin():
        if not first_delivery(uow, CONSUMER, envelope):
            return
        if isinstance(event, payments.RefundIssued):
            amount = Money.from_minor(event.amount_minor, event.currency)
            issue_credit_note(event.order_id, amount, transaction_id=event.transaction_id, uow=uow)
        elif isinstance(event, payments.PaymentCaptured):
            issue_invoice_for_capture(event.order_id, transaction_id=event.transaction_id, uow=uow)


def handle_customer_erased(envelope: Envelope, *, uow: UnitOfWork) -> None:
    """Consumer of ``customers.customer_erased.v1``: restrict the customer's documents."""
    with uow.begin():
        if first_delivery(uow, ERASURE, envelope):
            restrict_documents(envelope.event.aggregate_id, uow=uow)
