"""A report as CSV: a header of column names, then one line per row (figures as integers,
an empty field for a figure that has no value, such as an average of nothing)."""

from __future__ import annotations

import csv
import io

from oms.reports.domain import Report


def report_csv(report: Report) -> str:
    """The report's table as CSV text (RFC 4180, ``\\r\\n`` line ends)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([column.name for column in report.columns])
    writer.writerows(["" if value is None else value for value in row] for row in report.rows)
    return out.getvalue()


def csv_filename(report: Report) -> str:
    f = report.filters
    return f"{report.name.value}_{f.start.isoformat()}_{f.end.isoformat()}.csv"
