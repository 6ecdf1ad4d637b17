"""The return form read into one of the returns context's requests: a return (goods back for
a refund), an exchange (goods back, a replacement out) or a claim (nothing comes back: missing,
arrived damaged, the wrong item), with each line's units typed next to it.

Lines are asked in the order's line order, so a problem the service names by position
(``lines.1.quantity``) finds its line's field again (``ReturnAsk.field_for``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TypeVar
from uuid import UUID

from oms import orders, payments
from oms.console.pages.order_actions.lookup import too_long
from oms.returns.domain.eligibility import AskedLine
from oms.returns.domain.returns import RETURN_REASONS, ReturnReason
from oms.returns.services.claims import ClaimKind, ClaimResolution
from oms.shared.errors import FieldProblem

LIMITS = {"note": 1000, "evidence": 1000}
SKU_LENGTH = 64
MAX_CLAIMED = 100_000
E = TypeVar("E", bound=StrEnum)


class AskKind(StrEnum):
    RETURN = "return"
    EXCHANGE = "exchange"
    CLAIM = "claim"


LINE_FIELDS = {
    "quantity": "qty",
    "line_id": "qty",
    "reason": "reason",
    "note": "qty",
    "replacement.sku": "replacement_sku",
    "replacement.quantity": "replacement_qty",
}
"""A line's field in the service's problems → the form field's prefix (``qty.<line id>``)."""
WHOLE_FIELDS = {
    "kind": "claim_kind",
    "resolution": "claim_resolution",
    "destination": "refund_to",
    "note": "note",
}


@dataclass
class ReturnAsk:
    """What the form asks for, line by line, and what it got wrong."""

    kind: AskKind
    lines: list[tuple[orders.OrderLine, int]] = field(default_factory=list)
    problems: list[FieldProblem] = field(default_factory=list)

    def field_for(self, path: str) -> str | None:
        head, _, rest = path.partition(".")
        index, _, tail = rest.partition(".")
        if head == "lines" and index.isdigit() and int(index) < len(self.lines):
            line_id = self.lines[int(index)][0].id
            return f"{LINE_FIELDS.get(tail, 'qty')}.{line_id}"
        if head == "evidence":
            return "evidence"
        return WHOLE_FIELDS.get(path)


def shipped_lines(order: orders.Order) -> list[orders.OrderLine]:
    """Lines with units that left: the ones a return (delivered units) or a claim (shipped
    units) may name."""
    return [line for line in order.lines if line.fulfilled_quantity > 0]


def read_ask(order: orders.Order, values: dict[str, str]) -> ReturnAsk:
    """The lines and units the form asks for (blank or 0: not this line)."""
    try:
        kind = AskKind(values.get("kind", ""))
    except ValueError:
        kind = AskKind.RETURN
        problem = FieldProblem("kind", "choose a return, an exchange or a claim")
        return ReturnAsk(kind, problems=[problem])
    ask = ReturnAsk(kind, problems=too_long(values, LIMITS))
    for line in shipped_lines(order):
        name = f"qty.{line.id}"
        raw = values.get(name, "")
        if raw in ("", "0"):
            continue
        try:
            units = int(raw)
        except ValueError:
            ask.problems.append(FieldProblem(name, "must be a whole number"))
            continue
        if not 1 <= units <= MAX_CLAIMED:
            ask.problems.append(FieldProblem(name, f"must be between 1 and {MAX_CLAIMED}"))
            continue
        ask.lines.append((line, units))
    if not ask.lines and not ask.problems:
        ask.problems.append(FieldProblem("lines", "name the units of at least one line"))
    return ask


def reasons(ask: ReturnAsk, values: dict[str, str]) -> list[AskedLine]:
    """Each asked line with its reason (a return's or an exchange's; claims have a kind)."""
    asked = []
    for line, units in ask.lines:
        name = f"reason.{line.id}"
        try:
            reason = ReturnReason(values.get(name, ""))
        except ValueError:
            reason = None
        if reason is None or reason not in RETURN_REASONS:
            ask.problems.append(FieldProblem(name, "choose why it comes back"))
            continue
        asked.append(AskedLine(line_id=line.id, quantity=units, reason=reason))
    return asked


def replacements(
    ask: ReturnAsk, asked: Sequence[AskedLine], values: dict[str, str]
) -> list[tuple[AskedLine, str, int]]:
    """Each exchanged line with the SKU and units going out in its place (every asked line
    is checked, also one whose reason is missing, so the form names all problems at once)."""
    chosen: dict[UUID, tuple[str, int]] = {}
    for line, units in ask.lines:
        sku_name, units_name = f"replacement_sku.{line.id}", f"replacement_qty.{line.id}"
        sku, raw = values.get(sku_name, ""), values.get(units_name, "")
        if not sku or len(sku) > SKU_LENGTH:
            ask.problems.append(
                FieldProblem(sku_name, f"name the replacement's SKU (at most {SKU_LENGTH})")
            )
            continue
        try:
            out = int(raw) if raw else units
        except ValueError:
            ask.problems.append(FieldProblem(units_name, "must be a whole number"))
            continue
        if not 1 <= out <= MAX_CLAIMED:
            ask.problems.append(FieldProblem(units_name, f"must be between 1 and {MAX_CLAIMED}"))
            continue
        chosen[line.id] = (sku, out)
    return [(line, *chosen[line.line_id]) for line in asked if line.line_id in chosen]


@dataclass(frozen=True)
class ClaimChoice:
    kind: ClaimKind
    resolution: ClaimResolution
    destination: payments.RefundDestination


def claim_choice(ask: ReturnAsk, values: dict[str, str]) -> ClaimChoice | None:
    """What was claimed, and how the customer is made whole."""
    kind = _choice(ask, values, "claim_kind", ClaimKind, "choose what happened")
    resolution = _choice(
        ask, values, "claim_resolution", ClaimResolution, "choose a refund or a reship"
    )
    destination = _choice(
        ask, values, "refund_to", payments.RefundDestination, "choose where the money goes"
    )
    if kind is None or resolution is None or destination is None:
        return None
    return ClaimChoice(kind, resolution, destination)


def _choice(
    ask: ReturnAsk, values: dict[str, str], name: str, kind: type[E], message: str
) -> E | None:
    try:
        return kind(values.get(name, ""))
    except ValueError:
        ask.problems.append(FieldProblem(name, message))
        return None


def claimed_units(ask: ReturnAsk) -> dict[UUID, int]:
    return {line.id: units for line, units in ask.lines}
