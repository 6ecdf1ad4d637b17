"""The demo merchant's payments, and the Stripe payout file that settles its card payments.

Every open demo order gets a tender as its channel takes money: the web shop, app, call centre
and kiosk mostly by card through Stripe (captured, one in four partly refunded), one in four of
the web, app and call-centre orders by bank transfer that has not arrived yet; the marketplace
collects for its orders; the Paris till takes cash. Card payments are history imported through
``import_payment`` (the ledger's own rules, events and order figures, and no call to Stripe,
which a demo cannot reach); the other tenders go through their providers as live ones would
(those providers are local: calling them inside the loader's one transaction waits on no network).

Stripe's itemized payout reconciliation report for the card payments is written beside them,
with ONE planted mismatch: the third card order's charge is 1.00 more in the file than oms
captured. ``oms payments reconcile demo/settlement-stripe.csv --provider stripe`` finds it.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

from oms import orders, payments
from oms.orders.repository import OrderFilter
from oms.orders.services import list_orders
from oms.payments.domain import ProviderName, TransactionKind
from oms.payments.domain.refund_policy import RefundLimit, RefundReason
from oms.payments.providers.manual import ManualProvider
from oms.payments.providers.marketplace import MarketplaceProvider
from oms.payments.providers.pos import PosProvider
from oms.payments.services.goodwill import set_refund_limits, set_refund_reasons
from oms.payments.settlements.services import (
    ImportedMovement,
    ImportPayment,
    import_payment,
)
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.money import Money

ACTOR = "demo loader"
SETTLEMENT_FILE = "settlement-stripe.csv"
PLANTED_CARD = 3
"""The card payment (1-based) whose charge the file overstates."""
PLANTED_DIFFERENCE = Decimal("1.00")
CARD_CHANNELS = frozenset({"web", "app", "phone", "kiosk"})
BANK_TRANSFER_CHANNELS = frozenset({"web", "app", "phone"})
LINES_PER_PAYOUT = 12
LOCAL_PROVIDERS: dict[ProviderName, payments.PaymentProvider] = {
    ProviderName.MANUAL: ManualProvider(),
    ProviderName.MARKETPLACE: MarketplaceProvider(),
    ProviderName.POS: PosProvider(),
}
"""The providers of the demo's non-card tenders: none of them leaves the process."""
STRIPE_COLUMNS = (
    "automatic_payout_id",
    "automatic_payout_effective_at",
    "balance_transaction_id",
    "created_utc",
    "available_on_utc",
    "currency",
    "gross",
    "fee",
    "net",
    "reporting_category",
    "source_id",
    "description",
    "customer_facing_amount",
    "customer_facing_currency",
    "payment_intent_id",
    "charge_id",
    "payment_metadata[order_number]",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class CardPayment:
    """One demo card payment as Stripe knows it."""

    number: int
    order_number: str
    captured: Money
    refunded: Money | None
    at: datetime

    @property
    def intent(self) -> str:
        return f"pi_demo{self.number:04d}"

    @property
    def charge(self) -> str:
        return f"ch_demo{self.number:04d}"

    @property
    def refund(self) -> str:
        return f"re_demo{self.number:04d}"


@dataclass(kw_only=True)
class DemoPayments:
    """What the demo's tenders are, and the card payments the settlement file settles."""

    cards: list[CardPayment] = field(default_factory=list)
    bank_transfers: int = 0
    marketplace: int = 0
    till: int = 0

    def describe(self) -> str:
        refunded = sum(1 for card in self.cards if card.refunded is not None)
        return (
            f"{len(self.cards)} card payments ({refunded} partly refunded), "
            f"{self.bank_transfers} bank transfers awaited, {self.marketplace} marketplace "
            f"and {self.till} till payments"
        )


REFUND_REASONS = (
    RefundReason(code="late", description="The parcel arrived late"),
    RefundReason(code="damaged", description="Arrived damaged"),
    RefundReason(code="wrong_item", description="Not what was ordered"),
    RefundReason(code="price_match", description="Matched a lower price"),
    RefundReason(code="goodwill", description="A gesture of goodwill"),
)
REFUND_LIMITS = (
    RefundLimit(role="csr", limit=Money.of("50.00", "EUR")),
    RefundLimit(role="csr", limit=Money.of("50.00", "USD")),
)
"""Customer service refunds up to 50.00 on its own; above that, finance or an admin."""


def load(uow: UnitOfWork) -> DemoPayments:
    """Tenders for every open demo order, in order number order (deterministic), and the refund
    reasons and limits customer service works with."""
    set_refund_reasons(REFUND_REASONS, uow=uow)
    set_refund_limits(REFUND_LIMITS, uow=uow)
    paid = DemoPayments()
    with uow.begin() as tx:
        placed = list_orders(OrderFilter(), uow=uow, after=None, limit=10_000)
        for index, order in enumerate(sorted(placed, key=lambda o: o.number)):
            if order.status is orders.OrderStatus.CANCELLED:
                continue
            _pay(uow, order, index, paid, at=tx.now)
    return paid


def _pay(
    uow: UnitOfWork, order: orders.Order, index: int, paid: DemoPayments, *, at: datetime
) -> None:
    if order.channel in BANK_TRANSFER_CHANNELS and index % 4 == 3:
        _bank_transfer(uow, order)
        paid.bank_transfers += 1
    elif order.channel in CARD_CHANNELS:
        card = _card(order, len(paid.cards) + 1, at=at)
        _import_card(uow, order, card)
        paid.cards.append(card)
    elif order.channel == "marketplace":
        _marketplace(uow, order)
        paid.marketplace += 1
    elif order.channel == "pos":
        _till(uow, order)
        paid.till += 1


def _card(order: orders.Order, number: int, *, at: datetime) -> CardPayment:
    total = order.totals.total
    refunded = Money(total.amount / 5, total.currency) if number % 4 == 0 else None
    return CardPayment(
        number=number, order_number=order.number, captured=total, refunded=refunded, at=at
    )


def _import_card(uow: UnitOfWork, order: orders.Order, card: CardPayment) -> None:
    """The storefront's PaymentIntent, captured (Stripe's capture carries the intent's id, as
    the live provider records it), perhaps partly refunded an hour later."""
    movements = [
        ImportedMovement(
            kind=TransactionKind.CAPTURE, amount=card.captured, reference=card.intent, at=card.at
        )
    ]
    if card.refunded is not None:
        movements.append(
            ImportedMovement(
                kind=TransactionKind.REFUND,
                amount=card.refunded,
                reference=card.refund,
                at=card.at,
                reason="customer kept part of the order at a discount",
            )
        )
    import_payment(
        ImportPayment(
            order_id=order.id,
            provider=ProviderName.STRIPE,
            method="card",
            amount=card.captured,
            reference=card.intent,
            authorized_at=card.at,
            movements=tuple(movements),
            actor=ACTOR,
        ),
        uow=uow,
    )


def _bank_transfer(uow: UnitOfWork, order: orders.Order) -> None:
    """A bank transfer asked for and not arrived: the order stays unpaid until finance marks
    it received."""
    _tender(uow, order, ProviderName.MANUAL, {"method": "bank_transfer"})


def _marketplace(uow: UnitOfWork, order: orders.Order) -> None:
    """The marketplace collected the buyer's money and pays it out later."""
    _tender(uow, order, ProviderName.MARKETPLACE, {})


def _till(uow: UnitOfWork, order: orders.Order) -> None:
    """Cash at the Paris till, for the whole order."""
    _tender(uow, order, ProviderName.POS, {"method": "cash"}, amount=order.totals.total)


def _tender(
    uow: UnitOfWork,
    order: orders.Order,
    provider: ProviderName,
    details: dict[str, str],
    amount: Money | None = None,
) -> None:
    """Through the provider, as a live tender: these providers are local (no network)."""
    payments.add_tender(
        payments.AddTender(
            order_id=order.id, provider=provider, details=details, amount=amount, actor=ACTOR
        ),
        uow=uow,
        providers=LOCAL_PROVIDERS,
    )


def settlement_csv(paid: DemoPayments) -> str:
    """Stripe's itemized payout reconciliation report for the demo's card payments (charges,
    refunds and one fee line per payout), with the planted mismatch."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=STRIPE_COLUMNS, lineterminator="\n")
    writer.writeheader()
    lines = [line for card in paid.cards for line in _lines(card)]
    for start in range(0, len(lines), LINES_PER_PAYOUT):
        payout = f"po_demo{start // LINES_PER_PAYOUT + 1:04d}"
        batch = lines[start : start + LINES_PER_PAYOUT]
        batch.append(_fee_line(batch[0]))
        for line in batch:
            writer.writerow({**line, "automatic_payout_id": payout})
    return buffer.getvalue()


def write_settlement(paid: DemoPayments, directory: Path) -> Path:
    """Write the settlement file into ``directory`` (made if missing); its path."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / SETTLEMENT_FILE
    path.write_text(settlement_csv(paid), encoding="utf-8")
    return path


def _lines(card: CardPayment) -> list[dict[str, str]]:
    gross = card.captured.amount
    if card.number == PLANTED_CARD:
        gross += PLANTED_DIFFERENCE
    fee = Money(gross * Decimal("0.015") + Decimal("0.25"), card.captured.currency).amount
    found = [_line(card, f"txn_demo{card.number:04d}c", "charge", card.charge, gross, fee, card.at)]
    if card.refunded is not None:
        later = card.at + timedelta(hours=1)
        found.append(
            _line(
                card,
                f"txn_demo{card.number:04d}r",
                "refund",
                card.refund,
                -card.refunded.amount,
                Decimal("0.00"),
                later,
            )
        )
    return found


def _line(
    card: CardPayment,
    balance_transaction: str,
    category: str,
    source: str,
    gross: Decimal,
    fee: Decimal,
    at: datetime,
) -> dict[str, str]:
    currency = card.captured.currency
    return {
        "automatic_payout_effective_at": _stamp(card.at + timedelta(days=2)),
        "balance_transaction_id": balance_transaction,
        "created_utc": _stamp(at),
        "available_on_utc": _stamp(card.at + timedelta(days=2)),
        "currency": currency.lower(),
        "gross": f"{gross:f}",
        "fee": f"{fee:f}",
        "net": f"{gross - fee:f}",
        "reporting_category": category,
        "source_id": source,
        "description": f"Order {card.order_number}",
        "customer_facing_amount": f"{abs(gross):f}",
        "customer_facing_currency": currency.lower(),
        "payment_intent_id": card.intent,
        "charge_id": card.charge,
        "payment_metadata[order_number]": card.order_number,
    }


def _fee_line(first: dict[str, str]) -> dict[str, str]:
    """Stripe's own charge for the period (Radar screening), settled in the same payout."""
    return {
        "automatic_payout_effective_at": first["automatic_payout_effective_at"],
        "balance_transaction_id": f"{first['balance_transaction_id']}f",
        "created_utc": first["created_utc"],
        "available_on_utc": first["available_on_utc"],
        "currency": first["currency"],
        "gross": "-2.00",
        "fee": "0.00",
        "net": "-2.00",
        "reporting_category": "fee",
        "description": "Radar screening fees",
    }


def _stamp(at: datetime) -> str:
    return at.strftime("%Y-%m-%d %H:%M:%S")
