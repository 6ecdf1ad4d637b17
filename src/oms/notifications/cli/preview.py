"""``oms notifications preview KIND --locale de``: render one mail to the terminal or a file."""

from __future__ import annotations

import typer


def preview(kind: str = typer.Argument(..., help="The notification kind.")) -> None:
    """Render one notification."""
    raise typer.BadParameter(f"no preview of {kind} yet")
