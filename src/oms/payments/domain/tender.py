"""A tender: one payment of an order, with its ledger of transactions; the only way it changes.

A payment's status is derived from its transactions, and what may be begun in each status is
one table, ``PAYMENT_LIFECYCLE`` (the target is the status once the transaction succeeds):

| status \\ kind | capture  | void   | refund   | chargeback | chargeback_reversal |
| -------------- | -------- | ------ | -------- | ---------- | ------------------- |
| authorizing    |          | voided |          |            |                     |
| authorized     | captured | voided |          |            |                     |
| captured       | captured |        | captured | captured   | captured            |
| failed, voided |          |        |          |            |                     |

``authorize`` is begun only by ``Payment.open``. Past the table, ``begin`` checks the amounts,
counting transactions still pending: a capture above ``capturable``, a refund above
``refundable``, a void once anything is captured (or a capture is in flight) are refused. So
captured <= authorised and refunded <= captured hold whatever the providers answer later.

**A final capture releases the rest.** Some providers capture an authorisation once: Stripe
captures a PaymentIntent a single time and gives the rest of the hold back to the card. Their
capture answers say ``final``; settling one records the rest of the authorisation as a
succeeded ``void`` of that amount (reason ``RELEASED_BY_CAPTURE``, the capture's reference and
actor), closes any other capture still open as failed (the provider refuses it), and so
``released`` shows the amount and ``capturable`` is zero. The tender stays ``captured`` (a void
after a capture is a release, not the tender voided). Providers answering without ``final``
(manual, till) keep allowing captures up to what is authorised. In short:
authorised = captured + released + capturable.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from oms.payments.domain import records
from oms.payments.domain.errors import (
    AmountAboveCapturable,
    AmountAboveRefundable,
    MovementInFlight,
    NothingToCapture,
    ProviderAnswerDoesNotFit,
    TransactionNotFound,
    VoidAfterCapture,
)
from oms.payments.domain.ledger import (
    PaymentTransaction,
    ProviderOutcome,
    TransactionKind,
    TransactionStatus,
)
from oms.shared.errors import Invalid
from oms.shared.events import Event
from oms.shared.ids import new_id
from oms.shared.money import Money
from oms.shared.state_machine import StateMachine

RELEASED_BY_CAPTURE = "released_by_final_capture"
"""The reason code of the void that records what a final capture left of an authorisation."""


class ProviderName(StrEnum):
    STRIPE = "stripe"
    MANUAL = "manual"
    """Bank transfer, cash on delivery, pay by invoice: awaited until marked received."""
    MARKETPLACE = "marketplace"
    """Collected by the marketplace and paid out by it."""
    POS = "pos"
    """Taken at the till."""
    STORE_CREDIT = "store_credit"


class TenderStatus(StrEnum):
    AUTHORIZING = "authorizing"
    """The authorisation is pending or waits for the customer (3-D Secure, a bank transfer)."""
    FAILED = "failed"
    AUTHORIZED = "authorized"
    CAPTURED = "captured"
    """Some money captured; refunds and chargebacks happen from here."""
    VOIDED = "voided"


K, S = TransactionKind, TenderStatus
PAYMENT_LIFECYCLE: StateMachine[TenderStatus, TransactionKind] = StateMachine(
    "payment",
    {
        (S.AUTHORIZING, K.VOID): S.VOIDED,
        (S.AUTHORIZED, K.CAPTURE): S.CAPTURED,
        (S.AUTHORIZED, K.VOID): S.VOIDED,
        (S.CAPTURED, K.CAPTURE): S.CAPTURED,
        (S.CAPTURED, K.REFUND): S.CAPTURED,
        (S.CAPTURED, K.CHARGEBACK): S.CAPTURED,
        (S.CAPTURED, K.CHARGEBACK_REVERSAL): S.CAPTURED,
    },
)
"""What may be begun (or reported by the provider) in each status; see the module docstring."""


@dataclass(frozen=True, slots=True, kw_only=True)
class NewTender:
    """What a new payment is: for which order, through which provider, for how much."""

    order_id: UUID
    channel: str
    customer_id: UUID | None
    provider: ProviderName
    method: str | None
    amount: Money
    provider_reference: str | None = None
    capture_at_once: bool = False


@dataclass(slots=True, kw_only=True)
class Payment:
    id: UUID
    order_id: UUID
    channel: str
    customer_id: UUID | None
    provider: ProviderName
    method: str | None
    currency: str
    amount: Money
    """What this tender is for (what the provider authorised, once it has)."""
    provider_reference: str | None
    transactions: tuple[PaymentTransaction, ...]
    version: int
    created_at: datetime
    capture_at_once: bool = False
    """Capture everything authorised as soon as the authorisation succeeds (the till, a
    marketplace, store credit, a channel capturing at placement)."""
    events: list[Event] = field(default_factory=list, compare=False, repr=False)
    """Recorded since the payment was loaded; the service hands them to the transaction."""

    # -- opening ---------------------------------------------------------------------------

    @classmethod
    def open(
        cls, tender: NewTender, *, actor: str, at: datetime
    ) -> tuple[Payment, PaymentTransaction]:
        """A new tender with its authorisation begun (pending): the first of the two steps."""
        _positive(tender.amount)
        payment = cls(
            **{f.name: getattr(tender, f.name) for f in fields(tender)},
            id=new_id(),
            currency=tender.amount.currency,
            transactions=(),
            version=1,
            created_at=at,
        )
        return payment, payment._append(TransactionKind.AUTHORIZE, tender.amount, actor, at)

    # -- reading ---------------------------------------------------------------------------

    def _sum(self, kind: TransactionKind, *, pending: bool = False) -> Money:
        total = Money.zero(self.currency)
        for t in self.transactions:
            if t.kind is kind and (t.succeeded or (pending and t.open)):
                total += t.amount
        return total

    @property
    def authorized(self) -> Money:
        return self._sum(TransactionKind.AUTHORIZE)

    @property
    def captured(self) -> Money:
        return self._sum(TransactionKind.CAPTURE)

    @property
    def refunded(self) -> Money:
        return self._sum(TransactionKind.REFUND)

    @property
    def charged_back(self) -> Money:
        """Taken back by disputes, less what won disputes returned."""
        return self._sum(TransactionKind.CHARGEBACK) - self._sum(
            TransactionKind.CHARGEBACK_REVERSAL
        )

    @property
    def released(self) -> Money:
        """The authorisation given back: by a void of the tender, or what a final capture left
        (see the module docstring)."""
        return self._sum(TransactionKind.VOID)

    @property
    def voided(self) -> bool:
        """The tender was voided: a void succeeded and nothing was captured (a release after
        a final capture leaves the tender captured)."""
        return self.captured.amount == 0 and any(
            t.kind is TransactionKind.VOID and t.succeeded for t in self.transactions
        )

    @property
    def capturable(self) -> Money:
        """Authorised, less captured, less released (zero once voided or finally captured)."""
        zero = Money.zero(self.currency)
        if self.voided:
            return zero
        return max_money(self.authorized - self.captured - self.released, zero)

    @property
    def refundable(self) -> Money:
        return self.captured - self.refunded - self.charged_back

    @property
    def status(self) -> TenderStatus:
        if self.voided:
            return TenderStatus.VOIDED
        if self.captured.amount > 0:
            return TenderStatus.CAPTURED
        authorizations = [t for t in self.transactions if t.kind is TransactionKind.AUTHORIZE]
        if any(t.succeeded for t in authorizations):
            return TenderStatus.AUTHORIZED
        if any(t.open for t in authorizations):
            return TenderStatus.AUTHORIZING
        return TenderStatus.FAILED

    @property
    def open_transactions(self) -> tuple[PaymentTransaction, ...]:
        return tuple(t for t in self.transactions if t.open)

    def transaction(self, transaction_id: UUID) -> PaymentTransaction:
        for t in self.transactions:
            if t.id == transaction_id:
                return t
        raise TransactionNotFound(str(self.id), str(transaction_id))

    def drain_events(self) -> list[Event]:
        """The events recorded so far, handed over once (the service records them on save)."""
        drained, self.events = self.events, []
        return drained

    # -- the first step: begin -------------------------------------------------------------

    def begin(
        self,
        kind: TransactionKind,
        amount: Money | None,
        *,
        actor: str,
        at: datetime,
        reason: str | None = None,
    ) -> PaymentTransaction:
        """Begin a movement (pending) if the lifecycle and the amounts allow it; the provider
        is asked after this is committed, with the transaction's id as idempotency key."""
        PAYMENT_LIFECYCLE.next(self.status, kind)
        if amount is not None:
            self._same_currency(amount)
            _positive(amount)
        if kind is TransactionKind.CAPTURE:
            amount = self._check_capture(amount)
        elif kind is TransactionKind.REFUND:
            amount = self._check_refund(amount)
        elif kind is TransactionKind.VOID:
            amount = self._check_void()
        else:
            amount = self._check_chargeback(kind, amount)
        return self._append(kind, amount, actor, at, reason=reason)

    def _in_flight(self, *kinds: TransactionKind) -> PaymentTransaction | None:
        """The first transaction of ``kinds`` still waiting for the provider's answer."""
        return next(
            (
                t
                for t in self.transactions
                if t.kind in kinds and t.status is TransactionStatus.PENDING
            ),
            None,
        )

    def _check_capture(self, amount: Money | None) -> Money:
        left = self.capturable - self._sum(TransactionKind.CAPTURE, pending=True) + self.captured
        if amount is None:
            if left.amount <= 0:
                raise NothingToCapture(str(self.id))
            return left
        if left < amount:
            raise AmountAboveCapturable(amount, max_money(left, Money.zero(self.currency)))
        return amount

    def _check_refund(self, amount: Money | None) -> Money:
        if amount is None:
            raise Invalid("say how much to refund", field="amount")
        left = self.refundable - self._sum(TransactionKind.REFUND, pending=True) + self.refunded
        if left < amount:
            raise AmountAboveRefundable(amount, max_money(left, Money.zero(self.currency)))
        return amount

    def _check_void(self) -> Money:
        if any(t.kind is TransactionKind.CAPTURE and t.open for t in self.transactions):
            raise VoidAfterCapture(str(self.id))
        in_flight = self._in_flight(TransactionKind.AUTHORIZE, TransactionKind.VOID)
        if in_flight is not None:
            raise MovementInFlight(str(self.id), in_flight.kind.value)
        return self.authorized

    def _check_chargeback(self, kind: TransactionKind, amount: Money | None) -> Money:
        """A dispute takes back at most what is captured and not refunded; a won dispute
        returns at most what disputes took."""
        if amount is None:
            raise Invalid("say how much", field="amount")
        limit = self.refundable if kind is TransactionKind.CHARGEBACK else self.charged_back
        if limit < amount:
            raise ProviderAnswerDoesNotFit(
                str(self.id), f"a {kind.value} of {amount} exceeds the {limit} it can concern"
            )
        return amount

    def _append(
        self,
        kind: TransactionKind,
        amount: Money,
        actor: str,
        at: datetime,
        *,
        status: TransactionStatus = TransactionStatus.PENDING,
        reason: str | None = None,
    ) -> PaymentTransaction:
        begun = PaymentTransaction(
            id=new_id(),
            payment_id=self.id,
            kind=kind,
            amount=amount,
            status=status,
            provider_reference=None,
            failure_code=None,
            failure_message=None,
            actor=actor,
            created_at=at,
            reason=reason,
        )
        self.transactions = (*self.transactions, begun)
        self.version += 1
        return begun

    # -- the second step: settle -----------------------------------------------------------

    def settle(
        self, transaction_id: UUID, outcome: ProviderOutcome, *, at: datetime
    ) -> PaymentTransaction | None:
        """Record the provider's answer for an open transaction. Idempotent: an answer for a
        transaction already final, a ``pending`` answer, or the same ``requires_action`` again
        changes nothing and returns None; otherwise the transaction as settled."""
        current = self.transaction(transaction_id)
        if not current.open or outcome.status is TransactionStatus.PENDING:
            return None
        if outcome.status is current.status:
            return None
        amount = self._settled_amount(current, outcome)
        settled = current.settled(outcome, amount, at)
        self._replace(settled)
        if settled.kind is TransactionKind.AUTHORIZE and settled.succeeded:
            self.amount = amount
            if self.provider_reference is None:
                self.provider_reference = settled.provider_reference
        if settled.kind is TransactionKind.VOID and settled.succeeded:
            self._close_authorizations(at)
        self._record(settled, at)
        if settled.kind is TransactionKind.CAPTURE and settled.succeeded and outcome.final:
            self._release_rest(settled, at)
        return settled

    def record(
        self,
        kind: TransactionKind,
        outcome: ProviderOutcome,
        *,
        actor: str,
        at: datetime,
        reason: str | None = None,
    ) -> PaymentTransaction:
        """Append a movement the provider made on its own (a dispute, a refund from its
        dashboard), already settled; the same table and amount rules as ``begin``."""
        if outcome.amount is None:
            raise ProviderAnswerDoesNotFit(str(self.id), f"a reported {kind.value} has no amount")
        begun = self.begin(kind, outcome.amount, actor=actor, at=at, reason=reason)
        settled = self.settle(begun.id, outcome, at=at)
        return settled or begun

    def _settled_amount(self, current: PaymentTransaction, outcome: ProviderOutcome) -> Money:
        """What the provider moved: any amount for an authorisation (it decides what it
        holds), at most what was asked for anything else."""
        amount = outcome.amount or current.amount
        if amount.currency != self.currency:
            raise ProviderAnswerDoesNotFit(str(self.id), f"answered in {amount.currency}")
        if current.kind is not TransactionKind.AUTHORIZE and current.amount < amount:
            raise ProviderAnswerDoesNotFit(
                str(self.id), f"moved {amount} for a {current.kind.value} of {current.amount}"
            )
        return amount

    def _replace(self, settled: PaymentTransaction) -> None:
        self.transactions = tuple(settled if t.id == settled.id else t for t in self.transactions)
        self.version += 1

    def _close_authorizations(self, at: datetime) -> None:
        """A voided tender waits for nothing more: an authorisation still waiting for the
        customer is closed as failed, so no late answer can revive it."""
        for t in self.transactions:
            if t.kind is TransactionKind.AUTHORIZE and t.open:
                closed = ProviderOutcome(
                    status=TransactionStatus.FAILED,
                    reference=None,
                    failure_code="voided",
                    failure_message="the tender was voided before it was authorised",
                )
                self._replace(t.settled(closed, t.amount, at))

    def _release_rest(self, capture: PaymentTransaction, at: datetime) -> None:
        """A final capture closed the authorisation: other captures still open are closed as
        failed (the provider refuses them), and the rest is recorded as released, a succeeded
        void of it (see the module docstring)."""
        for t in self.transactions:
            if t.kind is TransactionKind.CAPTURE and t.open:
                closed = ProviderOutcome(
                    status=TransactionStatus.FAILED,
                    reference=capture.provider_reference,
                    failure_code="authorization_closed",
                    failure_message="an earlier capture was final: the rest was released",
                )
                self._replace(t.settled(closed, t.amount, at))
                self._record(self.transaction(t.id), at)
        rest = self.authorized - self.captured - self.released
        if rest.amount <= 0:
            return
        released = self._append(
            TransactionKind.VOID, rest, capture.actor, at, reason=RELEASED_BY_CAPTURE
        )
        done = ProviderOutcome(
            status=TransactionStatus.SUCCEEDED, reference=capture.provider_reference
        )
        self._replace(released.settled(done, rest, at))
        self._record(self.transaction(released.id), at)

    def _record(self, settled: PaymentTransaction, at: datetime) -> None:
        event = records.event_for(self, settled, at)
        if event is not None:
            self.events.append(event)

    def _same_currency(self, amount: Money) -> None:
        if amount.currency != self.currency:
            raise Invalid(f"the payment is in {self.currency}", field="amount.currency")


def _positive(amount: Money) -> None:
    if amount.amount <= 0:
        raise Invalid("must be positive", field="amount")


def max_money(a: Money, b: Money) -> Money:
    return b if a < b else a
