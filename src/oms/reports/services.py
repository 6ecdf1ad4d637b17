"""The reports' use cases: run one report for a caller, as of now; refresh the summaries.

A report served from the summary tables (ADR 0015) first brings them up to date: a read-only
check finds nothing to do in a few milliseconds when no order changed since the last refresh,
else a writing transaction derives the changed orders again (serialised with any other
refresher). The worker also refreshes on a schedule (fully: every order compared), so reports
stay fast after a burst of changes and bulk writes made outside the services are caught.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import Engine

from oms.platform.unit_of_work import UnitOfWork
from oms.reports.domain import Filters, Report, ReportName, scoped
from oms.reports.repository import REPORTS, SUMMARISED
from oms.reports.repository.refresh import Refreshed
from oms.shared.clock import Clock
from oms.shared.errors import Invalid

REFRESH_SECONDS = 60.0
"""How often the worker refreshes the summaries (the changes since the watermark)."""
FULL_EVERY = timedelta(hours=6)
"""How often the worker's refresh compares every order with its facts instead: it catches
what no watermark shows (bulk writes outside the services, a transaction longer than
``refresh.WINDOW``)."""

UNSCOPED = frozenset({ReportName.SETTLEMENTS})
"""Reports of data that names no channel or country (settlement files)."""


def run_report(
    name: ReportName, filters: Filters, *, uow: UnitOfWork, visible_to: str | None = None
) -> Report:
    """The report ``name`` under ``filters``; a caller bound to a channel (``visible_to``) sees
    only that channel's figures, and none of the reports that name no channel."""
    if name in UNSCOPED:
        if visible_to is not None:
            raise Invalid(f"the {name} report covers every channel", field="channel")
        if filters.channel is not None or filters.country is not None:
            field = "channel" if filters.channel is not None else "country"
            raise Invalid(f"the {name} report has no {field}", field=field)
    allowed = scoped(filters, visible_to)
    if name in SUMMARISED:
        refresh_summaries(uow=uow)
    with uow.read() as tx:
        return tx.repo(REPORTS).run(name, allowed)


def run_plain_report(name: ReportName, filters: Filters, *, uow: UnitOfWork) -> Report:
    """The report from the operational tables, bypassing the summaries: the definition the
    summaries are checked against, and what ``bench.reports`` measures as "before"."""
    with uow.read() as tx:
        return tx.repo(REPORTS).run_plain(name, filters)


def refresh_summaries(*, uow: UnitOfWork, full: bool = False) -> Refreshed:
    """Bring the summary tables up to date with every order: the orders changed since the
    last refresh, or (``full``) every order compared with its facts. Safe to run from several
    processes at once (they queue on a lock row; each change is derived once)."""
    if not full:
        with uow.read() as tx:
            if not tx.repo(REPORTS).stale():
                return Refreshed(orders=0, days=0, customers=0)
    with uow.begin() as tx:
        return tx.repo(REPORTS).refresh(now=tx.now, full=full)


def summary_keeper(engine: Engine, clock: Clock) -> Callable[[], Refreshed]:
    """The worker's loop body: a quick refresh each call, a full one on the first call and
    then every ``FULL_EVERY`` (after an import the next call derives the imported orders)."""
    last_full: list[datetime] = []

    def keep() -> Refreshed:
        now = clock.now()
        full = not last_full or now - last_full[0] >= FULL_EVERY
        done = refresh_summaries(uow=UnitOfWork(engine, clock), full=full)
        if full:
            last_full[:] = [now]
        return done

    return keep
