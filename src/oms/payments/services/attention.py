"""Payments that need finance: failed captures and refunds, card authorisations about to lapse,
manual tenders whose money has not arrived.

A card authorisation lapses at the card network after about seven days (Stripe's own hold on
an uncaptured PaymentIntent); oms does not know the exact hour, so a tender still only
authorised ``LAPSE_WARNING`` after its authorisation is listed, and one past
``AUTHORISATION_LIFETIME`` is shown as probably lapsed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from oms.payments.domain import ProviderName, TransactionKind
from oms.payments.repository.attention import PAYMENT_ATTENTION, PaymentConcern
from oms.platform.unit_of_work import UnitOfWork

__all__ = [
    "AUTHORISATION_LIFETIME",
    "FAILURES_SINCE",
    "LAPSE_WARNING",
    "Attention",
    "PaymentConcern",
    "payments_needing_attention",
]

AUTHORISATION_LIFETIME = timedelta(days=7)
LAPSE_WARNING = timedelta(days=5)
LAPSED_LOOKBACK = timedelta(days=30)
"""Authorisations older than this are not looked for (long lapsed; the order page shows them)."""
FAILURES_SINCE = timedelta(days=30)


@dataclass(frozen=True, slots=True, kw_only=True)
class Attention:
    """Each list newest (failures) or most urgent (authorisations, transfers) first."""

    failed_captures: tuple[PaymentConcern, ...]
    failed_refunds: tuple[PaymentConcern, ...]
    lapsing_authorisations: tuple[PaymentConcern, ...]
    awaiting_manual: tuple[PaymentConcern, ...]


def payments_needing_attention(*, uow: UnitOfWork, limit: int = 25) -> Attention:
    """What finance should act on now, each list bounded by ``limit``."""
    with uow.read() as tx:
        found = tx.repo(PAYMENT_ATTENTION)
        since = tx.now - FAILURES_SINCE
        return Attention(
            failed_captures=tuple(found.failed(TransactionKind.CAPTURE, since=since, limit=limit)),
            failed_refunds=tuple(found.failed(TransactionKind.REFUND, since=since, limit=limit)),
            lapsing_authorisations=tuple(
                found.lapsing(
                    oldest=tx.now - LAPSED_LOOKBACK, newest=tx.now - LAPSE_WARNING, limit=limit
                )
            ),
            awaiting_manual=tuple(found.awaiting(ProviderName.MANUAL.value, limit=limit)),
        )
