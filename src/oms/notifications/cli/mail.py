"""``oms notifications ...``: the mails of an order, a channel's mail settings, sending now.

    oms notifications messages SO-10001          (or the order's id)
    oms notifications settings web
    oms notifications settings web --set sender_name="Northwind" --set brand_colour=#0b6e4f
    oms notifications settings web --set enabled=order_confirmation,order_shipped
    oms notifications send-due

The commands call the same services as the HTTP routes, as an operator who may do everything
(whoever runs them has the database). A refusal is one readable line per problem on stderr and
exit code 2, never a traceback; an order or channel that does not exist is exit code 1.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Annotated, Any, NoReturn
from uuid import UUID

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from oms.notifications.domain.kinds import NotificationKind
from oms.notifications.domain.messages import Message, MessageStatus
from oms.notifications.domain.settings import MailSettings
from oms.notifications.services.mail import channel_settings, history, sending
from oms.notifications.services.mail.attempts import Sender
from oms.notifications.services.mail.transports import build_transport
from oms.notifications.views import MailTemplates
from oms.platform.database import create_database_engine
from oms.platform.settings import Settings
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.errors import DomainError, FieldProblem, Invalid, NotFound
from oms.shared.versions import ExpectedVersion

app = typer.Typer(
    help="Customer notifications: settings, messages, previews.", no_args_is_help=True
)

ACTOR = "cli"
OUTCOMES = {
    MessageStatus.SENT: "sent",
    MessageStatus.QUEUED: "deferred",
    MessageStatus.FAILED: "failed",
    MessageStatus.SKIPPED: "skipped",
}
"""How ``send-due`` counts what became of each mail (a queued one waits for a retry)."""
SETTABLE = ("enabled", "sender_name", "sender_address", "reply_to", "brand_colour", "logo_url")
CLEARABLE = ("sender_address", "reply_to", "logo_url")
ASSIGNMENT = re.compile(r"^(?P<name>[a-z_]+)=(?P<value>.*)$", re.DOTALL)


def _out() -> Console:
    """Made per command, so the terminal's width (``COLUMNS``) is read when it runs."""
    return Console()


def _fail(
    detail: str | None, *, problems: tuple[FieldProblem, ...] = (), code: int = 2
) -> NoReturn:
    err = Console(stderr=True)
    if detail:
        err.print(f"[red]error:[/red] {escape(detail)}", highlight=False, soft_wrap=True)
    for problem in problems:
        text = escape(f"{problem.field}: {problem.message}")
        err.print(f"[red]error:[/red] {text}", highlight=False, soft_wrap=True)
    raise typer.Exit(code=code)


@contextmanager
def _database() -> Iterator[tuple[UnitOfWork, Settings]]:
    """A unit of work on the configured database; domain refusals end the command readably."""
    settings = Settings()
    engine = create_database_engine(settings.database_url)
    try:
        yield UnitOfWork(engine), settings
    except NotFound as error:
        _fail(error.detail, code=1)
    except Invalid as error:
        _fail(None if error.problems else error.detail, problems=tuple(error.problems))
    except DomainError as error:
        _fail(error.detail)
    finally:
        engine.dispose()


@app.command("messages")
def messages(
    order: Annotated[str, typer.Argument(help="The order's number (SO-10001) or id.")],
) -> None:
    """Every mail of an order, newest first: sent, waiting, failed or skipped (and why)."""
    with _database() as (uow, _):
        order_id = _order_id(order, uow)
        found = history.order_notifications(order_id, uow=uow, limit=200)
    number = found[0].order_number if found else order
    table = Table(title=f"Mail of order {number}")
    for column in ("created", "kind", "status", "locale", "attempts", "why / last error"):
        table.add_column(column, overflow="fold")
    for message in found:
        table.add_row(
            f"{message.created_at:%Y-%m-%d %H:%M}",
            message.kind.value,
            message.status.value,
            message.locale,
            str(message.attempts),
            _why(message),
        )
    _out().print(table if found else f"no mail for order {order}")


def _order_id(order: str, uow: UnitOfWork) -> UUID:
    try:
        return UUID(order)
    except ValueError:
        pass
    found = history.order_by_number(order, uow=uow)
    if found is None:
        _fail(f"no mail was queued for an order numbered {order!r} (or no such order)", code=1)
    return found


def _why(message: Message) -> str:
    if message.skip_reason is not None:
        return message.skip_reason.value
    return message.last_error or ""


@app.command("settings")
def settings_command(
    channel: Annotated[str, typer.Argument(help="The channel's code.")],
    assignments: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            help="NAME=VALUE (repeatable): " + ", ".join(SETTABLE) + "; an empty value clears "
            "an address or the logo; enabled takes kinds separated by commas.",
        ),
    ] = None,
) -> None:
    """Show a channel's mail settings, or change some of them (the rest stay)."""
    with _database() as (uow, _):
        current = channel_settings.get_mail_settings(channel, uow=uow)
        if assignments:
            current = channel_settings.set_mail_settings(_changed(current, assignments), uow=uow)
    _print_settings(current)


def _changed(current: MailSettings, assignments: list[str]) -> channel_settings.SetMailSettings:
    """The current settings with ``NAME=VALUE`` applied, to be stored over their version."""
    changes: dict[str, Any] = {}
    for assignment in assignments:
        matched = ASSIGNMENT.match(assignment)
        if matched is None or matched["name"] not in SETTABLE:
            _fail(f"--set {assignment!r}: expected NAME=VALUE, NAME one of {', '.join(SETTABLE)}")
        name, value = matched["name"], matched["value"].strip()
        if name == "enabled":
            changes[name] = _kinds(value)
        else:
            changes[name] = None if not value and name in CLEARABLE else value
    wanted = replace(current, **changes)
    return channel_settings.SetMailSettings(
        channel=current.channel,
        enabled=wanted.enabled,
        sender_name=wanted.sender_name,
        sender_address=wanted.sender_address,
        reply_to=wanted.reply_to,
        brand_colour=wanted.brand_colour,
        logo_url=wanted.logo_url,
        expected=ExpectedVersion(versions=frozenset({current.version})),
        actor=ACTOR,
    )


def _kinds(value: str) -> frozenset[NotificationKind]:
    names = [name.strip() for name in value.split(",") if name.strip()]
    known = {kind.value: kind for kind in NotificationKind}
    unknown = [name for name in names if name not in known]
    if unknown:
        _fail(f"enabled: unknown kind {', '.join(unknown)}; the kinds are {', '.join(known)}")
    return frozenset(known[name] for name in names)


def _print_settings(settings: MailSettings) -> None:
    table = Table(
        show_header=False, title=f"Mail of channel {settings.channel} (version {settings.version})"
    )
    table.add_column("setting", style="bold")
    table.add_column("value", overflow="fold")
    on = [kind.value for kind in NotificationKind if kind in settings.enabled]
    off = [kind.value for kind in NotificationKind if kind not in settings.enabled]
    for name, value in (
        ("on", ", ".join(on) or "none"),
        ("off", ", ".join(off) or "none"),
        ("sender name", settings.sender_name or "(the deployment's)"),
        ("sender address", settings.sender_address or "(OMS_MAIL_FROM)"),
        ("reply to", settings.reply_to or ""),
        ("brand colour", settings.brand_colour),
        ("logo", settings.logo_url or ""),
    ):
        table.add_row(name, value)
    _out().print(table)


@app.command("send-due")
def send_due() -> None:
    """Send every mail that is due now (what the worker's mail loop does), with the configured
    transport: SMTP when OMS_SMTP_HOST is set, else .eml files in OMS_MAIL_DIRECTORY."""
    with _database() as (uow, settings):
        sender = Sender(
            uow=uow,
            transport=build_transport(settings),
            templates=MailTemplates.load(settings.templates_directory),
            mail_from=settings.mail_from,
        )
        lease = sending.lease_for(sending.BATCH, settings.smtp_timeout_seconds)
        tried = sending.send_all_due(sender, lease=lease)
    counted = Counter(OUTCOMES[message.status] for message in tried)
    where = settings.smtp_host or settings.mail_directory
    summary = ", ".join(f"{count} {status}" for status, count in sorted(counted.items()))
    _out().print(f"{len(tried)} due: {summary or 'nothing to send'} ({where})")
