"""The refund policy (``REFUND_POLICY``) and goodwill refunds (``GOODWILL_REFUNDS``), in Core.

Low-volume configuration, read once per refund: not cached reference data. An admin's PUT
replaces a whole list in one transaction; the delete-then-insert runs under a lock on the table
(``LOCK TABLE`` on PostgreSQL, the one writer on SQLite), so two PUTs apply one after the other
and the last one wins whole, where row locks would lock nothing in an empty table.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol
from uuid import UUID

from sqlalchemy import ColumnElement, Connection, Table, delete, func, insert, select, text, update

from oms.payments.domain.ledger import TransactionStatus
from oms.payments.domain.refund_policy import (
    GoodwillRefund,
    RefundDestination,
    RefundLimit,
    RefundPart,
    RefundPolicy,
    RefundReason,
)
from oms.payments.tables.refund_policy import (
    goodwill_refund_parts,
    goodwill_refunds,
    refund_limits,
    refund_reasons,
)
from oms.platform.unit_of_work import Port
from oms.shared.money import Money


class RefundPolicies(Protocol):
    def current(self) -> RefundPolicy:
        """The reasons in their listed order and every limit."""
        ...

    def replace_reasons(self, reasons: Sequence[RefundReason], now: datetime) -> None: ...

    def replace_limits(self, limits: Sequence[RefundLimit], now: datetime) -> None: ...


class SqlRefundPolicies:
    """``RefundPolicies`` on ``refund_reasons`` and ``refund_limits``."""

    def __init__(self, connection: Connection) -> None:
        self.c = connection

    def current(self) -> RefundPolicy:
        reasons = self.c.execute(
            select(refund_reasons.c.code, refund_reasons.c.description).order_by(
                refund_reasons.c.position
            )
        ).all()
        limits = self.c.execute(
            select(refund_limits).order_by(refund_limits.c.role, refund_limits.c.currency)
        ).all()
        return RefundPolicy(
            reasons=tuple(RefundReason(code=r.code, description=r.description) for r in reasons),
            limits=tuple(
                RefundLimit(role=r.role, limit=Money.from_minor(r.limit_minor, r.currency))
                for r in limits
            ),
        )

    def _lock(self, table: Table) -> None:
        if self.c.dialect.name == "postgresql":
            self.c.execute(text(f"LOCK TABLE {table.name} IN SHARE ROW EXCLUSIVE MODE"))

    def replace_reasons(self, reasons: Sequence[RefundReason], now: datetime) -> None:
        self._lock(refund_reasons)
        self.c.execute(delete(refund_reasons))
        if reasons:
            self.c.execute(
                insert(refund_reasons),
                [
                    {
                        "code": r.code,
                        "description": r.description,
                        "position": index,
                        "updated_at": now,
                    }
                    for index, r in enumerate(reasons)
                ],
            )

    def replace_limits(self, limits: Sequence[RefundLimit], now: datetime) -> None:
        self._lock(refund_limits)
        self.c.execute(delete(refund_limits))
        if limits:
            self.c.execute(
                insert(refund_limits),
                [
                    {
                        "role": row.role,
                        "currency": row.limit.currency,
                        "limit_minor": row.limit.minor,
                        "updated_at": now,
                    }
                    for row in limits
                ],
            )


REFUND_POLICY: Port[RefundPolicies] = Port("payments.refund_policy", SqlRefundPolicies)


CREDITED = TransactionStatus.SUCCEEDED
"""A part paid as store credit was final when it was recorded (no provider to wait for)."""


class GoodwillRefunds(Protocol):
    """Goodwill refunds with their parts; a tender part's status is its refund transaction's,
    which the service reads from the ledger (loaded here as pending)."""

    def add(self, refund: GoodwillRefund) -> None: ...

    def get(self, refund_id: UUID) -> GoodwillRefund | None: ...

    def by_order(self, order_id: UUID) -> list[GoodwillRefund]:
        """The order's goodwill refunds, oldest first."""
        ...

    def credited(self, order_id: UUID, currency: str) -> Money:
        """What goodwill refunds of the order paid out as store credit so far."""
        ...

    def transaction_ids(self, order_id: UUID) -> frozenset[UUID]:
        """The tender refund transactions that goodwill refunds of the order began."""
        ...

    def erase_notes(self, customer_id: UUID) -> int:
        """Blank the staff's notes on the customer's refunds; how many were blanked."""
        ...


class SqlGoodwillRefunds:
    """``GoodwillRefunds`` on ``goodwill_refunds`` and ``goodwill_refund_parts``."""

    def __init__(self, connection: Connection) -> None:
        self.c = connection

    def add(self, refund: GoodwillRefund) -> None:
        self.c.execute(
            insert(goodwill_refunds).values(
                id=refund.id,
                order_id=refund.order_id,
                customer_id=refund.customer_id,
                reason=refund.reason,
                note=refund.note,
                amount_minor=refund.amount.minor,
                currency=refund.amount.currency,
                destination=refund.destination.value,
                actor=refund.actor,
                created_at=refund.created_at,
            )
        )
        self.c.execute(
            insert(goodwill_refund_parts),
            [
                {
                    "refund_id": refund.id,
                    "position": part.position,
                    "payment_id": part.payment_id,
                    "amount_minor": part.amount.minor,
                    "transaction_id": part.transaction_id,
                }
                for part in refund.parts
            ],
        )

    def get(self, refund_id: UUID) -> GoodwillRefund | None:
        found = self._load(goodwill_refunds.c.id == refund_id)
        return found[0] if found else None

    def by_order(self, order_id: UUID) -> list[GoodwillRefund]:
        return self._load(goodwill_refunds.c.order_id == order_id)

    def _load(self, condition: ColumnElement[bool]) -> list[GoodwillRefund]:
        rows = self.c.execute(
            select(goodwill_refunds)
            .where(condition)
            .order_by(goodwill_refunds.c.created_at, goodwill_refunds.c.id)
        ).all()
        if not rows:
            return []
        parts = self.c.execute(
            select(goodwill_refund_parts)
            .where(goodwill_refund_parts.c.refund_id.in_([r.id for r in rows]))
            .order_by(goodwill_refund_parts.c.refund_id, goodwill_refund_parts.c.position)
        ).all()
        by_refund: dict[UUID, list[RefundPart]] = {r.id: [] for r in rows}
        currency = {r.id: r.currency for r in rows}
        for p in parts:
            by_refund[p.refund_id].append(
                RefundPart(
                    position=p.position,
                    payment_id=p.payment_id,
                    amount=Money.from_minor(p.amount_minor, currency[p.refund_id]),
                    transaction_id=p.transaction_id,
                    status=CREDITED if p.payment_id is None else TransactionStatus.PENDING,
                )
            )
        return [
            GoodwillRefund(
                id=r.id,
                order_id=r.order_id,
                customer_id=r.customer_id,
                reason=r.reason,
                note=r.note,
                amount=Money.from_minor(r.amount_minor, r.currency),
                destination=RefundDestination(r.destination),
                parts=tuple(by_refund[r.id]),
                actor=r.actor,
                created_at=r.created_at,
            )
            for r in rows
        ]

    def credited(self, order_id: UUID, currency: str) -> Money:
        total = self.c.execute(
            select(func.coalesce(func.sum(goodwill_refunds.c.amount_minor), 0)).where(
                goodwill_refunds.c.order_id == order_id,
                goodwill_refunds.c.currency == currency,
                goodwill_refunds.c.destination == RefundDestination.STORE_CREDIT.value,
            )
        ).scalar_one()
        return Money.from_minor(int(total), currency)

    def transaction_ids(self, order_id: UUID) -> frozenset[UUID]:
        rows = self.c.execute(
            select(goodwill_refund_parts.c.transaction_id)
            .join(goodwill_refunds, goodwill_refunds.c.id == goodwill_refund_parts.c.refund_id)
            .where(
                goodwill_refunds.c.order_id == order_id,
                goodwill_refund_parts.c.payment_id.is_not(None),
            )
        ).scalars()
        return frozenset(rows)

    def erase_notes(self, customer_id: UUID) -> int:
        return int(
            self.c.execute(
                update(goodwill_refunds)
                .where(goodwill_refunds.c.customer_id == customer_id, goodwill_refunds.c.note != "")
                .values(note="")
            ).rowcount
        )


GOODWILL_REFUNDS: Port[GoodwillRefunds] = Port("payments.goodwill_refunds", SqlGoodwillRefunds)
