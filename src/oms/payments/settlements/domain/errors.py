"""Errors of billing reconciliation: facts about the file or the run, never HTTP.

::

    Invalid
    └── UnreadableStatement        the file cannot be read as its format (field ``file``)
        ├── MissingColumns         its header lacks required columns (names them all)
        └── UnreadableValues       some cells cannot be read (``line N, column`` each)
    NotFound
    └── ReconciliationNotFound
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from oms.shared.errors import FieldProblem, Invalid, NotFound


class UnreadableStatement(Invalid):
    code = "unreadable-settlement-file"
    title = "The settlement file cannot be read"

    def __init__(self, detail: str, **facts: Any) -> None:
        super().__init__(detail, field="file", **facts)


class MissingColumns(UnreadableStatement):
    code = "settlement-columns-missing"
    title = "The settlement file lacks required columns"

    def __init__(self, missing: Sequence[str], *, found: Sequence[str]) -> None:
        super().__init__(
            f"the file lacks the required column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(missing)}",
            missing=list(missing),
            found=list(found),
        )
        self.missing = tuple(missing)


class UnreadableValues(UnreadableStatement):
    code = "settlement-values-unreadable"
    title = "The settlement file has unreadable values"

    def __init__(self, problems: Sequence[FieldProblem]) -> None:
        first = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(f"{first.field}: {first.message}{more}")
        self.problems.extend(problems)


class ReconciliationNotFound(NotFound):
    code = "reconciliation-not-found"
    title = "Reconciliation not found"

    def __init__(self, reference: str) -> None:
        super().__init__(f"no reconciliation {reference}", reconciliation=reference)
