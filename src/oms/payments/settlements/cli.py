"""``oms payments ...`` commands (H5 fills this module; H1 may register ``sweep``)."""

import typer

payments_app = typer.Typer(
    help="Payments: reconciliation and the pending sweeper.", no_args_is_help=True
)
