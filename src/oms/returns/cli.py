"""``oms returns ...``: the returns desk and the receiving bench from the command line (the root
CLI adds this group).

A return is named by its RMA (``RMA-000001``) or its id; a line of it by the order line's id or
its SKU. The commands call the same services as the HTTP routes, as an operator who may do
everything (like the other commands: whoever runs them has the database). Whatever the input or
the return's state refuses is one readable line per problem on stderr and exit code 2, never a
traceback; a return that does not exist is exit code 1.

    oms returns list [--status approved] [--location wh-de] [--reason damaged]
    oms returns show RMA-000001
    oms returns approve RMA-000001
    oms returns receive RMA-000001 NW-HOD-NAV-M=1
    oms returns inspect RMA-000001 NW-HOD-NAV-M=1:restock
    oms returns resolve RMA-000001 [--store-credit]
    oms returns label RMA-000001 -o RMA-000001.pdf
    oms returns policy web
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, NoReturn
from uuid import UUID

import typer
from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from oms import fulfilment, payments
from oms.platform.database import create_database_engine
from oms.platform.settings import Settings
from oms.platform.unit_of_work import UnitOfWork
from oms.returns.domain.lifecycle import ReturnStatus
from oms.returns.domain.policy import ReturnPolicy
from oms.returns.domain.returns import Disposition, ReturnReason, ReturnRequest
from oms.returns.repository.returns import ReturnFilter
from oms.returns.services import claims, decisions, labels, policies, receiving, requests
from oms.returns.services.refunds import Resolved
from oms.shared.errors import DomainError, Invalid, NotFound
from oms.shared.money import Money

returns_app = typer.Typer(help="Returns, exchanges and claims.", no_args_is_help=True)

RMA = re.compile(r"^RMA-\d{6,}$", re.IGNORECASE)
UNITS = re.compile(r"^(?P<line>[^=\s]+)=(?P<quantity>\d+)$")
INSPECTED = re.compile(r"^(?P<line>[^=\s]+)=(?P<quantity>\d+):(?P<disposition>[a-z_]+)$")

Reference = Annotated[str, typer.Argument(help="The return's RMA (RMA-000001) or id.")]


@returns_app.callback()
def _group() -> None:
    """Returns, exchanges and claims."""


def _out() -> Console:
    """Made per command, so the terminal's width (``COLUMNS``) is read when it runs."""
    return Console()


def _err() -> Console:
    return Console(stderr=True)


class _Refused(Exception):
    """Input the command refuses before asking anything (a malformed ``LINE=QTY``)."""


@contextmanager
def _database(arguments: Sequence[str] = ()) -> Iterator[UnitOfWork]:
    """A unit of work on the configured database; domain refusals end the command readably.
    A problem about ``lines.N`` is told about the N-th of ``arguments`` (as the user typed
    it), the line the service was given in that place."""
    engine = create_database_engine(Settings().database_url)
    try:
        yield UnitOfWork(engine)
    except NotFound as error:
        _fail(error.detail, code=1)
    except Invalid as error:
        problems = [(_argument(p.field, arguments), p.message) for p in error.problems]
        _fail(None if problems else error.detail, problems=problems)
    except DomainError as error:
        _fail(error.detail)
    except _Refused as error:
        _fail(str(error))
    finally:
        engine.dispose()


def _argument(field: str, arguments: Sequence[str]) -> str:
    """``lines.1.quantity`` -> the second argument (``TS-1=2``); other fields as they are."""
    match = re.match(r"^lines\.(\d+)(?:\.|$)", field)
    if match and int(match[1]) < len(arguments):
        return arguments[int(match[1])]
    return field


def _fail(
    detail: str | None, *, problems: Sequence[tuple[str, str]] = (), code: int = 2
) -> NoReturn:
    err = _err()
    if detail:
        err.print(f"[red]error:[/red] {escape(detail)}", highlight=False, soft_wrap=True)
    for where, message in problems:
        text = escape(f"{where}: {message}")
        err.print(f"[red]error:[/red] {text}", highlight=False, soft_wrap=True)
    raise typer.Exit(code=code)


def _find(reference: str, uow: UnitOfWork) -> ReturnRequest:
    """The return an RMA or an id names (``NotFound`` otherwise)."""
    if RMA.match(reference):
        number = reference.upper()
        found = requests.list_returns(ReturnFilter(number=number), uow=uow, after=None, limit=1)
        if not found:
            raise NotFound(f"no return {number}")
        return found[0]
    try:
        return_id = UUID(reference)
    except ValueError:
        raise _Refused(f"{reference!r} is neither an RMA (RMA-000001) nor a return's id") from None
    return requests.get_return(return_id, uow=uow)


def _line_id(request: ReturnRequest, reference: str) -> UUID:
    """The return's line an order line id or a SKU names (a SKU on two lines is ambiguous)."""
    found = [line for line in request.lines if reference in (str(line.line_id), line.sku)]
    if len(found) == 1:
        return found[0].line_id
    named = ", ".join(f"{line.sku} ({line.line_id})" for line in request.lines)
    if found:
        raise _Refused(
            f"{reference} is on several lines of {request.reference}; name the line id: {named}"
        )
    raise _Refused(f"{reference!r} is not a line of {request.reference}; its lines: {named}")


def _parse(
    request: ReturnRequest, given: Sequence[str], pattern: re.Pattern[str], form: str
) -> list[tuple[UUID, re.Match[str]]]:
    parsed: list[tuple[UUID, re.Match[str]]] = []
    for text in given:
        match = pattern.match(text.strip())
        if match is None:
            raise _Refused(f"{text!r} is not {form}")
        line_id = _line_id(request, match["line"])
        if any(line_id == seen for seen, _ in parsed):
            raise _Refused(f"{match['line']} is named twice")
        parsed.append((line_id, match))
    return parsed


ACTOR = "cli:oms returns"


@returns_app.command("list")
def list_returns(
    status: Annotated[
        ReturnStatus | None, typer.Option(help="Only returns in this status.")
    ] = None,
    location: Annotated[
        str | None, typer.Option(help="Only returns coming back to this location (code).")
    ] = None,
    reason: Annotated[
        ReturnReason | None, typer.Option(help="Only returns with a line for this reason.")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=500, help="How many, newest first.")] = 50,
) -> None:
    """The returns desk: returns newest first, by status, receiving location or reason."""
    with _database() as uow:
        found = requests.list_returns(
            ReturnFilter(status=status, location=location, reason=reason),
            uow=uow,
            after=None,
            limit=limit,
        )
    out = _out()
    if not found:
        out.print("no returns match")
        return
    table = Table(title=f"Returns ({len(found)})", box=box.SIMPLE_HEAD)
    table.add_column("RMA", no_wrap=True)
    table.add_column("status", no_wrap=True)
    table.add_column("order", no_wrap=True)
    table.add_column("at", no_wrap=True)
    table.add_column("lines", min_width=18, overflow="fold")
    table.add_column("refund", justify="right", no_wrap=True)
    for r in found:
        table.add_row(
            f"{r.reference}\n{r.kind.value}",
            r.status.value,
            r.order_number,
            r.receiving_location or "",
            "\n".join(f"{line.quantity} {line.sku} ({line.reason.value})" for line in r.lines),
            _money(r.refund),
        )
    out.print(table)


@returns_app.command("show")
def show(reference: Reference) -> None:
    """One return: where it stands, its lines, what it refunded."""
    with _database() as uow:
        request = _find(reference, uow)
    _print_return(request)


@returns_app.command("approve")
def approve(reference: Reference) -> None:
    """Approve a requested return: its RMA, where it goes back to, its label."""
    with _database() as uow:
        found = _find(reference, uow)
        decisions.approve_return(
            decisions.DecideReturn(return_id=found.id, actor=ACTOR),
            uow=uow,
            carriers=fulfilment.karrio_carriers,
        )
        request = requests.get_return(found.id, uow=uow)
    _print_return(request)


@returns_app.command("receive")
def receive(
    reference: Reference,
    units: Annotated[
        list[str], typer.Argument(help="LINE=QTY per line; LINE is the order line's id or SKU.")
    ],
) -> None:
    """Units arrived at the receiving location (before inspection; stock moves then)."""
    with _database(units) as uow:
        found = _find(reference, uow)
        parsed = _parse(found, units, UNITS, "LINE=QTY (NW-HOD-NAV-M=1)")
        request = receiving.receive_return_units(
            receiving.ReceiveUnits(
                return_id=found.id,
                units={line_id: int(m["quantity"]) for line_id, m in parsed},
                actor=ACTOR,
            ),
            uow=uow,
        )
    _print_return(request)


@returns_app.command("inspect")
def inspect(
    reference: Reference,
    units: Annotated[
        list[str],
        typer.Argument(
            help="LINE=QTY:DISPOSITION per line; DISPOSITION is restock, damaged, write_off or "
            "return_to_customer."
        ),
    ],
) -> None:
    """Received units inspected: each disposition a stock movement at the receiving location,
    in the same transaction as the inspection."""
    with _database(units) as uow:
        found = _parse_inspection(reference, units, uow)
        request = receiving.inspect_return_units(found, uow=uow)
    _print_return(request)


def _parse_inspection(
    reference: str, units: Sequence[str], uow: UnitOfWork
) -> receiving.InspectUnits:
    request = _find(reference, uow)
    form = "LINE=QTY:DISPOSITION (NW-HOD-NAV-M=1:restock)"
    inspected: dict[UUID, tuple[int, Disposition]] = {}
    for line_id, match in _parse(request, units, INSPECTED, form):
        try:
            disposition = Disposition(match["disposition"])
        except ValueError:
            known = ", ".join(d.value for d in Disposition)
            raise _Refused(f"{match['disposition']!r} is not a disposition ({known})") from None
        inspected[line_id] = (int(match["quantity"]), disposition)
    return receiving.InspectUnits(return_id=request.id, units=inspected, actor=ACTOR)


@returns_app.command("resolve")
def resolve(
    reference: Reference,
    store_credit: Annotated[
        bool, typer.Option("--store-credit", help="Refund to store credit, not the tenders.")
    ] = False,
    reship: Annotated[
        bool, typer.Option("--reship", help="Claims only: reship the units instead of a refund.")
    ] = False,
) -> None:
    """Complete an inspected return (or an approved claim) with its refund, once: a second run
    answers the same refund."""
    destination = (
        payments.RefundDestination.STORE_CREDIT
        if store_credit
        else payments.RefundDestination.ORIGINAL
    )
    settings = Settings()
    with _database() as uow:
        found = _find(reference, uow)
        resolved = claims.resolve(
            found.id,
            resolution=claims.ClaimResolution.RESHIP if reship else claims.ClaimResolution.REFUND,
            destination=destination,
            actor=ACTOR,
            uow=uow,
            providers=payments.build_providers(settings, UnitOfWork(uow.engine)),
        )
    _print_return(resolved.request)
    _print_refund(resolved)


@returns_app.command("label")
def label(
    reference: Reference,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", dir_okay=False, help="Where to write it (default: RMA.pdf)."
        ),
    ] = None,
) -> None:
    """Write an approved return's label (the carrier's, or the printable return slip) as PDF;
    made now if approval could not make it."""
    with _database() as uow:
        found = _find(reference, uow)
        made = labels.make_return_label(
            found.id, uow=uow, carriers=fulfilment.karrio_carriers, actor=ACTOR
        )
    target = output or Path(f"{made.rma}.pdf")
    target.write_bytes(made.pdf)
    what = (
        f"{made.carrier} label, tracking {made.tracking_number}"
        if made.carrier
        else "printable return slip"
    )
    _out().print(f"{made.rma}: {what}, {len(made.pdf)} bytes written to {target}", soft_wrap=True)


@returns_app.command("policy")
def policy(channel: Annotated[str, typer.Argument(help="The channel's code: web.")]) -> None:
    """A channel's return policy (the default when it never set one: version 0)."""
    with _database() as uow:
        found = policies.get_return_policy(channel, uow=uow)
    _print_policy(channel, found)


def _print_return(request: ReturnRequest) -> None:
    out = _out()
    facts = Table(show_header=False, title=f"{request.reference} ({request.kind.value})")
    facts.add_column("field", style="bold")
    facts.add_column("value", overflow="fold")
    rows: list[tuple[str, str | None]] = [
        ("id", str(request.id)),
        ("status", request.status.value),
        ("order", f"{request.order_number} ({request.order_id})"),
        ("channel", request.channel),
        ("source", request.source.value),
        ("receiving location", request.receiving_location),
        ("return shipping paid by", request.return_shipping_paid_by.value),
        ("label tracking", request.label_tracking),
        ("resolution", request.resolution.value if request.resolution else None),
        ("refund", _money(request.refund) or None),
        (
            "restocking fee",
            _money(request.restocking_fee) if request.restocking_fee_minor else None,
        ),
        ("exchange order", str(request.exchange_order_id) if request.exchange_order_id else None),
        ("declined because", request.decline_reason),
        ("evidence", "; ".join(request.evidence) or None),
        ("note", request.note or None),
    ]
    for name, value in rows:
        if value:
            facts.add_row(name, value)
    out.print(facts)
    lines = Table(title="Lines (name them by SKU: NW-HOD-NAV-M=1)", box=box.SIMPLE_HEAD)
    for column in ("SKU", "qty", "reason", "recv.", "insp.", "disposition", "refund/unit"):
        numeric = column in ("qty", "recv.", "insp.", "refund/unit")
        lines.add_column(
            column,
            justify="right" if numeric else "left",
            no_wrap=column in ("SKU", "refund/unit"),
            overflow="fold",
        )
    for line in request.lines:
        unit = (
            _money(Money.from_minor(line.unit_refund_minor, request.currency))
            if line.unit_refund_minor is not None
            else ""
        )
        lines.add_row(
            line.sku,
            str(line.quantity),
            line.reason.value,
            str(line.received),
            str(line.inspected),
            line.disposition.value if line.disposition else "",
            unit,
        )
    out.print(lines)


def _print_refund(resolved: Resolved) -> None:
    out = _out()
    if resolved.decided is None:
        out.print("nothing refunded")
        return
    status = resolved.refund.status if resolved.refund else "decided"
    out.print(
        f"refund {resolved.decided.refund_id}: {_money(resolved.request.refund)} ({status}); "
        "the credit note follows from the refund"
    )


def _print_policy(channel: str, policy: ReturnPolicy) -> None:
    out = _out()
    document = policy.document()
    facts = Table(show_header=False, title=f"Return policy of {channel} (version {policy.version})")
    facts.add_column("rule", style="bold")
    facts.add_column("value")
    fee = document["restocking_fee"]
    for name, value in (
        ("window", f"{policy.window_days} days from {policy.window_from.value}"),
        ("restocking fee", _fee(fee)),
        ("return shipping paid by", policy.return_shipping_paid_by.value),
        ("refund original shipping", _yes(policy.refund_original_shipping)),
        ("auto-approve", _yes(policy.auto_approve)),
        ("instant exchange", _yes(policy.instant_exchange)),
    ):
        facts.add_row(name, value)
    out.print(facts)
    reasons: dict[str, Any] = document.get("reasons") or {}
    if reasons:
        table = Table(title="Reasons")
        for column in ("reason", "fee", "keep item under", "auto-approve"):
            table.add_column(column)
        for name, rule in reasons.items():
            auto = rule.get("auto_approve")
            table.add_row(
                name,
                _yes(rule.get("fee", True)),
                rule.get("keep_item_under") or "",
                "as the policy" if auto is None else _yes(auto),
            )
        out.print(table)
    products: dict[str, Any] = document.get("products") or {}
    if products:
        table = Table(title="Products")
        for column in ("product or SKU", "returnable", "window days", "restocking fee"):
            table.add_column(column)
        for name, rule in products.items():
            table.add_row(
                name,
                _yes(rule.get("returnable", True)),
                str(rule.get("window_days") or ""),
                _fee(rule.get("restocking_fee")),
            )
        out.print(table)


def _fee(fee: dict[str, Any] | None) -> str:
    if not fee:
        return ""
    if fee.get("percent"):
        return f"{fee['percent']} %"
    if fee.get("fixed"):
        return str(fee["fixed"])
    return "none"


def _yes(value: object) -> str:
    return "yes" if value else "no"


def _money(amount: Money | None) -> str:
    return "" if amount is None else f"{amount.amount:f} {amount.currency}"
