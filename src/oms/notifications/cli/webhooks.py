"""``oms webhooks ...``: endpoints and their deliveries."""

from __future__ import annotations

import typer

app = typer.Typer(help="Webhook endpoints and their deliveries.", no_args_is_help=True)
