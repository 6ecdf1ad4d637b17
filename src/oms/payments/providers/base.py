"""The one interface every tender goes through: card, bank transfer, marketplace, till, credit.

Services call a provider only OUTSIDE any database transaction, after committing the pending
transaction it is about (the two-step rule), and always pass ``transaction.id`` as the
provider's idempotency key: asking again after a crash (``retrieve``, or the same call again)
moves the money at most once. A provider answers with a ``ProviderOutcome``; it raises only
when it could not get an answer at all (the transaction then stays pending for the sweeper).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from oms.payments.domain import Payment, PaymentTransaction, ProviderName, ProviderOutcome


@dataclass(frozen=True, slots=True, kw_only=True)
class AuthorizeRequest:
    """A new tender's authorisation: the payment, its pending ``authorize`` transaction and
    what the tender came with (``payment_intent``, ``payment_method``, ``method``, a bank
    reference...)."""

    payment: Payment
    transaction: PaymentTransaction
    details: Mapping[str, Any] = field(default_factory=dict)


class PaymentProvider(Protocol):
    """A payment provider. ``name`` is the tender kind it serves."""

    name: ProviderName

    def authorize(self, request: AuthorizeRequest) -> ProviderOutcome:
        """Authorise (or, for a PaymentIntent the customer confirmed, look up) the tender."""
        ...

    def capture(self, payment: Payment, transaction: PaymentTransaction) -> ProviderOutcome:
        """Capture ``transaction.amount`` of the authorisation. A provider that captures an
        authorisation only once (Stripe) answers ``final=True``: the ledger then records the
        rest as released and allows no further capture."""
        ...

    def void(self, payment: Payment, transaction: PaymentTransaction) -> ProviderOutcome:
        """Release the authorisation (nothing captured)."""
        ...

    def refund(self, payment: Payment, transaction: PaymentTransaction) -> ProviderOutcome:
        """Give ``transaction.amount`` of the captured money back."""
        ...

    def retrieve(self, payment: Payment, transaction: PaymentTransaction) -> ProviderOutcome:
        """What became of a transaction left pending (a process died between the two steps):
        the sweeper asks this. A provider that cannot look a movement up by our id repeats
        the call with the same idempotency key, which its idempotency makes safe."""
        ...


class ProviderUnavailable(Exception):
    """The provider gave no answer (network, outage): the transaction stays pending and the
    sweeper asks again later. Not a domain error: nothing about the request was wrong."""
