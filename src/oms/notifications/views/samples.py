"""A made-up mail of every kind, for ``oms notifications preview`` without a database and for
the template tests: a customer of the Northwind shop who bought a T-shirt and a hoodie."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

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

PLACED_AT = datetime(2026, 12, 3, 9, 30, tzinfo=UTC)


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
HOME = Address(
    name="Grace Hopper", line1="Invalidenstr. 1", city="Berlin", postal_code="10115", country="DE"
)
STORE = Place(
    name="Northwind Paris",
    address=Address(line1="12 Rue de Rivoli", city="Paris", postal_code="75004", country="FR"),
)
WAREHOUSE = Place(
    name="Northwind Lager Hamburg",
    address=Address(line1="Lagerstraße 5", city="Hamburg", postal_code="20095", country="DE"),
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
)
UNPRICED = tuple(MailLine(sku=x.sku, name=x.name, quantity=x.quantity) for x in (SHIRT, HOODIE))


def sample_content(kind: NotificationKind, locale: str) -> MailContent:
    """The sample mail of ``kind`` in ``locale``."""
    parts: dict[NotificationKind, dict[str, object]] = {
        NotificationKind.ORDER_CONFIRMATION: {},
    }
    settings = MailSettings(channel="web", sender_name="Northwind Outfitters")
    return MailContent(
        kind=kind,
        locale=locale,
        brand=Brand.of(settings, fallback_name="Northwind Outfitters"),
        customer_name="Grace Hopper",
        order=ORDER,
        **parts.get(kind, {}),  # type: ignore[arg-type]
    )


__all__ = [
    "PLACED_AT",
    "ParcelSummary",
    "PickupSummary",
    "RefundSummary",
    "ReturnSummary",
    "StoreCreditSummary",
    "date",
]
