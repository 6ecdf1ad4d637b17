"""Runs and scores in ``customer_value_runs`` and ``customer_values``, read with the customer's
number and name (the customers table, read set-wise by ADR 0014)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, and_, delete, false, func, insert, or_, select

from oms.customer_value.domain.scores import (
    CustomerScore,
    CustomerValue,
    Holdout,
    ValueFilter,
    ValueOrder,
)
from oms.customer_value.tables import customer_value_runs, customer_values
from oms.customers import tables as customer_tables

BATCH = 2_000


@dataclass(frozen=True, slots=True, kw_only=True)
class FittedCurrency:
    """One currency's fit in a run: its parameters, its holdout report (this run's or the
    latest stored one), and the scores of its customers."""

    currency: str
    parameters: Mapping[str, float | None]
    holdout: Mapping[str, Any] | None
    scores: Sequence[CustomerScore]


def latest_holdout(conn: Connection, currency: str) -> dict[str, Any] | None:
    """The newest stored holdout check of a currency (its ``checked_at`` says when it ran)."""
    row = conn.execute(
        select(customer_value_runs.c.holdout)
        .where(
            customer_value_runs.c.currency == currency,
            customer_value_runs.c.holdout.is_not(None),
        )
        .order_by(customer_value_runs.c.computed_at.desc())
        .limit(1)
    ).first()
    return None if row is None or row.holdout is None else dict(row.holdout)


def replace_scores(
    conn: Connection,
    *,
    run_id: UUID,
    fitted: Sequence[FittedCurrency],
    model: str,
    model_version: str,
    horizon_months: int,
    monthly_discount: float,
    now: datetime,
) -> int:
    """Record the run's fits and replace every stored score by its scores, in the caller's
    transaction (a reader sees the old scores or the new ones, never a mix)."""
    conn.execute(delete(customer_values))
    written = 0
    for fit in fitted:
        conn.execute(
            insert(customer_value_runs).values(
                id=run_id,
                currency=fit.currency,
                model=model,
                model_version=model_version,
                customers=len(fit.scores),
                parameters=dict(fit.parameters),
                holdout=dict(fit.holdout) if fit.holdout is not None else None,
                horizon_months=horizon_months,
                monthly_discount=monthly_discount,
                computed_at=now,
            )
        )
        mae = float(fit.holdout["model"]["purchases_mae"]) if fit.holdout is not None else None
        rows = [
            {
                "customer_id": UUID(score.customer),
                "currency": score.currency,
                "run_id": run_id,
                "purchases": score.purchases,
                "expected_purchases_90d": score.expected_purchases_90d,
                "probability_alive": score.probability_alive,
                "expected_order_value_minor": score.expected_order_value_minor,
                "clv_minor": score.clv_minor,
                "model": model,
                "model_version": model_version,
                "holdout_mae_purchases": mae,
                "computed_at": now,
            }
            for score in fit.scores
        ]
        for start in range(0, len(rows), BATCH):
            conn.execute(insert(customer_values), rows[start : start + BATCH])
        written += len(rows)
    return written


def latest_run_at(conn: Connection) -> datetime | None:
    """When the newest run stored its scores."""
    at: datetime | None = conn.execute(select(func.max(customer_value_runs.c.computed_at))).scalar()
    return at


def customer_exists(conn: Connection, customer_id: UUID) -> bool:
    customers = customer_tables.customers
    found = conn.execute(select(customers.c.id).where(customers.c.id == customer_id)).first()
    return found is not None


def _query() -> Any:
    values, runs, customers = customer_values, customer_value_runs, customer_tables.customers
    return select(
        values,
        customers.c.number,
        customers.c.name,
        runs.c.holdout,
        runs.c.horizon_months,
        runs.c.computed_at.label("run_at"),
    ).select_from(
        values.join(customers, customers.c.id == values.c.customer_id).outerjoin(
            runs, and_(runs.c.id == values.c.run_id, runs.c.currency == values.c.currency)
        )
    )


def _value(row: Any) -> CustomerValue:
    holdout = None
    if row.holdout is not None:
        checked_at = row.holdout.get("checked_at")
        holdout = Holdout.of(
            row.holdout,
            datetime.fromisoformat(checked_at) if checked_at else row.run_at,
        )
    return CustomerValue(
        customer_id=str(row.customer_id),
        customer_number=row.number,
        customer_name=row.name,
        currency=row.currency,
        purchases=row.purchases,
        expected_purchases_90d=row.expected_purchases_90d,
        probability_alive=row.probability_alive,
        expected_order_value_minor=row.expected_order_value_minor,
        clv_minor=row.clv_minor,
        horizon_months=row.horizon_months,
        model=row.model,
        model_version=row.model_version,
        holdout=holdout,
        run_id=str(row.run_id),
        computed_at=row.computed_at,
    )


def values_of(conn: Connection, customer_id: UUID) -> list[CustomerValue]:
    """A customer's scores, one per currency they bought in."""
    query = _query().where(customer_values.c.customer_id == customer_id)
    return [_value(row) for row in conn.execute(query.order_by(customer_values.c.currency))]


def currencies(conn: Connection) -> list[str]:
    return list(conn.execute(select(customer_values.c.currency).distinct()).scalars())


def _after(order: ValueOrder, after: tuple[Any, UUID, str]) -> Any:
    v = customer_values.c
    first, customer_id, currency = after
    column = v.clv_minor if order is ValueOrder.CLV else v.probability_alive
    beyond = column < first if order is ValueOrder.CLV else column > first
    return or_(
        beyond,
        and_(
            column == first,
            or_(
                v.customer_id > customer_id,
                and_(v.customer_id == customer_id, v.currency > currency),
            ),
        ),
    )


def list_values(
    conn: Connection,
    *,
    where: ValueFilter,
    order: ValueOrder,
    after: tuple[Any, UUID, str] | None,
    limit: int,
) -> list[CustomerValue]:
    """Scores by ``order`` (ties by customer id, currency), after the keyset ``after``."""
    v = customer_values.c
    query = _query()
    if where.currency is not None:
        query = query.where(v.currency == where.currency)
    if where.clv_min_minor is not None:
        query = query.where(
            or_(
                false(),
                *(
                    and_(v.currency == currency, v.clv_minor >= minimum)
                    for currency, minimum in where.clv_min_minor.items()
                ),
            )
        )
    if where.churn_min is not None:
        query = query.where(v.probability_alive <= 1.0 - where.churn_min)
    if after is not None:
        query = query.where(_after(order, after))
    first = v.clv_minor.desc() if order is ValueOrder.CLV else v.probability_alive.asc()
    rows = conn.execute(query.order_by(first, v.customer_id, v.currency).limit(limit))
    return [_value(row) for row in rows]
