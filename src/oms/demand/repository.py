"""Demand's SQL (SQLAlchemy Core): order lines read set-wise as demand (ADR 0014), stock levels,
and demand's own tables (runs, forecasts, reorder settings)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID

from sqlalchemy import Connection, delete, func, insert, select, update

from oms.channels.tables import locations
from oms.demand.domain.reorder import ReorderPolicy, WeekForecast
from oms.demand.tables import demand_forecasts, forecast_runs, reorder_settings
from oms.fulfilment.tables.orders import fulfilment_order_lines, fulfilment_orders
from oms.inventory.tables import inventory_items, stock_levels
from oms.orders.tables import order_lines, orders

if TYPE_CHECKING:
    import pandas as pd

CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class DemandHistory:
    """Line records and the window they were observed in (first order to one minute after the
    last: the database's history ends where its orders end)."""

    lines: pd.DataFrame
    observed_from: datetime | None
    observed_to: datetime | None


def read_demand(conn: Connection, *, by_location: bool) -> DemandHistory:
    """Every non-cancelled order's lines (per SKU), or its fulfilment order lines with the
    location that fulfils them (per SKU and location)."""
    import pandas as pd  # only forecast runs read demand; the API and console never load pandas

    from oms.demand.domain.series import LINE_COLUMNS

    first, last = conn.execute(
        select(func.min(orders.c.placed_at), func.max(orders.c.placed_at))
    ).one()
    if by_location:
        query = (
            select(
                fulfilment_order_lines.c.sku,
                fulfilment_orders.c.location_code.label("location"),
                orders.c.placed_at,
                fulfilment_order_lines.c.quantity,
            )
            .join(
                fulfilment_orders,
                fulfilment_orders.c.id == fulfilment_order_lines.c.fulfilment_order_id,
            )
            .join(orders, orders.c.id == fulfilment_orders.c.order_id)
            .where(fulfilment_orders.c.status != CANCELLED, orders.c.status != CANCELLED)
        )
    else:
        query = (
            select(
                order_lines.c.sku,
                orders.c.placed_at,
                order_lines.c.quantity,
                order_lines.c.cancelled_quantity,
            )
            .join(orders, orders.c.id == order_lines.c.order_id)
            .where(orders.c.status != CANCELLED)
        )
    frame = pd.DataFrame(conn.execute(query).mappings().all())
    for column, default in (("location", ""), ("cancelled_quantity", 0)):
        if column not in frame:
            frame[column] = default
    if frame.empty:
        frame = pd.DataFrame(columns=list(LINE_COLUMNS))
    observed_to = None if last is None else last + timedelta(minutes=1)
    return DemandHistory(frame[list(LINE_COLUMNS)], first, observed_to)


def start_run(
    conn: Connection, *, run_id: UUID, job_id: UUID | None, version: str, now: datetime
) -> None:
    conn.execute(
        insert(forecast_runs).values(
            id=run_id,
            job_id=job_id,
            status="running",
            model_version=version,
            series=0,
            started_at=now,
        )
    )


def finish_run(
    conn: Connection,
    run_id: UUID,
    *,
    status: str,
    series: int,
    weeks: tuple[date, date] | None,
    now: datetime,
) -> None:
    conn.execute(
        update(forecast_runs)
        .where(forecast_runs.c.id == run_id)
        .values(
            status=status,
            series=series,
            first_week_on=weeks[0] if weeks else None,
            last_week_on=weeks[1] if weeks else None,
            finished_at=now,
        )
    )


def replace_forecasts(conn: Connection, run_id: UUID, rows: Sequence[Mapping[str, Any]]) -> None:
    """Write a run's forecasts, replacing any it wrote before (a rerun job is idempotent)."""
    conn.execute(delete(demand_forecasts).where(demand_forecasts.c.run_id == run_id))
    for start in range(0, len(rows), 5000):
        conn.execute(insert(demand_forecasts), [dict(row) for row in rows[start : start + 5000]])


def latest_run(conn: Connection) -> Any | None:
    return conn.execute(
        select(forecast_runs)
        .where(forecast_runs.c.status == "succeeded")
        .order_by(forecast_runs.c.finished_at.desc())
        .limit(1)
    ).one_or_none()


def run_of_job(conn: Connection, job_id: UUID) -> Any | None:
    return conn.execute(select(forecast_runs).where(forecast_runs.c.job_id == job_id)).one_or_none()


def forecasts_of(conn: Connection, run_id: UUID, skus: Iterable[str] | None = None) -> list[Any]:
    """A run's forecast rows (for ``skus``, or all), by SKU, location and week."""
    query = select(demand_forecasts).where(demand_forecasts.c.run_id == run_id)
    if skus is not None:
        query = query.where(demand_forecasts.c.sku.in_(list(skus)))
    query = query.order_by(
        demand_forecasts.c.sku, demand_forecasts.c.location_code, demand_forecasts.c.week_on
    )
    return list(conn.execute(query))


def week_forecast(row: Any) -> WeekForecast:
    return WeekForecast(
        week_on=row.week_on,
        units=row.units,
        lo_80=row.lo_80,
        hi_80=row.hi_80,
        lo_95=row.lo_95,
        hi_95=row.hi_95,
    )


def available_stock(
    conn: Connection, skus: Iterable[str] | None = None
) -> dict[tuple[str, str], int]:
    """On hand minus allocated per (SKU, location code)."""
    query = (
        select(
            inventory_items.c.sku,
            locations.c.code,
            (stock_levels.c.on_hand - stock_levels.c.allocated).label("available"),
        )
        .join(inventory_items, inventory_items.c.variant_id == stock_levels.c.variant_id)
        .join(locations, locations.c.id == stock_levels.c.location_id)
    )
    if skus is not None:
        query = query.where(inventory_items.c.sku.in_(list(skus)))
    return {(row.sku, row.code): int(row.available) for row in conn.execute(query)}


def sku_exists(conn: Connection, sku: str) -> bool:
    found = conn.execute(select(inventory_items.c.sku).where(inventory_items.c.sku == sku)).first()
    if found is not None:
        return True
    return (
        conn.execute(select(order_lines.c.sku).where(order_lines.c.sku == sku).limit(1)).first()
        is not None
    )


def reorder_setting_rows(conn: Connection) -> list[Any]:
    return list(
        conn.execute(
            select(reorder_settings).order_by(reorder_settings.c.scope, reorder_settings.c.key)
        )
    )


def put_reorder_setting(
    conn: Connection, *, scope: str, key: str, values: Mapping[str, Any], now: datetime
) -> None:
    """Insert or replace one settings row."""
    conn.execute(
        delete(reorder_settings).where(
            reorder_settings.c.scope == scope, reorder_settings.c.key == key
        )
    )
    conn.execute(insert(reorder_settings).values(scope=scope, key=key, updated_at=now, **values))


def policies(rows: Sequence[Any]) -> PolicyBook:
    return PolicyBook(rows)


class PolicyBook:
    """Resolves a SKU's policy field by field: its own row, its supplier's, the default row,
    then the built-in defaults."""

    def __init__(self, rows: Sequence[Any]) -> None:
        self._rows = {(row.scope, row.key): row for row in rows}

    def for_sku(self, sku: str) -> ReorderPolicy:
        own = self._rows.get(("sku", sku))
        supplier = own.supplier if own is not None else None
        chain = [
            own,
            self._rows.get(("supplier", supplier or "")),
            self._rows.get(("default", "*")),
        ]
        base = ReorderPolicy()
        values: dict[str, Any] = {}
        for field in ("lead_time_days", "service_level_pct", "review_days"):
            values[field] = next(
                (
                    getattr(row, field)
                    for row in chain
                    if row is not None and getattr(row, field) is not None
                ),
                getattr(base, field),
            )
        return ReorderPolicy(supplier=supplier, **values)
