"""Matching a settlement statement against oms's ledger: what agrees, what does not, and why.

Every line that settles a ledger movement (a capture, refund, chargeback or its reversal) is
looked up by the provider's references, most specific first: a transaction whose own provider
reference is on the line (a Stripe refund ``re_...``), else the payment the line names (a
PaymentIntent ``pi_...``, a charge ``ch_...`` recorded on one of its transactions) and that
payment's not yet matched transactions of the line's kind. A capture line is compared with all
of them together (Stripe settles one charge per PaymentIntent however oms recorded it); any
other line with the one of equal amount, else the oldest.

Outcomes: ``matched``; ``missing_in_oms`` (nothing in oms, or what it names was already settled
by an earlier line of this file); ``amount_mismatch``; ``currency_mismatch`` (settled in another
currency with no customer-facing amount in oms's currency to compare). Captures that no file has
settled within ``older_than`` of being made are ``not_settled``. Per payout: gross, fees (the
``fee`` of every line plus fee lines), the net the file pays and the net oms expected (the ledger's
amount less the file's fee for each line oms knows, the file's own net for fee and other lines,
nothing for lines oms does not know), so a payout's difference is explained line by line.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID

from oms.payments.settlements.domain.statement import LineKind, Statement, StatementLine
from oms.shared.money import Money


class ExceptionKind(StrEnum):
    MISSING_IN_OMS = "missing_in_oms"
    NOT_SETTLED = "not_settled"
    AMOUNT_MISMATCH = "amount_mismatch"
    CURRENCY_MISMATCH = "currency_mismatch"


@dataclass(frozen=True, slots=True, kw_only=True)
class LedgerEntry:
    """A succeeded ledger transaction of the provider, with what names it at the provider."""

    transaction_id: UUID
    payment_id: UUID
    order_id: UUID
    kind: LineKind
    amount: Money
    """Never negative: the kind says which way the money went."""
    reference: str | None
    """The transaction's own provider reference (a refund id, a charge id...)."""
    payment_reference: str | None
    """The payment's provider reference (a PaymentIntent id...)."""
    succeeded_at: datetime
    """When oms recorded it as succeeded (a capture: when the money was taken)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Discrepancy:
    """One exception of a run: a line of the file, or a capture no file has settled."""

    kind: ExceptionKind
    detail: str
    line: int | None = None
    reference: str | None = None
    payout_id: str | None = None
    in_file: Money | None = None
    in_oms: Money | None = None
    transaction_id: UUID | None = None
    payment_id: UUID | None = None
    order_id: UUID | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class PayoutTotals:
    """One payout of the file in one currency (``payout_id`` None: lines of no payout)."""

    payout_id: str | None
    currency: str
    lines: int
    gross: Money
    fees: Money
    net: Money
    expected_net: Money

    @property
    def difference(self) -> Money:
        """What the file pays beyond what oms expected (negative: less than expected)."""
        return self.net - self.expected_net


@dataclass(frozen=True, slots=True, kw_only=True)
class Reconciliation:
    """The outcome of matching one statement."""

    lines: int
    matched: int
    discrepancies: tuple[Discrepancy, ...]
    payouts: tuple[PayoutTotals, ...]
    settled: Mapping[UUID, str | None]
    """Ledger transactions this file settles (matched or not), with the payout of each: they
    are no longer unsettled."""

    def count(self, kind: ExceptionKind) -> int:
        return sum(1 for found in self.discrepancies if found.kind is kind)


def reconcile(
    statement: Statement,
    ledger: Iterable[LedgerEntry],
    *,
    settled_before: frozenset[UUID],
    now: datetime,
    older_than: timedelta,
    on_line: Callable[[], None] | None = None,
) -> Reconciliation:
    """Match every line of ``statement`` against ``ledger`` (the provider's succeeded
    transactions) and find the captures older than ``older_than`` that neither this file nor an
    earlier one (``settled_before``) settled."""
    book = _Book(ledger)
    payouts: dict[tuple[str | None, str], _Payout] = {}
    discrepancies: list[Discrepancy] = []
    matched = 0
    for line in statement.lines:
        payout = payouts.setdefault(
            (line.payout_id, line.gross.currency), _Payout(line.payout_id, line.gross.currency)
        )
        found, expected_net = _settle(line, book)
        payout.add(line, expected_net)
        if found is None:
            matched += line.kind.matched_in_ledger
        else:
            discrepancies.append(found)
        if on_line is not None:
            on_line()
    discrepancies.extend(_unsettled(book, settled_before, now - older_than, older_than))
    return Reconciliation(
        lines=len(statement.lines),
        matched=matched,
        discrepancies=tuple(discrepancies),
        payouts=tuple(p.totals() for p in payouts.values()),
        settled=dict(book.payouts),
    )


def _unsettled(
    book: _Book, settled_before: frozenset[UUID], cutoff: datetime, older_than: timedelta
) -> list[Discrepancy]:
    """Captures made before ``cutoff`` that neither this file nor an earlier one settled."""
    return [
        _not_settled(entry, older_than)
        for entry in book.entries
        if entry.kind is LineKind.CAPTURE
        and entry.succeeded_at <= cutoff
        and entry.transaction_id not in book.taken
        and entry.transaction_id not in settled_before
    ]


class _Book:
    """The ledger indexed by the provider's references, and what lines have taken from it."""

    def __init__(self, ledger: Iterable[LedgerEntry]) -> None:
        self.entries = sorted(ledger, key=lambda e: (e.succeeded_at, e.transaction_id))
        self.by_reference: dict[tuple[LineKind, str], list[LedgerEntry]] = defaultdict(list)
        self.payment_by_reference: dict[str, UUID] = {}
        self.by_payment: dict[UUID, list[LedgerEntry]] = defaultdict(list)
        for entry in self.entries:
            self.by_payment[entry.payment_id].append(entry)
            if entry.reference:
                self.by_reference[entry.kind, entry.reference].append(entry)
                self.payment_by_reference.setdefault(entry.reference, entry.payment_id)
            if entry.payment_reference:
                self.payment_by_reference[entry.payment_reference] = entry.payment_id
        self.taken: dict[UUID, int] = {}
        self.payouts: dict[UUID, str | None] = {}

    def find(self, line: StatementLine) -> tuple[list[LedgerEntry], int | None]:
        """The entries ``line`` settles, or none and the line that already took them."""
        earlier: int | None = None
        for reference in line.references:
            named = self.by_reference.get((line.kind, reference), [])
            free = [e for e in named if e.transaction_id not in self.taken]
            if free:
                return free, None
            earlier = earlier or next((self.taken[e.transaction_id] for e in named), None)
        for reference in line.references:
            payment = self.payment_by_reference.get(reference)
            if payment is None:
                continue
            same_kind = [e for e in self.by_payment[payment] if e.kind is line.kind]
            free = [e for e in same_kind if e.transaction_id not in self.taken]
            if free:
                return _pick(line, free), None
            earlier = earlier or next((self.taken[e.transaction_id] for e in same_kind), None)
        return [], earlier

    def take(self, entries: Sequence[LedgerEntry], line: StatementLine) -> None:
        for entry in entries:
            self.taken[entry.transaction_id] = line.line
            self.payouts[entry.transaction_id] = line.payout_id


def _pick(line: StatementLine, free: list[LedgerEntry]) -> list[LedgerEntry]:
    """A capture settles all of its payment's captures; anything else the entry of its amount,
    else the oldest."""
    if line.kind is LineKind.CAPTURE:
        return free
    size = abs(line.gross.amount)
    return [next((e for e in free if e.amount.amount == size), free[0])]


def _settle(line: StatementLine, book: _Book) -> tuple[Discrepancy | None, Money]:
    """The line's exception (None when it matches or is no ledger movement) and the net oms
    expected of it."""
    if not line.kind.matched_in_ledger:
        return None, line.net
    entries, earlier = book.find(line)
    if not entries:
        why = (
            f"what it names was already settled by line {earlier}"
            if earlier is not None
            else f"no {line.kind.value} in oms has the reference {' or '.join(line.references)}"
        )
        missing = _discrepancy(ExceptionKind.MISSING_IN_OMS, line, why, in_file=line.gross)
        return missing, Money.zero(line.gross.currency)
    book.take(entries, line)
    return _compare(line, entries)


def _compare(line: StatementLine, entries: list[LedgerEntry]) -> tuple[Discrepancy | None, Money]:
    """Compare a line with the entries it settles, in the file's currency when oms's is the
    same, else with the customer-facing amount when the file gives one in oms's currency."""
    total = sum((e.amount for e in entries[1:]), entries[0].amount)
    expected = -total if line.kind.leaves_balance else total
    first = entries[0]
    if expected.currency == line.gross.currency:
        if line.gross == expected:
            return None, line.net
        return _mismatch(line, first, line.gross, expected), expected - line.fee
    presented = line.presented
    if presented is not None and presented.currency == expected.currency:
        size = Money(abs(presented.amount), presented.currency)
        shown = -size if line.kind.leaves_balance else size
        found = None if shown == expected else _mismatch(line, first, shown, expected)
        return found, line.net
    found = _discrepancy(
        ExceptionKind.CURRENCY_MISMATCH,
        line,
        f"settled in {line.gross.currency}, recorded in oms in {expected.currency}",
        in_file=line.gross,
        in_oms=expected,
        entry=first,
    )
    return found, line.net


def _mismatch(
    line: StatementLine, entry: LedgerEntry, in_file: Money, in_oms: Money
) -> Discrepancy:
    return _discrepancy(
        ExceptionKind.AMOUNT_MISMATCH,
        line,
        f"the file says {in_file}, oms recorded {in_oms} (difference {in_file - in_oms})",
        in_file=in_file,
        in_oms=in_oms,
        entry=entry,
    )


def _discrepancy(
    kind: ExceptionKind,
    line: StatementLine,
    detail: str,
    *,
    in_file: Money | None = None,
    in_oms: Money | None = None,
    entry: LedgerEntry | None = None,
) -> Discrepancy:
    return Discrepancy(
        kind=kind,
        detail=f"{line.category} on line {line.line}: {detail}",
        line=line.line,
        reference=line.reference,
        payout_id=line.payout_id,
        in_file=in_file,
        in_oms=in_oms,
        transaction_id=entry.transaction_id if entry else None,
        payment_id=entry.payment_id if entry else None,
        order_id=entry.order_id if entry else None,
    )


def _not_settled(entry: LedgerEntry, older_than: timedelta) -> Discrepancy:
    return Discrepancy(
        kind=ExceptionKind.NOT_SETTLED,
        detail=(
            f"capture of {entry.amount} on {entry.succeeded_at:%Y-%m-%d} is in no settlement "
            f"file after {older_than.days} days"
        ),
        reference=entry.reference or entry.payment_reference,
        in_oms=entry.amount,
        transaction_id=entry.transaction_id,
        payment_id=entry.payment_id,
        order_id=entry.order_id,
    )


@dataclass
class _Payout:
    """Running sums of one payout while its lines are matched."""

    payout_id: str | None
    currency: str
    lines: int = 0
    sums: dict[str, Money] = field(default_factory=dict)

    def add(self, line: StatementLine, expected_net: Money) -> None:
        self.lines += 1
        fee_line = line.kind is LineKind.FEE
        self._add("gross", Money.zero(self.currency) if fee_line else line.gross)
        self._add("fees", line.fee - line.gross if fee_line else line.fee)
        self._add("net", line.net)
        self._add("expected_net", expected_net)

    def _add(self, name: str, amount: Money) -> None:
        self.sums[name] = self._sum(name) + amount

    def _sum(self, name: str) -> Money:
        return self.sums.get(name, Money.zero(self.currency))

    def totals(self) -> PayoutTotals:
        return PayoutTotals(
            payout_id=self.payout_id,
            currency=self.currency,
            lines=self.lines,
            gross=self._sum("gross"),
            fees=self._sum("fees"),
            net=self._sum("net"),
            expected_net=self._sum("expected_net"),
        )
