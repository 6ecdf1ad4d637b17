"""``oms invoices pdf NUMBER -o FILE`` writes the document's PDF; an unknown number is a readable
error and a non-zero exit. Numbers start again at 1 every calendar year."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

import pytest
from pypdf import PdfReader
from sqlalchemy import Engine
from typer.testing import CliRunner

from oms.invoicing import issue_invoice_for_capture
from oms.invoicing.cli import invoices_app
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.clock import FixedClock
from tests.integration.test_invoicing_issuing import open_shop, place


@pytest.fixture
def database_url(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OMS_DATABASE_URL", engine.url.render_as_string(hide_password=False))


@pytest.mark.usefixtures("database_url")
def test_the_command_writes_the_pdf_of_an_invoice_by_its_number(
    uow: UnitOfWork, tmp_path: Path
) -> None:
    open_shop(uow)
    invoice = issue_invoice_for_capture(place(uow).id, transaction_id=uuid4(), uow=uow)
    assert invoice is not None
    target = tmp_path / "invoice.pdf"

    result = CliRunner().invoke(invoices_app, ["pdf", invoice.number, "-o", str(target)])

    assert result.exit_code == 0, result.output
    assert f"{invoice.number}: " in result.output
    text = PdfReader(io.BytesIO(target.read_bytes())).pages[0].extract_text()
    assert invoice.number in text
    assert "Rechnung" in text


@pytest.mark.usefixtures("database_url")
def test_the_command_says_when_no_document_has_the_number(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        invoices_app, ["pdf", "INV-2026-999999", "-o", str(tmp_path / "x.pdf")]
    )
    assert result.exit_code == 2
    assert "no invoice or credit note INV-2026-999999" in result.output
    assert not (tmp_path / "x.pdf").exists()


def test_numbers_start_again_at_one_each_year(uow: UnitOfWork, engine: Engine) -> None:
    open_shop(uow)
    numbers = []
    for at in (
        datetime(2026, 12, 31, 23, 59, tzinfo=UTC),
        datetime(2027, 1, 1, 0, 1, tzinfo=UTC),
        datetime(2027, 1, 2, tzinfo=UTC),
    ):
        order = place(uow)
        issued = issue_invoice_for_capture(
            order.id, transaction_id=uuid4(), uow=UnitOfWork(engine, clock=FixedClock(at))
        )
        numbers.append(issued.number if issued else None)
    assert numbers == ["INV-2026-000001", "INV-2027-000001", "INV-2027-000002"]
