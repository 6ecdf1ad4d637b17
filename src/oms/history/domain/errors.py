"""Errors of the history import: a file that cannot be imported at all (a bad line is no
error: it goes to the rejects file)."""

from __future__ import annotations

from oms.shared.errors import Invalid, NotFound


class UnknownFormat(Invalid):
    code = "history-unknown-format"

    def __init__(self, given: str) -> None:
        super().__init__(
            f"unknown import format {given!r}: online-retail or generic", field="format"
        )


class NotACsv(Invalid):
    code = "history-not-a-csv"

    def __init__(self, why: str) -> None:
        super().__init__(f"the file is not a readable CSV: {why}", field="file")


class MissingColumns(Invalid):
    code = "history-missing-columns"

    def __init__(self, missing: list[str]) -> None:
        super().__init__(
            f"the file lacks the columns {', '.join(missing)}", field="file", missing=missing
        )


class ImportNotFound(NotFound):
    code = "history-import-not-found"

    def __init__(self, import_id: object) -> None:
        super().__init__(f"no import {import_id}", import_id=str(import_id))
