"""``oms notifications ...``: mail settings and the messages sent."""

from __future__ import annotations

import typer

app = typer.Typer(
    help="Customer notifications: settings, messages, previews.", no_args_is_help=True
)
