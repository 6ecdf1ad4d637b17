"""The payments finance should look at, read from the ledger's own indexes.

Every question is one statement bounded by ``LIMIT`` on an index that leads with the status:
``ix_payment_transactions_status`` (status, created_at). Failed movements and manual tenders
still awaiting their money are few whatever the ledger's size; authorisations that will soon
lapse are read in a window of authorisation times (succeeded ``authorize`` transactions between
``oldest`` and ``newest``), joined to their tender, which must still be only ``authorized``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, Row, select

from oms.payments.domain import TenderStatus, TransactionKind, TransactionStatus
from oms.payments.tables.ledger import payment_transactions, payments
from oms.platform.unit_of_work import Port
from oms.shared.money import Money

NOT_FOR_PEOPLE = ("authorization_closed", "voided")
"""Failure codes oms writes itself when a final capture or a void closes what was still open:
bookkeeping, not a failure anyone must act on."""


@dataclass(frozen=True, slots=True, kw_only=True)
class PaymentConcern:
    """One tender (or one of its movements) that needs a person."""

    payment_id: UUID
    order_id: UUID
    transaction_id: UUID
    provider: str
    method: str | None
    channel: str
    amount: Money
    at: datetime
    """When the movement (or the tender's authorisation) was begun."""
    failure_code: str | None = None
    failure_message: str | None = None


_COLUMNS = (
    payment_transactions.c.id,
    payment_transactions.c.payment_id,
    payment_transactions.c.order_id,
    payment_transactions.c.provider,
    payment_transactions.c.amount_minor,
    payment_transactions.c.currency,
    payment_transactions.c.created_at,
    payment_transactions.c.failure_code,
    payment_transactions.c.failure_message,
    payments.c.method,
    payments.c.channel_code,
)


def _concern(row: Row[Any]) -> PaymentConcern:
    return PaymentConcern(
        payment_id=row.payment_id,
        order_id=row.order_id,
        transaction_id=row.id,
        provider=row.provider,
        method=row.method,
        channel=row.channel_code,
        amount=Money.from_minor(row.amount_minor, row.currency),
        at=row.created_at,
        failure_code=row.failure_code,
        failure_message=row.failure_message,
    )


class SqlPaymentAttention:
    def __init__(self, connection: Connection) -> None:
        self.c = connection

    def _select(self) -> Any:
        t = payment_transactions.c
        return select(*_COLUMNS).join(payments, payments.c.id == t.payment_id)

    def failed(self, kind: TransactionKind, *, since: datetime, limit: int) -> list[PaymentConcern]:
        """Movements of ``kind`` that failed since ``since``, newest first."""
        t = payment_transactions.c
        query = (
            self._select()
            .where(
                t.status == TransactionStatus.FAILED.value,
                t.created_at >= since,
                t.kind == kind.value,
                t.failure_code.is_(None) | t.failure_code.not_in(NOT_FOR_PEOPLE),
            )
            .order_by(t.created_at.desc())
            .limit(limit)
        )
        return [_concern(row) for row in self.c.execute(query)]

    def lapsing(self, *, oldest: datetime, newest: datetime, limit: int) -> list[PaymentConcern]:
        """Card tenders still only authorised whose authorisation succeeded between ``oldest``
        and ``newest``, oldest (nearest to lapsing) first."""
        t = payment_transactions.c
        query = (
            self._select()
            .where(
                t.status == TransactionStatus.SUCCEEDED.value,
                t.created_at >= oldest,
                t.created_at <= newest,
                t.kind == TransactionKind.AUTHORIZE.value,
                payments.c.status == TenderStatus.AUTHORIZED.value,
            )
            .order_by(t.created_at)
            .limit(limit)
        )
        return [_concern(row) for row in self.c.execute(query)]

    def awaiting(self, provider: str, *, limit: int) -> list[PaymentConcern]:
        """Authorisations of ``provider`` waiting for someone (a bank transfer not yet marked
        received), oldest first."""
        t = payment_transactions.c
        query = (
            self._select()
            .where(
                t.status == TransactionStatus.REQUIRES_ACTION.value,
                t.kind == TransactionKind.AUTHORIZE.value,
                t.provider == provider,
            )
            .order_by(t.created_at)
            .limit(limit)
        )
        return [_concern(row) for row in self.c.execute(query)]


PAYMENT_ATTENTION: Port[SqlPaymentAttention] = Port("payments.attention", SqlPaymentAttention)
