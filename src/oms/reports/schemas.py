"""The reports' JSON: the filters applied, the columns with what each holds, and the rows.

Figures are JSON integers, not the ``{"amount", "currency"}`` strings of the rest of the API:
every money column of a report is minor units named ``*_minor`` beside the row's ``currency``
column, so a client sums and compares them exactly without parsing decimals.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from oms.reports.domain import Report


class FiltersOut(BaseModel):
    from_: date = Field(alias="from", serialization_alias="from")
    to: date
    channel: str | None
    country: str | None
    granularity: str


class ColumnOut(BaseModel):
    name: str
    kind: str = Field(
        description="`dimension` (a grouping value), `count`, `money` (minor units of the "
        "row's `currency`), `basis_points` (1/10000) or `seconds`."
    )


class ReportOut(BaseModel):
    report: str = Field(examples=["sales"])
    filters: FiltersOut
    columns: list[ColumnOut]
    rows: list[dict[str, int | str | None]]

    @classmethod
    def of(cls, report: Report) -> ReportOut:
        f = report.filters
        return cls(
            report=report.name.value,
            filters=FiltersOut.model_validate(
                {
                    "from": f.start,
                    "to": f.end,
                    "channel": f.channel,
                    "country": f.country,
                    "granularity": f.granularity.value,
                }
            ),
            columns=[ColumnOut(name=c.name, kind=c.kind.value) for c in report.columns],
            rows=report.as_dicts(),
        )
