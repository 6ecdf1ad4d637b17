"""``oms shipments ...``: shipments and tracking from the command line (the root CLI adds it)."""

from __future__ import annotations

import typer

shipments_app = typer.Typer(help="Shipments and tracking events.", no_args_is_help=True)


@shipments_app.callback()
def _group() -> None:
    """Shipments and tracking events."""
