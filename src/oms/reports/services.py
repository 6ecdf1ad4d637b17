"""The reports' use cases: run one report for a caller, as of now."""

from __future__ import annotations

from oms.platform.unit_of_work import UnitOfWork
from oms.reports.domain import Filters, Report, ReportName, scoped
from oms.reports.repository import REPORTS
from oms.shared.errors import Invalid

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
    with uow.read() as tx:
        return tx.repo(REPORTS).run(name, scoped(filters, visible_to))
