"""``oms notifications preview KIND``: one customer mail, rendered as it would be sent.

    oms notifications preview order_shipped --locale de
    oms notifications preview order_confirmation --order SO-10001 --locale zh
    oms notifications preview return_approved --order SO-10001 --output return.eml

Without ``--order`` it renders a built-in sample (no database needed): what a merchant looks at
while translating or overriding templates (``OMS_TEMPLATES_DIRECTORY`` is used). With
``--order`` it writes the real mail of that order from the configured database, in the
customer's language unless ``--locale`` says otherwise; a mail about a shipment, pickup, return,
refund or store credit is previewed from the last one of its kind queued for the order (which
names what it is about). The subject and the text part go to the terminal; ``--output`` writes
the whole message (``.eml``, with its attachments: open it in any mail client), the HTML part
(``.html``) or the text part (``.txt``). An unknown kind or locale is refused naming the valid
ones (exit 2); an order that does not exist, or a mail that cannot be written yet, exit 1.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Annotated, NoReturn
from uuid import UUID

import typer
from babel import Locale, UnknownLocaleError
from rich.console import Console
from rich.markup import escape

from oms import orders
from oms.notifications.domain.kinds import NotificationKind
from oms.notifications.domain.mail import ComposedMail, MailRequest, NotReady
from oms.notifications.domain.settings import MailSettings
from oms.notifications.services.mail import channel_settings, history
from oms.notifications.services.mail.composing import compose_mail
from oms.notifications.views import MailNotWritable, MailTemplates
from oms.notifications.views.catalogues import LANGUAGES
from oms.notifications.views.samples import SAMPLE_SETTINGS, sample_content
from oms.platform.database import create_database_engine
from oms.platform.settings import Settings
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.clock import SystemClock
from oms.shared.errors import Invalid, NotFound

K = NotificationKind
OUTPUTS = (".eml", ".html", ".txt")
ABOUT_A_REFERENCE = frozenset(
    {
        K.ORDER_SHIPPED,
        K.ORDER_DELIVERED,
        K.READY_FOR_PICKUP,
        K.RETURN_APPROVED,
        K.REFUND_ISSUED,
        K.STORE_CREDIT_ISSUED,
    }
)
"""Kinds whose mail is about something beyond the order, named when the mail is queued."""
HIDDEN_CODE = "••••••"
SAMPLE_RECIPIENT = "grace.hopper@example.com"


def preview(
    kind: Annotated[str, typer.Argument(help="The kind: " + ", ".join(K) + ".")],
    locale: Annotated[
        str | None,
        typer.Option(help="Write it in this locale: " + ", ".join(LANGUAGES) + " or de_CH..."),
    ] = None,
    order: Annotated[
        str | None,
        typer.Option(help="An order's number (SO-10001) or id: its real mail, from the database."),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write it to FILE.eml (whole), .html or .txt."),
    ] = None,
) -> None:
    """Render one notification to the terminal or a file: a sample, or an order's real mail."""
    chosen = _kind(kind)
    tag = None if locale is None else _locale(locale)
    if output is not None and output.suffix.lower() not in OUTPUTS:
        _fail(f"--output must end in {', '.join(OUTPUTS)}, not {output.name!r}")
    settings = Settings()
    try:
        templates = MailTemplates.load(settings.templates_directory)
    except Invalid as error:
        _fail(error.detail)
    if order is None:
        written = tag or "en"
        subject, html, text = _render_sample(templates, chosen, written)
        mail = ComposedMail(subject=subject, html=html, text=text)
        sender, recipient = SAMPLE_SETTINGS, SAMPLE_RECIPIENT
    else:
        with _database(settings) as uow:
            request, recipient = _request(chosen, order, tag, uow)
            mail = _compose(request, uow, templates)
        written, sender = request.locale, request.settings
    if output is None:
        typer.echo(f"Subject: {mail.subject}\n\n{mail.text}", nl=False)
        for attachment in mail.attachments:
            _note(f"attached: {attachment.filename} ({len(attachment.data)} bytes)")
        return
    _write(output, mail, _as_email(mail, sender, settings.mail_from, recipient, written, chosen))
    _note(f"wrote {output}")


def _kind(given: str) -> NotificationKind:
    try:
        return K(given.strip().lower())
    except ValueError:
        _fail(f"unknown kind {given!r}; the kinds are: {', '.join(K)}")


def _locale(given: str) -> str:
    try:
        parsed = Locale.parse(given.strip().replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        parsed = None
    if parsed is None or parsed.language not in LANGUAGES:
        _fail(
            f"unknown locale {given!r}; mail is written in {', '.join(LANGUAGES)}"
            " (a region may follow: de_CH, fr_CA, zh_TW)"
        )
    return str(parsed)


def _render_sample(
    templates: MailTemplates, kind: NotificationKind, locale: str
) -> tuple[str, str, str]:
    try:
        return templates.render(sample_content(kind, locale))
    except MailNotWritable as error:
        _fail(str(error))


@contextmanager
def _database(settings: Settings) -> Iterator[UnitOfWork]:
    engine = create_database_engine(settings.database_url)
    try:
        yield UnitOfWork(engine, SystemClock())
    except NotFound as error:
        _fail(error.detail, code=1)
    finally:
        engine.dispose()


def _request(
    kind: NotificationKind, reference: str, locale: str | None, uow: UnitOfWork
) -> tuple[MailRequest, str]:
    """What the sender would hand the composer for this order's mail of ``kind``, and the
    address it would go to."""
    order = _order(reference, uow)
    queued = [
        m for m in history.order_notifications(order.id, uow=uow, limit=200) if m.kind is kind
    ]
    last = queued[0] if queued else None
    if last is None and kind in ABOUT_A_REFERENCE:
        _fail(
            f"order {order.number} has no {kind} mail yet: that mail names its"
            " shipment, pickup, return, refund or credit when it is queued",
            code=1,
        )
    data = dict(last.data) if last is not None else {}
    if kind is K.READY_FOR_PICKUP and not data.get("pickup_code"):
        _note(f"the pickup code is not kept once mailed: shown as {HIDDEN_CODE}")
        data["pickup_code"] = HIDDEN_CODE
    settings = channel_settings.get_mail_settings(order.channel, uow=uow)
    request = MailRequest(
        kind=kind,
        order_id=order.id,
        customer_id=last.customer_id if last is not None else order.buyer.customer_id,
        reference_id=last.reference_id if last is not None else None,
        data=data,
        locale=locale or (last.locale if last is not None and last.locale else order.buyer.locale),
        settings=settings,
    )
    shown = last.recipient if last is not None and last.addressed else order.buyer.email
    return request, shown or "-"


def _order(reference: str, uow: UnitOfWork) -> orders.Order:
    try:
        return orders.get_order(UUID(reference), uow=uow)
    except ValueError:
        pass
    found = orders.list_orders(orders.OrderFilter(q=reference), uow=uow, after=None, limit=2)
    exact = [o for o in found if o.number == reference.strip().upper()]
    if not exact:
        _fail(f"no order is numbered {reference!r}", code=1)
    return exact[0]


def _compose(request: MailRequest, uow: UnitOfWork, templates: MailTemplates) -> ComposedMail:
    try:
        return compose_mail(request, uow=uow, templates=templates)
    except NotReady as error:
        _fail(f"this mail cannot be written yet: {error}", code=1)
    except MailNotWritable as error:
        _fail(f"this mail cannot be written: {error}", code=1)


def _as_email(
    mail: ComposedMail,
    settings: MailSettings,
    mail_from: str,
    recipient: str,
    locale: str,
    kind: NotificationKind,
) -> EmailMessage:
    """The mail as a message a mail client opens (a preview: not dated for sending)."""
    name, address = settings.sender(mail_from)
    message = EmailMessage()
    message["From"] = Address(display_name=name, addr_spec=address)
    message["To"] = recipient
    message["Subject"] = " ".join(mail.subject.split())
    message["Date"] = format_datetime(SystemClock().now())
    message["Message-ID"] = make_msgid(domain="preview.oms.invalid")
    message["X-OMS-Notification"] = kind.value
    message.set_content(mail.text)
    message.add_alternative(mail.html, subtype="html")
    for attachment in mail.attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        message.add_attachment(
            attachment.data, maintype=maintype, subtype=subtype, filename=attachment.filename
        )
    message["Content-Language"] = locale.replace("_", "-")
    return message


def _write(output: Path, mail: ComposedMail, message: EmailMessage) -> None:
    suffix = output.suffix.lower()
    try:
        if suffix == ".eml":
            output.write_bytes(message.as_bytes())
        elif suffix == ".html":
            output.write_text(mail.html, encoding="utf-8")
        else:
            output.write_text(f"Subject: {mail.subject}\n\n{mail.text}", encoding="utf-8")
    except OSError as error:
        _fail(f"cannot write {output}: {error.strerror}", code=1)


def _note(text: str) -> None:
    Console(stderr=True).print(escape(text), highlight=False, soft_wrap=True)


def _fail(detail: str, *, code: int = 2) -> NoReturn:
    Console(stderr=True).print(
        f"[red]error:[/red] {escape(detail)}", highlight=False, soft_wrap=True
    )
    raise typer.Exit(code=code)
