"""Where documents are kept: the ``DOCUMENTS`` port and its SQL (SQLAlchemy Core).

A document is written once (its row and its lines) and never updated. Numbers come from one
counter row per series and year: ``lock_series`` takes that row's lock (creating it at zero),
so every issue in the series queues there until the one before it commits or rolls back, and
what the issuer reads after it (the order's earlier documents, the issue key) includes every
document committed before; ``take_number`` then raises it by one. A rolled-back issue rolls the
counter back with it: no gaps, no number twice. On SQLite the writer's ``BEGIN IMMEDIATE``
serialises issues anyway; the statements are the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol
from uuid import UUID

from sqlalchemy import Connection, Row, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from oms.invoicing.domain import (
    Document,
    DocumentKind,
    DocumentLine,
    DocumentNotFound,
    LineKind,
    Party,
)
from oms.invoicing.tables import invoice_counters, invoice_lines, invoices
from oms.platform.unit_of_work import Port
from oms.shared.address import Address
from oms.shared.money import Money
from oms.shared.permissions import channel_visible


class Documents(Protocol):
    """Issued invoices and credit notes, and their number series."""

    def lock_series(self, kind: DocumentKind, year: int) -> None:
        """Lock the series' counter for ``year`` until commit (created at zero if new)."""
        ...

    def take_number(self, kind: DocumentKind, year: int) -> int:
        """The next number of the locked series (1, 2, ...), counted in this transaction."""
        ...

    def add(self, document: Document) -> None:
        """Store a new document with its lines."""
        ...

    def get(self, document_id: UUID, *, visible_to: str | None = None) -> Document:
        """One document, or ``DocumentNotFound`` (also for another channel's, to a channel
        key)."""
        ...

    def by_number(self, number: str, *, visible_to: str | None = None) -> Document:
        """The document with this number, or ``DocumentNotFound``."""
        ...

    def by_issue_key(self, issue_key: str) -> Document | None:
        """The document this key issued, if any."""
        ...

    def of_order(self, order_id: UUID) -> list[Document]:
        """The order's documents, oldest first."""
        ...

    def restrict(self, customer_id: UUID, at: datetime) -> int:
        """Record the customer's erasure request on their documents not yet marked; how many."""
        ...


class SqlDocuments:
    def __init__(self, connection: Connection) -> None:
        self._conn = connection

    def lock_series(self, kind: DocumentKind, year: int) -> None:
        dialect: Any = postgresql if self._conn.dialect.name == "postgresql" else sqlite
        counter = invoice_counters.c
        self._conn.execute(
            dialect.insert(invoice_counters)
            .values(series=kind.series, year=year, last_number=0)
            .on_conflict_do_update(
                index_elements=[counter.series, counter.year],
                set_={"last_number": counter.last_number},
            )
        )

    def take_number(self, kind: DocumentKind, year: int) -> int:
        counter = invoice_counters.c
        number = self._conn.execute(
            update(invoice_counters)
            .where(counter.series == kind.series, counter.year == year)
            .values(last_number=counter.last_number + 1)
            .returning(counter.last_number)
        ).scalar_one()
        return int(number)

    def add(self, document: Document) -> None:
        self._conn.execute(insert(invoices).values(_document_row(document)))
        self._conn.execute(
            insert(invoice_lines), [_line_row(document.id, line) for line in document.lines]
        )

    def get(self, document_id: UUID, *, visible_to: str | None = None) -> Document:
        found = self._load(invoices.c.id == document_id)
        if not found or not channel_visible(found[0].channel, to=visible_to):
            raise DocumentNotFound(str(document_id))
        return found[0]

    def by_number(self, number: str, *, visible_to: str | None = None) -> Document:
        found = self._load(invoices.c.number == number)
        if not found or not channel_visible(found[0].channel, to=visible_to):
            raise DocumentNotFound(number)
        return found[0]

    def by_issue_key(self, issue_key: str) -> Document | None:
        found = self._load(invoices.c.issue_key == issue_key)
        return found[0] if found else None

    def of_order(self, order_id: UUID) -> list[Document]:
        return self._load(invoices.c.order_id == order_id)

    def restrict(self, customer_id: UUID, at: datetime) -> int:
        marked = self._conn.execute(
            update(invoices)
            .where(invoices.c.customer_id == customer_id, invoices.c.erasure_requested_at.is_(None))
            .values(erasure_requested_at=at)
        )
        return marked.rowcount

    def _load(self, condition: Any) -> list[Document]:
        rows = self._conn.execute(
            select(invoices).where(condition).order_by(invoices.c.issued_at, invoices.c.number)
        ).all()
        if not rows:
            return []
        lines: dict[UUID, list[DocumentLine]] = {row.id: [] for row in rows}
        for line in self._conn.execute(
            select(invoice_lines)
            .where(invoice_lines.c.invoice_id.in_(list(lines)))
            .order_by(invoice_lines.c.invoice_id, invoice_lines.c.line_no)
        ):
            lines[line.invoice_id].append(_line(line, _currency_of(rows, line.invoice_id)))
        credited = _credited_numbers(self._conn, rows)
        return [_document(row, tuple(lines[row.id]), credited) for row in rows]


DOCUMENTS: Port[Documents] = Port("invoicing.documents", SqlDocuments)


def _currency_of(rows: Sequence[Row[Any]], document_id: UUID) -> str:
    return next(str(row.currency) for row in rows if row.id == document_id)


def _credited_numbers(conn: Connection, rows: Sequence[Row[Any]]) -> dict[UUID, str]:
    ids = {row.credited_id for row in rows if row.credited_id is not None}
    if not ids:
        return {}
    found = conn.execute(select(invoices.c.id, invoices.c.number).where(invoices.c.id.in_(ids)))
    return {row.id: row.number for row in found}


def _party_json(party: Party) -> dict[str, Any]:
    return {"name": party.name, "address": party.address.as_dict()}


def _party(data: dict[str, Any]) -> Party:
    return Party(name=data["name"], address=Address(**data["address"]))


def _document_row(d: Document) -> dict[str, Any]:
    return {
        "id": d.id,
        "kind": d.kind.value,
        "number": d.number,
        "issue_key": d.issue_key,
        "order_id": d.order_id,
        "order_number": d.order_number,
        "channel_code": d.channel,
        "customer_id": d.customer_id,
        "currency": d.currency,
        "locale": d.locale,
        "prices_include_tax": d.prices_include_tax,
        "seller": _party_json(d.seller),
        "buyer": _party_json(d.buyer),
        "net_minor": d.net.minor,
        "tax_minor": d.tax.minor,
        "total_minor": d.total.minor,
        "issued_at": d.issued_at,
        "ordered_at": d.ordered_at,
        "due_on": d.due_on,
        "paid": d.paid,
        "credited_id": d.credited_id,
        "erasure_requested_at": d.erasure_requested_at,
    }


def _line_row(document_id: UUID, line: DocumentLine) -> dict[str, Any]:
    return {
        "invoice_id": document_id,
        "line_no": line.line_no,
        "kind": line.kind.value,
        "order_line_id": line.order_line_id,
        "sku": line.sku,
        "name": line.name,
        "quantity": line.quantity,
        "unit_price_minor": line.unit_price.minor,
        "discount_minor": line.discount.minor,
        "tax_rate": str(line.tax_rate),
        "tax_minor": line.tax.minor,
        "total_minor": line.total.minor,
    }


def _line(row: Row[Any], currency: str) -> DocumentLine:
    return DocumentLine(
        line_no=row.line_no,
        kind=LineKind(row.kind),
        order_line_id=row.order_line_id,
        sku=row.sku,
        name=row.name,
        quantity=row.quantity,
        unit_price=Money.from_minor(row.unit_price_minor, currency),
        discount=Money.from_minor(row.discount_minor, currency),
        tax_rate=Decimal(row.tax_rate),
        tax=Money.from_minor(row.tax_minor, currency),
        total=Money.from_minor(row.total_minor, currency),
    )


def _document(
    row: Row[Any], lines: tuple[DocumentLine, ...], credited: dict[UUID, str]
) -> Document:
    due_on = row.due_on if isinstance(row.due_on, date) else date.fromisoformat(row.due_on)
    return Document(
        id=row.id,
        kind=DocumentKind(row.kind),
        number=row.number,
        order_id=row.order_id,
        order_number=row.order_number,
        channel=row.channel_code,
        customer_id=row.customer_id,
        currency=row.currency,
        locale=row.locale,
        prices_include_tax=row.prices_include_tax,
        seller=_party(row.seller),
        buyer=_party(row.buyer),
        lines=lines,
        issued_at=row.issued_at,
        ordered_at=row.ordered_at,
        due_on=due_on,
        paid=row.paid,
        credited_id=row.credited_id,
        credited_number=credited.get(row.credited_id) if row.credited_id else None,
        issue_key=row.issue_key,
        erasure_requested_at=row.erasure_requested_at,
    )
