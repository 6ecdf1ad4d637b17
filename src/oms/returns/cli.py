"""``oms returns ...``: returns from the command line (the root CLI adds this group)."""

from __future__ import annotations

import typer

returns_app = typer.Typer(help="Returns, exchanges and claims.", no_args_is_help=True)


@returns_app.callback()
def _group() -> None:
    """Returns, exchanges and claims."""
