"""Other contexts' objects as what a mail shows of them (``content``): pure conversions, no
reading. The composer reads the objects through each context's public interface and hands them
here with what it looked up beside them (product names in the mail's language, the pickup
store)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from oms import orders
from oms.notifications.views.content import MailLine, OrderSummary, Place


def order_lines(order: orders.Order, names: Mapping[str, str]) -> tuple[MailLine, ...]:
    """The units the customer is buying, at the order's prices; cancelled units left out.

    ``names`` holds product names in the mail's language by SKU; a SKU missing there keeps the
    name the order was placed with."""
    return tuple(
        MailLine(
            sku=line.sku,
            name=names.get(line.sku, line.name),
            quantity=line.billed_quantity,
            unit_price=line.unit_price,
            amount=line.unit_price * line.billed_quantity,
        )
        for line in sorted(order.lines, key=lambda x: x.line_no)
        if line.billed_quantity > 0
    )


def order_summary(
    order: orders.Order,
    names: Mapping[str, str],
    *,
    pickup: Place | None = None,
    with_balance: bool = False,
) -> OrderSummary:
    """The order's number, date, items and totals, and where it goes (the shipping address,
    or ``pickup``: the store of a pickup order)."""
    totals = order.totals
    return OrderSummary(
        number=order.number,
        placed_at=order.placed_at,
        lines=order_lines(order, names),
        subtotal=totals.subtotal,
        discount=totals.discount,
        shipping=totals.shipping,
        tax=totals.tax,
        total=totals.total,
        prices_include_tax=order.prices_include_tax,
        shipping_address=None if pickup else order.shipping_address,
        pickup=pickup,
        balance_due=order.balance_due if with_balance else None,
    )


def units_of(
    order: orders.Order, units: Iterable[tuple[str, int]], names: Mapping[str, str]
) -> tuple[MailLine, ...]:
    """(SKU, units) pairs as unpriced lines named like the order's (a parcel's contents, the
    units of a return, what waits for stock); pairs of the same SKU added up, in the order's
    line order."""
    counted: dict[str, int] = {}
    for sku, quantity in units:
        if quantity > 0:
            counted[sku] = counted.get(sku, 0) + quantity
    placed = {line.sku: line for line in sorted(order.lines, key=lambda x: x.line_no)}
    ordered = [sku for sku in placed if sku in counted] + [s for s in counted if s not in placed]
    return tuple(
        MailLine(
            sku=sku,
            name=names.get(sku) or (placed[sku].name if sku in placed else sku),
            quantity=counted[sku],
        )
        for sku in ordered
    )


CARRIER_NAMES = {
    "dhl": "DHL",
    "dhl_parcel_de": "DHL Paket",
    "dhl_express": "DHL Express",
    "deutschepost": "Deutsche Post",
    "dpd": "DPD",
    "gls": "GLS",
    "hermes": "Hermes",
    "ups": "UPS",
    "fedex": "FedEx",
    "usps": "USPS",
    "colissimo": "Colissimo",
    "chronopost": "Chronopost",
    "laposte": "La Poste",
    "correos": "Correos",
    "seur": "SEUR",
    "sf_express": "SF Express",
    "canadapost": "Canada Post",
    "royalmail": "Royal Mail",
    "postnl": "PostNL",
}
"""Carrier codes (karrio's) as customers know the carriers."""

UNNAMED_CARRIERS = frozenset({"generic", "own", "courier", "pickup"})
"""Codes that name no carrier a customer would know: the mail names none."""


def carrier_name(code: str) -> str | None:
    """``dhl_parcel_de`` -> ``DHL Paket``; None for a carrier a customer would not know."""
    key = code.strip().lower()
    if not key or key in UNNAMED_CARRIERS:
        return None
    return CARRIER_NAMES.get(key) or key.replace("_", " ").title()
