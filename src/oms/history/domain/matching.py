"""Credit notes against the orders they give back: returns where units can be matched,
standalone credits where they cannot.

A credit note's goods line is matched to units the same customer bought earlier (same SKU,
case-insensitively; an order placed at or before the credit note) and has not yet given back,
latest order first: a cancellation most often undoes the order just placed. A generic file may
name the order instead (``original_order_id``), which then is the only candidate. Matched units
become a completed, refunded return of that order (one per credit note and order); what is
left over, lines without a customer, and lines that are not goods become ``history_credits``.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Set
from dataclasses import dataclass, field
from datetime import datetime

from oms.history.domain.plan import Catalogue, PlannedLine, PlannedOrder
from oms.history.domain.source import Id, LineKind, SourceLine, new_id, to_minor


@dataclass(slots=True, kw_only=True)
class PlannedReturnLine:
    line: PlannedLine
    quantity: int
    unit_refund_minor: int


@dataclass(slots=True, kw_only=True)
class PlannedReturn:
    id: Id
    document: str
    order: PlannedOrder
    at: datetime
    lines: dict[Id, PlannedReturnLine] = field(default_factory=dict)
    refund_minor: int = 0


@dataclass(slots=True, kw_only=True)
class PlannedCredit:
    document: str
    line_no: int
    customer_id: Id | None
    variant_id: Id | None
    kind: str
    """``history_credits.kind``: ``return`` for goods, else the line's charge kind."""
    code: str
    description: str
    quantity: int
    amount_minor: int
    currency: str
    at: datetime
    reason: str


NOT_GOODS = "not goods: a charge given back"
NO_CUSTOMER = "no customer to match it to"
NO_SALE = "no earlier unreturned sale of this SKU to this customer"
BAD_DEBT = "bad-debt adjustment"
RETURN = "return"


@dataclass(slots=True)
class _Candidate:
    placed_at: datetime
    order: PlannedOrder
    line: PlannedLine


class Matcher:
    """Open units by (customer, SKU key), oldest first, taken back latest first."""

    def __init__(
        self, orders: Iterable[PlannedOrder], wanted: Set[tuple[str, str]] | None = None
    ) -> None:
        """Index ``orders``' lines; only those of the (customer key, SKU key) pairs in
        ``wanted`` when given (what the credit notes ask for: a few thousand of half a
        million lines)."""
        self._open: dict[tuple[str, str], list[_Candidate]] = {}
        self._by_document: dict[str, PlannedOrder] = {}
        for order in sorted(orders, key=lambda o: o.placed_at):
            self._by_document[order.document] = order
            customer_key = order.customer_key
            for line in order.lines:
                key = (customer_key, line.sku_key)
                if wanted is None or key in wanted:
                    self._open.setdefault(key, []).append(_Candidate(order.placed_at, order, line))

    def candidates(self, line: SourceLine, customer_key: str) -> list[_Candidate]:
        """Lines that may give units back to ``line``, the one to take from first first."""
        sku_key = line.code.upper()
        if line.original_document is not None:
            order = self._by_document.get(line.original_document)
            if order is None:
                return []
            return [
                _Candidate(order.placed_at, order, x) for x in order.lines if x.sku_key == sku_key
            ]
        found = self._open.get((customer_key, sku_key), [])
        earlier = bisect_right([c.placed_at for c in found], line.placed_at)
        return found[:earlier][::-1]


@dataclass(slots=True)
class CreditPlan:
    returns: list[PlannedReturn] = field(default_factory=list)
    credits: list[PlannedCredit] = field(default_factory=list)


def wanted_keys(lines: Iterable[SourceLine], catalogue: Catalogue) -> set[tuple[str, str]]:
    """The (customer key, SKU key) pairs credit-note ``lines`` may match (``Matcher``)."""
    wanted: set[tuple[str, str]] = set()
    for line in lines:
        if line.kind is LineKind.PRODUCT and (line.customer_ref or line.email):
            email = catalogue.customer_identity(line)[0]
            wanted.add((email.lower(), line.code.upper()))
    return wanted


def plan_credit_note(
    document: str,
    lines: list[SourceLine],
    catalogue: Catalogue,
    matcher: Matcher,
    out: CreditPlan,
) -> None:
    """Match a credit note's lines (see the module's docstring) into ``out``."""
    returns: dict[Id, PlannedReturn] = {}
    for line_no, line in enumerate(lines, start=1):
        customer_id, key = _customer(line, catalogue)
        if line.kind is not LineKind.PRODUCT:
            out.credits.append(
                _credit(document, line_no, line, customer_id, kind=line.kind, reason=NOT_GOODS)
            )
            continue
        variant_id = catalogue.variant(line)
        if customer_id is None and line.original_document is None:
            out.credits.append(
                _credit(document, line_no, line, None, variant_id=variant_id, reason=NO_CUSTOMER)
            )
            continue
        wanted = -line.quantity
        matched_minor = 0
        for candidate in matcher.candidates(line, key):
            take = min(candidate.line.quantity - candidate.line.returned_quantity, wanted)
            if take <= 0:
                continue
            refund = to_minor(line.unit_price * take, line.currency)
            _give_back(returns, document, line, candidate, take, refund)
            matched_minor += refund
            wanted -= take
            if wanted == 0:
                break
        if wanted:
            out.credits.append(
                _credit(
                    document,
                    line_no,
                    line,
                    customer_id,
                    variant_id=variant_id,
                    reason=NO_SALE,
                    quantity=-wanted,
                    amount_minor=line.amount_minor + matched_minor,
                )
            )
    out.returns.extend(returns.values())


def plan_adjustment(
    document: str, lines: list[SourceLine], catalogue: Catalogue, out: CreditPlan
) -> None:
    """A bad-debt adjustment: each line a credit of its own, signed as in the source."""
    for line_no, line in enumerate(lines, start=1):
        customer_id, _ = _customer(line, catalogue)
        out.credits.append(
            _credit(document, line_no, line, customer_id, kind=LineKind.BAD_DEBT, reason=BAD_DEBT)
        )


def _customer(line: SourceLine, catalogue: Catalogue) -> tuple[Id | None, str]:
    if line.customer_ref is None and line.email is None:
        return None, ""
    customer_id, key, _, _ = catalogue.customer(line)
    return customer_id, key


def _credit(  # noqa: PLR0913 - one credit's facts, all keyword
    document: str,
    line_no: int,
    line: SourceLine,
    customer_id: Id | None,
    *,
    reason: str,
    kind: LineKind = LineKind.PRODUCT,
    variant_id: Id | None = None,
    quantity: int | None = None,
    amount_minor: int | None = None,
) -> PlannedCredit:
    return PlannedCredit(
        document=document,
        line_no=line_no,
        customer_id=customer_id,
        variant_id=variant_id,
        kind=RETURN if kind is LineKind.PRODUCT else kind.value,
        code=line.code,
        description=line.description,
        quantity=line.quantity if quantity is None else quantity,
        amount_minor=line.amount_minor if amount_minor is None else amount_minor,
        currency=line.currency,
        at=line.placed_at,
        reason=reason,
    )


def _give_back(
    returns: dict[Id, PlannedReturn],
    document: str,
    line: SourceLine,
    candidate: _Candidate,
    take: int,
    refund: int,
) -> None:
    order = candidate.order
    planned = returns.get(order.id)
    if planned is None:
        planned = PlannedReturn(id=new_id(), document=document, order=order, at=line.placed_at)
        returns[order.id] = planned
    given = planned.lines.get(candidate.line.id)
    if given is None:
        planned.lines[candidate.line.id] = PlannedReturnLine(
            line=candidate.line, quantity=take, unit_refund_minor=line.unit_price_minor
        )
    else:
        given.quantity += take
    candidate.line.returned_quantity += take
    order.returned_units += take
    planned.refund_minor += refund
    order.refunded_minor += refund
