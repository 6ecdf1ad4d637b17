"""``oms invoices ...``: documents from the command line (the root CLI adds this group)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from oms.invoicing import services
from oms.platform.database import create_database_engine
from oms.platform.settings import Settings
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.errors import DomainError

invoices_app = typer.Typer(help="Invoices and credit notes.", no_args_is_help=True)
console = Console(stderr=True)


@invoices_app.callback()
def _group() -> None:
    """Invoices and credit notes (a group even with one command: ``oms invoices pdf ...``)."""


@invoices_app.command("pdf")
def pdf(
    number: Annotated[str, typer.Argument(help="The document's number: INV-2026-000001.")],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Where to write it (default: <number>.pdf here)."),
    ] = None,
) -> None:
    """Write an invoice or credit note as PDF."""
    engine = create_database_engine(Settings().database_url)
    try:
        document, pdf_bytes = services.numbered_pdf(number, uow=UnitOfWork(engine))
    except DomainError as error:
        console.print(f"[red]error:[/red] {error.detail}")
        raise typer.Exit(code=2) from None
    finally:
        engine.dispose()
    target = output or Path(f"{document.number}.pdf")
    target.write_bytes(pdf_bytes)
    console.print(f"{document.number}: {len(pdf_bytes)} bytes written to {target}")
