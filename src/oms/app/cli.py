"""The `oms` command: database, demo data, API keys, staff users, server and worker."""

from __future__ import annotations

import signal
import threading
from typing import Annotated

import structlog
import typer
from rich.console import Console
from sqlalchemy.engine import make_url

import oms
from oms import auth
from oms.app import migrations, tasks
from oms.app.events_cli import events_app
from oms.auth.cli import users_app
from oms.customer_value.cli import clv_app
from oms.demand.cli import forecast_app
from oms.fulfilment.cli import shipments_app
from oms.history.cli import import_app
from oms.invoicing.cli import invoices_app
from oms.notifications.cli import notifications_app, webhooks_app
from oms.payments.settlements.cli import payments_app
from oms.platform.database import create_database_engine, normalise_url
from oms.platform.observability import configure_logging
from oms.platform.settings import Settings
from oms.platform.unit_of_work import UnitOfWork
from oms.reports.cli import export_app, refresh_command, report_command
from oms.returns.cli import returns_app
from oms.shared.errors import DomainError, Invalid

app = typer.Typer(
    help="oms: order management for merchants that sell on many channels.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
demo_app = typer.Typer(help="Demo merchant data.", no_args_is_help=True)
key_app = typer.Typer(help="API keys.", no_args_is_help=True)
preorders_app = typer.Typer(help="Pre-order SKUs.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(demo_app, name="demo")
app.add_typer(key_app, name="apikey")
app.add_typer(users_app, name="user")
app.add_typer(payments_app, name="payments")
app.add_typer(invoices_app, name="invoices")
app.add_typer(forecast_app, name="forecast")
app.add_typer(shipments_app, name="shipments")
app.add_typer(returns_app, name="returns")
app.add_typer(notifications_app, name="notifications")
app.add_typer(webhooks_app, name="webhooks")
app.add_typer(events_app, name="events")
app.add_typer(preorders_app, name="preorders")
app.add_typer(clv_app, name="clv")
app.add_typer(export_app, name="export")
app.add_typer(import_app, name="import")
app.command("report")(report_command)
app.command("report-refresh")(refresh_command)

console = Console(stderr=True)
startup_log = structlog.get_logger("oms.startup")


def _print_version(asked: bool) -> None:
    if asked:
        typer.echo(f"oms {oms.__version__}")
        raise typer.Exit


@app.callback()
def _options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """oms: order management for merchants that sell on many channels."""


def startup_fields(settings: Settings, *, workers: int, relay: str) -> dict[str, object]:
    """What a process says when it starts: enough to tell a deployment at a glance, no secret
    (the database by its kind only: the URL may carry a password)."""
    return {
        "version": oms.__version__,
        "database": make_url(normalise_url(settings.database_url)).get_backend_name(),
        "workers": workers,
        "relay": relay,
    }


def _fail(error: DomainError) -> typer.Exit:
    console.print(f"[red]error:[/red] {error.detail}")
    if isinstance(error, Invalid):
        for problem in error.problems:
            console.print(f"  {problem.field}: {problem.message}")
    return typer.Exit(code=2)


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument()] = "head") -> None:
    """Apply migrations up to REVISION (default: the latest)."""
    settings = Settings()
    migrations.upgrade(settings.database_url, revision)
    console.print(f"database is at {revision}")


@db_app.command("current")
def db_current() -> None:
    """Show the database's migration revision."""
    migrations.current(Settings().database_url)


@demo_app.command("load")
def demo_load(
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same data.")] = 42,
) -> None:
    """Load the demo merchant (idempotent: a second run changes nothing) and print a key."""
    try:
        from oms.app import demo
    except ModuleNotFoundError as missing:
        if missing.name != "faker":
            raise
        console.print("[red]error:[/red] the demo needs Faker: pip install 'oms\\[demo]'")
        raise typer.Exit(code=2) from None

    settings = Settings()
    engine = create_database_engine(settings.database_url)
    from oms.app.demo import staff

    summary = demo.load(UnitOfWork(engine), seed=seed, progress=console)
    console.print(summary.describe())
    logins = staff.create(UnitOfWork(engine)) if summary.loaded else []
    issued = auth.create_api_key(
        auth.CreateApiKey(name="demo admin", role=auth.Role.ADMIN), uow=UnitOfWork(engine)
    )
    console.print(f"Console:   http://{settings.host}:{settings.port}/console")
    if logins:
        console.print("Staff logins (shown once; `oms user create` adds more):")
        for login in logins:
            where = f" at {login.location}" if login.location else ""
            typer.echo(f"  {login.role.value:<10} {login.email:<28} {login.password}{where}")
    else:
        console.print("Staff logins were printed when the demo was first loaded.")
    console.print(f"API docs:  http://{settings.host}:{settings.port}/docs")
    console.print(f"Health:    http://{settings.host}:{settings.port}/health")
    if settings.smtp_host:
        typer.echo(f"Mail:      sent through {settings.smtp_host} once `oms serve` runs")
    else:
        typer.echo(f"Mail:      .eml files in {settings.mail_directory} once `oms serve` runs")
    console.print("Admin API key (shown once):")
    typer.echo(issued.secret)


@key_app.command("create")
def apikey_create(
    role: Annotated[auth.Role, typer.Option(help="Role of the key.")],
    name: Annotated[str, typer.Option(help="Who or what uses the key.")],
    channel: Annotated[str | None, typer.Option(help="Channel code (channel keys).")] = None,
    location: Annotated[
        str | None, typer.Option(help="Location code: bind a warehouse key to one location.")
    ] = None,
) -> None:
    """Create an API key; the key alone is printed on the last line."""
    engine = create_database_engine(Settings().database_url)
    try:
        issued = auth.create_api_key(
            auth.CreateApiKey(name=name, role=role, channel_code=channel, location_code=location),
            uow=UnitOfWork(engine),
        )
    except DomainError as error:
        raise _fail(error) from None
    console.print(f"created {issued.key.role} key {issued.key.id} ({issued.key.display_prefix}...)")
    typer.echo(issued.secret)


@key_app.command("list")
def apikey_list() -> None:
    """List API keys (never their secrets)."""
    engine = create_database_engine(Settings().database_url)
    for key in auth.list_api_keys(uow=UnitOfWork(engine), after=None, limit=10_000):
        state = "revoked" if key.revoked_at else "active"
        typer.echo(
            f"{key.id}  {key.display_prefix}...  {key.role:<9} "
            f"{key.channel_code or '-':<12} {state:<8} {key.name}"
        )


@key_app.command("revoke")
def apikey_revoke(key_id: str) -> None:
    """Revoke an API key by id."""
    from uuid import UUID

    engine = create_database_engine(Settings().database_url)
    try:
        auth.revoke_api_key(UUID(key_id), uow=UnitOfWork(engine))
    except ValueError:
        console.print(f"[red]error:[/red] {key_id!r} is not a key id")
        raise typer.Exit(code=2) from None
    except DomainError as error:
        raise _fail(error) from None
    console.print(f"revoked {key_id}")


@preorders_app.command("release")
def preorders_release(
    sku: Annotated[str | None, typer.Option(help="Only this SKU (if its day has come).")] = None,
) -> None:
    """End the pre-order of SKUs whose release day has come and allocate their waiting orders,
    oldest first (what the worker does every few minutes)."""
    from oms import orders

    engine = create_database_engine(Settings().database_url)
    released = orders.release_preorders(uow=UnitOfWork(engine), sku=sku)
    if not released:
        console.print("no pre-order is due for release")
    for done in released:
        typer.echo(
            f"{done.sku}: released (due {done.release_on.isoformat()}), "
            f"{done.allocated} waiting units allocated"
        )


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to bind.")] = None,
    port: Annotated[int | None, typer.Option(help="TCP port.")] = None,
    workers: Annotated[int | None, typer.Option(help="HTTP worker processes.")] = None,
) -> None:
    """Serve the API (and, in embedded mode, relay events) until interrupted."""
    import uvicorn

    settings = Settings()
    configure_logging(settings.log_level, settings.log_format)
    workers = workers or settings.workers
    relay = "embedded" if settings.embedded_relay else "worker"
    startup_log.info("oms serving", **startup_fields(settings, workers=workers, relay=relay))
    uvicorn.run(
        "oms.app.http:app_from_environment",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        workers=workers,
        log_level="warning",
        access_log=False,  # RequestContextMiddleware writes the one access line
        proxy_headers=False,
        loop="uvloop",
        http="httptools",
        # A worker must answer the supervisor's ping within this; uvicorn's 5 s default kills
        # and respawns, forever, a worker whose imports take longer on a loaded machine.
        timeout_worker_healthcheck=60,
    )


@app.command()
def worker() -> None:
    """Relay outbox events until SIGTERM/SIGINT (server mode)."""
    settings = Settings()
    configure_logging(settings.log_level, settings.log_format)
    startup_log.info("oms relaying", **startup_fields(settings, workers=0, relay="worker"))
    engine = create_database_engine(settings.database_url)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    timers = tasks.start(engine, settings, with_relay=False)
    console.print("worker relaying outbox events; Ctrl-C to stop")
    tasks.relay(engine, settings=settings).run_until(stop, settings.relay_interval_seconds)
    for stop_timer in timers:
        stop_timer()


def main() -> None:
    app()
