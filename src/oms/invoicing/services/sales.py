"""The order as invoicing sees it: a step of the issuing use cases (it imports none).

Read through the orders and channels public interfaces, inside the issuing transaction. The
buyer is the order's billing address, else its shipping address, under the address's name or
else the buyer's. The seller is the merchant as the channel presents it: the channel's name at
the address of its first serving location (the location's company name wins when it has one),
else at a location the order was allocated from.
"""

from __future__ import annotations

from uuid import UUID

from oms import channels, orders
from oms.invoicing.domain import Party, Sale, SaleLine, shipping_rate
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.address import Address


def read_sale(order_id: UUID, *, uow: UnitOfWork) -> Sale:
    """The order ``order_id`` with its billed lines, parties and shipping."""
    order = orders.get_order(order_id, uow=uow)
    channel = channels.get_channel(order.channel, uow=uow)
    lines = tuple(
        SaleLine(
            order_line_id=line.id,
            sku=line.sku,
            name=line.name,
            quantity=line.billed_quantity,
            unit_price=line.unit_price,
            discount=line.discount,
            tax_rate=line.tax_rate,
            tax=line.tax,
            total=line.total,
        )
        for line in order.lines
        if line.billed_quantity > 0
    )
    totals = order.totals
    shipping = (
        totals.shipping if order.prices_include_tax else totals.shipping + totals.shipping_tax
    )
    address = order.billing_address or order.shipping_address
    return Sale(
        order_id=order.id,
        order_number=order.number,
        channel=order.channel,
        customer_id=order.buyer.customer_id,
        currency=order.currency,
        locale=order.buyer.locale,
        prices_include_tax=order.prices_include_tax,
        ordered_at=order.placed_at,
        seller=_seller(channel, [a.location for a in order.allocations], uow=uow),
        buyer=Party(name=address.name or order.buyer.name, address=address),
        lines=lines,
        shipping=shipping,
        shipping_tax=totals.shipping_tax,
        shipping_rate=shipping_rate(shipping, totals.shipping_tax, [ln.tax_rate for ln in lines]),
    )


def _seller(channel: channels.Channel, allocated: list[str], *, uow: UnitOfWork) -> Party:
    codes = [*channel.location_codes, *allocated]
    found = channels.locations_by_codes(codes, uow=uow)
    location = next((found[code] for code in codes if code in found), None)
    if location is None:
        return Party(name=channel.name, address=Address(line1="", city="", country=""))
    return Party(name=location.address.company or channel.name, address=location.address)
