"""A provider's settlement statement as oms reads it: one line per balance movement.

Whatever the file's format (Stripe's itemized payout reconciliation report, the generic CSV),
it becomes a ``Statement`` of ``StatementLine`` values with amounts signed as they moved the
provider's balance: a charge is positive, a refund or a chargeback negative, a fee the provider
kept is a positive ``fee``. Matching then needs to know nothing about formats.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from oms.shared.money import Money


class StatementFormat(StrEnum):
    """The file formats oms reads (``--provider`` on the command line, ``provider`` in the API)."""

    STRIPE = "stripe"
    """Stripe's itemized payout reconciliation report (``payout_reconciliation.itemized.*``)."""
    GENERIC = "generic"
    """oms's documented CSV for every other provider (docs/reconciliation.md)."""


class LineKind(StrEnum):
    """What a line settles: a ledger movement oms should know, or money only the provider knows."""

    CAPTURE = "capture"
    REFUND = "refund"
    CHARGEBACK = "chargeback"
    CHARGEBACK_REVERSAL = "chargeback_reversal"
    FEE = "fee"
    """The provider's own charges (monthly fees, network costs): part of the fees total."""
    OTHER = "other"
    """Adjustments, transfers, failed refunds...: counted in the payout as the file says."""

    @property
    def matched_in_ledger(self) -> bool:
        """Whether oms's ledger has a transaction of this kind to match the line with."""
        return self not in (LineKind.FEE, LineKind.OTHER)

    @property
    def leaves_balance(self) -> bool:
        """Refunds and chargebacks take money out of the balance: their gross is negative."""
        return self in (LineKind.REFUND, LineKind.CHARGEBACK)


@dataclass(frozen=True, slots=True, kw_only=True)
class StatementLine:
    """One movement of a settlement file.

    ``references`` are the provider's ids that may name the oms transaction or its payment, most
    specific first (a refund id before its PaymentIntent id). ``presented`` is what the customer
    was charged when the provider settled in another currency (Stripe's customer-facing amount).
    """

    line: int
    kind: LineKind
    category: str
    references: tuple[str, ...]
    gross: Money
    fee: Money
    net: Money
    payout_id: str | None = None
    settled_at: datetime | None = None
    presented: Money | None = None
    description: str | None = None

    @property
    def reference(self) -> str | None:
        """The most specific reference, the one reports show."""
        return self.references[0] if self.references else None


@dataclass(frozen=True, slots=True, kw_only=True)
class Statement:
    """A whole settlement file: its format, the provider whose ledger it settles, its lines."""

    format: StatementFormat
    provider: str
    lines: tuple[StatementLine, ...]
