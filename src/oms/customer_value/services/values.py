"""Reading the stored scores: one customer's, and the list that filters customers by lifetime
value and churn risk (keyset paged, highest CLV or highest churn first)."""

from __future__ import annotations

import math
from decimal import ROUND_CEILING, Decimal
from typing import Any
from uuid import UUID

from oms.customer_value.domain.errors import NoCustomerValue
from oms.customer_value.domain.scores import CustomerValue, ValueFilter, ValueOrder
from oms.customer_value.repository import scores as repository
from oms.customers import CustomerNotFound
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.errors import Invalid
from oms.shared.money import exponent, in_range, is_currency


def customer_value(customer_id: UUID, *, uow: UnitOfWork) -> list[CustomerValue]:
    """A customer's scores, one per currency; unknown customer or no score yet is a 404."""
    with uow.read() as tx:
        found = repository.values_of(tx.connection, customer_id)
        if not found and not repository.customer_exists(tx.connection, customer_id):
            raise CustomerNotFound(customer_id)
    if not found:
        raise NoCustomerValue(customer_id)
    return found


def _minimum_minor(amount: Decimal, currency: str) -> int:
    """The smallest whole minor amount at least ``amount`` (a CLV of 10.004 is under 10.01)."""
    return int((amount.scaleb(exponent(currency))).to_integral_value(rounding=ROUND_CEILING))


def _filter(
    clv_min: Decimal | None, churn_min: float | None, currency: str | None, known: list[str]
) -> ValueFilter:
    if currency is not None and not is_currency(currency):
        raise Invalid(f"unknown currency {currency!r}", field="currency")
    if clv_min is not None and (not clv_min.is_finite() or clv_min < 0):
        raise Invalid("clv_min must be an amount of 0 or more", field="clv_min")
    if churn_min is not None and not (math.isfinite(churn_min) and 0 <= churn_min <= 1):
        raise Invalid("churn_min must be a probability from 0 to 1", field="churn_min")
    minimum = None
    if clv_min is not None:
        minimum = {
            code: _minimum_minor(clv_min, code)
            for code in ([currency] if currency else known)
            if in_range(clv_min, code)
        }
    return ValueFilter(clv_min_minor=minimum, churn_min=churn_min, currency=currency)


def list_customer_values(
    *,
    uow: UnitOfWork,
    clv_min: Decimal | None = None,
    churn_min: float | None = None,
    currency: str | None = None,
    order: ValueOrder = ValueOrder.CLV,
    after: tuple[Any, UUID, str] | None = None,
    limit: int,
) -> list[CustomerValue]:
    """Scored customers with a CLV of at least ``clv_min`` (in each score's currency unless
    ``currency`` is given) and a churn probability of at least ``churn_min``, in ``order``."""
    with uow.read() as tx:
        known = repository.currencies(tx.connection) if currency is None else []
        where = _filter(clv_min, churn_min, currency, known)
        return repository.list_values(
            tx.connection, where=where, order=order, after=after, limit=limit
        )
