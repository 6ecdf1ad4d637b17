"""A made-up mail of every kind, for ``oms notifications preview`` without a database and for
the template tests: Grace Hopper bought two T-shirts and a hoodie from the Northwind shop."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from oms.notifications.domain.kinds import NotificationKind
from oms.notifications.domain.settings import MailSettings
from oms.notifications.views.content import (
    Brand,
    MailContent,
    MailLine,
    OrderSummary,
    ParcelSummary,
    PickupSummary,
    Place,
    RefundSummary,
    ReturnSummary,
    StoreCreditSummary,
)
from oms.shared.address import Address
from oms.shared.money import Money

K = NotificationKind
PLACED_AT = datetime(2026, 12, 3, 9, 30, tzinfo=UTC)
SAMPLE_SETTINGS = MailSettings(channel="web", sender_name="Northwind Outfitters")


def _eur(amount: str) -> Money:
    return Money(Decimal(amount), "EUR")


SHIRT = MailLine(
    sku="NW-TSH-BLA-M",
    name="Organic T-shirt — Black / M",
    quantity=2,
    unit_price=_eur("19.90"),
    amount=_eur("39.80"),
)
HOODIE = MailLine(
    sku="NW-HOD-GRY-L",
    name="Zip hoodie — Grey / L",
    quantity=1,
    unit_price=_eur("59.00"),
    amount=_eur("59.00"),
)
UNPRICED_SHIRT = MailLine(sku=SHIRT.sku, name=SHIRT.name, quantity=SHIRT.quantity)
UNPRICED_HOODIE = MailLine(sku=HOODIE.sku, name=HOODIE.name, quantity=HOODIE.quantity)
HOME = Address(
    name="Grace Hopper", line1="Invalidenstr. 1", city="Berlin", postal_code="10115", country="DE"
)
STORE = Place(
    name="Northwind Paris",
    address=Address(line1="12 Rue de Rivoli", city="Paris", postal_code="75004", country="FR"),
)
RETURNS_DESK = Address(
    name="Northwind Returns",
    line1="Lagerstraße 5",
    city="Hamburg",
    postal_code="20095",
    country="DE",
)
ORDER = OrderSummary(
    number="SO-10001",
    placed_at=PLACED_AT,
    lines=(SHIRT, HOODIE),
    subtotal=_eur("98.80"),
    discount=_eur("0.00"),
    shipping=_eur("4.90"),
    tax=_eur("16.56"),
    total=_eur("103.70"),
    prices_include_tax=True,
    shipping_address=HOME,
    balance_due=_eur("103.70"),
)
PARCEL = ParcelSummary(
    number="SO-10001-F1-1",
    carrier="DHL",
    tracking_number="00340434161094042557",
    tracking_url="https://www.dhl.de/de/privatkunden/dhl-sendungsverfolgung.html?piececode=00340434161094042557",
    lines=(UNPRICED_SHIRT,),
    shipped_at=datetime(2026, 12, 4, 15, 0, tzinfo=UTC),
    delivered_at=datetime(2026, 12, 6, 11, 20, tzinfo=UTC),
    more_to_follow=True,
)

PARTS: dict[NotificationKind, dict[str, Any]] = {
    K.ORDER_CONFIRMATION: {},
    K.PAYMENT_PENDING: {},
    K.ORDER_SHIPPED: {"parcel": PARCEL},
    K.READY_FOR_PICKUP: {
        "pickup": PickupSummary(store=STORE, code="K7M2QX", expires_on=date(2026, 12, 17))
    },
    K.ORDER_DELIVERED: {"parcel": PARCEL},
    K.BACKORDER_DELAYED: {"backordered": (UNPRICED_HOODIE,)},
    K.RETURN_APPROVED: {
        "return_": ReturnSummary(
            rma="RMA-001001",
            exchange=False,
            lines=(MailLine(sku=SHIRT.sku, name=SHIRT.name, quantity=1),),
            send_to=RETURNS_DESK,
            label="return_slip",
        )
    },
    K.REFUND_ISSUED: {
        "refund": RefundSummary(
            amount=_eur("19.90"), to_store_credit=False, credit_note="CN-2026-000042"
        )
    },
    K.STORE_CREDIT_ISSUED: {
        "store_credit": StoreCreditSummary(amount=_eur("15.00"), balance=_eur("35.00"))
    },
    K.REVIEW_REQUEST: {},
}
"""What each kind's sample says beyond the order (every kind has one)."""


def sample_content(kind: NotificationKind, locale: str) -> MailContent:
    """The sample mail of ``kind`` in ``locale``."""
    return MailContent(
        kind=kind,
        locale=locale,
        brand=Brand.of(SAMPLE_SETTINGS, fallback_name=SAMPLE_SETTINGS.sender_name),
        customer_name="Grace Hopper",
        order=ORDER,
        **PARTS[kind],
    )
