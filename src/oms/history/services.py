"""Importing order history: read a file, plan what each new document becomes, write it all in
one transaction, record the run.

Order of work, on purpose: the file is read and checked first (minutes of a large file's CPU,
no transaction open, progress reported); then one writing transaction loads what already
exists, plans and writes. Nothing is half-imported (a failure rolls everything back), and a
rerun finds every document already there and plans nothing. Progress is reported only outside
that transaction: on SQLite a second writer (the progress row) would wait for it.
"""

from __future__ import annotations

import csv
import gc
import hashlib
import io
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from oms import channels
from oms.history.domain.errors import ImportNotFound
from oms.history.domain.importing import new_documents, plan_documents
from oms.history.domain.plan import Catalogue, Known
from oms.history.domain.reading import ImportFormat, read
from oms.history.domain.source import Reject, SourceLine
from oms.history.repository.known import channel_locale, imported_documents, load_known
from oms.history.repository.writes import write_import_record, write_plan
from oms.history.tables import history_imports
from oms.platform import jobs
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.errors import Invalid, NotFound

IMPORT = "history.import"
"""The job kind of an import asked for over the API."""

DEFAULT_CHANNEL = "online-retail"
"""The channel the online-retail format imports into unless told otherwise; created (GBP, web,
en-GB) when missing."""

Report = Callable[[int, int | None, str], None]
"""Progress: (lines done, lines in all when known, what is happening)."""


@dataclass(frozen=True, kw_only=True)
class ImportHistory:
    content: bytes
    file_name: str
    format: ImportFormat
    channel: str | None
    actor: str
    import_id: uuid.UUID | None = None


@dataclass(frozen=True, kw_only=True)
class ImportOutcome:
    id: uuid.UUID
    summary: Mapping[str, Any]
    rejects_csv: str


def _channel(cmd: ImportHistory, uow: UnitOfWork) -> tuple[str, bool]:
    """The channel to import into, and whether it was created now."""
    if cmd.channel is None and cmd.format is ImportFormat.GENERIC:
        raise Invalid("the generic format needs a channel (--channel CODE)", field="channel")
    code = cmd.channel or DEFAULT_CHANNEL
    with uow.read() as tx:
        exists = channel_locale(tx.connection, code) is not None
    if exists:
        return code, False
    if code != DEFAULT_CHANNEL:
        raise channels.ChannelNotFound(code)
    channels.create_channel(
        channels.CreateChannel(
            code=DEFAULT_CHANNEL,
            name="Online Retail (imported history)",
            kind=channels.ChannelKind.WEB,
            currency="GBP",
            default_locale="en-GB",
        ),
        uow=uow,
    )
    return code, True


def _quiet(*_: object) -> None:
    return None


def rejects_csv(rejects: list[Reject]) -> str:
    """The rejects file: ``row,document,field,reason``, ``row`` the line in the imported file."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("row", "document", "field", "reason"))
    for reject in rejects:
        writer.writerow((reject.row, reject.document, reject.field, reject.reason))
    return out.getvalue()


def _keys(documents: Mapping[str, list[SourceLine]], channel: str) -> tuple[set[str], set[str]]:
    """Email keys and SKU keys the plan of ``documents`` may look up: each distinct buyer
    and code once."""
    catalogue = Catalogue(known=Known(), channel=channel)
    buyers = {
        (line.email, line.name, line.customer_ref): line
        for lines in documents.values()
        for line in lines
    }
    emails = {catalogue.customer_identity(line)[0].lower() for line in buyers.values()}
    codes = {line.code for lines in documents.values() for line in lines}
    return emails, {code.upper() for code in codes}


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for the import: it makes and keeps a million
    objects (lines, planned rows) with no reference cycles among them, and the collector's
    full passes over that growing heap cost about a third of the reading (measured). Only
    plain reference counting runs meanwhile; the collector is switched back on (if it was
    on) however the import ends."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def import_history(
    cmd: ImportHistory, *, uow: UnitOfWork, report: Report | None = None
) -> ImportOutcome:
    """Import ``cmd``'s file (see the module's docstring); the summary says what it did."""
    started_at = uow.clock.now()
    tell = report or _quiet
    channel, created = _channel(cmd, uow)
    with _collector_paused():
        return _import(cmd, uow, tell, started_at, channel, created)


def _import(
    cmd: ImportHistory,
    uow: UnitOfWork,
    tell: Report,
    started_at: datetime,
    channel: str,
    created: bool,
) -> ImportOutcome:
    tell(0, None, "reading")
    content = read(cmd.content, cmd.format, lambda done: tell(done, None, "reading"))
    total = content.figures.lines
    tell(total, total, "writing")
    import_id = cmd.import_id or uuid.uuid4()
    with uow.begin() as tx:
        conn = tx.connection
        locale = channel_locale(conn, channel) or "en-GB"
        imported = imported_documents(conn, channel)
        documents, skipped = new_documents(content.lines, imported)
        emails, skus = _keys(documents, channel)
        known = load_known(conn, channel, emails, skus, documents=imported)
        plan = plan_documents(documents, skipped, known, channel, list(content.rejects))
        summary = {
            "channel": channel,
            "channel_created": created,
            "format": cmd.format.value,
            "file": content.figures.as_dict(),
            "imported": plan.figures(),
        }
        rejects = rejects_csv(plan.rejects)
        write_import_record(
            conn,
            id=import_id,
            channel_code=channel,
            format=cmd.format.value,
            file_name=cmd.file_name[:255],
            file_sha256=hashlib.sha256(cmd.content).hexdigest(),
            created_by=cmd.actor[:200],
            started_at=started_at,
            finished_at=uow.clock.now(),
            summary=summary,
            rejects=rejects,
        )
        write_plan(
            conn,
            plan,
            channel=channel,
            locale=locale,
            import_id=import_id.hex,
            note=f"Imported from {cmd.file_name[:100]}:",
        )
    tell(total, total, "done")
    return ImportOutcome(id=import_id, summary=summary, rejects_csv=rejects)


@dataclass(frozen=True, kw_only=True)
class ImportRecord:
    id: uuid.UUID
    channel: str
    format: str
    file_name: str
    started_at: datetime
    finished_at: datetime
    summary: Mapping[str, Any]


def get_rejects(import_id: uuid.UUID, *, uow: UnitOfWork) -> str:
    """The rejects file of an import run."""
    with uow.read() as tx:
        found = tx.connection.execute(
            select(history_imports.c.rejects).where(history_imports.c.id == import_id)
        ).scalar_one_or_none()
    if found is None:
        raise ImportNotFound(import_id)
    return str(found)


def get_import(import_id: uuid.UUID, *, uow: UnitOfWork) -> ImportRecord:
    with uow.read() as tx:
        row = tx.connection.execute(
            select(history_imports).where(history_imports.c.id == import_id)
        ).one_or_none()
    if row is None:
        raise ImportNotFound(import_id)
    return ImportRecord(
        id=row.id,
        channel=row.channel_code,
        format=row.format,
        file_name=row.file_name,
        started_at=row.started_at,
        finished_at=row.finished_at,
        summary=row.summary,
    )


class ImportJobNotFound(NotFound):
    code = "history-import-not-found"

    def __init__(self, job_id: uuid.UUID) -> None:
        super().__init__(f"no import {job_id}", import_id=str(job_id))


def request_import(
    uow: UnitOfWork,
    *,
    content: bytes,
    file_name: str,
    format_: ImportFormat,
    channel: str | None,
    created_by: str,
) -> jobs.Job:
    """Queue an import of ``content`` and return its job."""
    with uow.begin() as tx:
        job_id = jobs.enqueue(
            tx.connection,
            kind=IMPORT,
            params={"format": format_.value, "channel": channel},
            created_by=created_by,
            now=tx.now,
            file=(file_name, content),
        )
        job = jobs.get(tx.connection, job_id)
    assert job is not None
    return job


def get_import_job(uow: UnitOfWork, job_id: uuid.UUID) -> jobs.Job:
    with uow.read() as tx:
        job = jobs.get(tx.connection, job_id, kind=IMPORT)
    if job is None:
        raise ImportJobNotFound(job_id)
    return job
