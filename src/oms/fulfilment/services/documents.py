"""The papers of a fulfilment order: the pick list (what to take from which bin) and the
packing slip (what is in the parcel, for whom, with the gift message).

Both are read in one snapshot and rendered after it (PDF rendering touches no database). The
pick list lists the FO's open units; walked by bin when bins are set for the SKUs at the
location (bins sort as text: ``A-01-03`` before ``B-02-01``), SKUs without a bin last; by SKU
when no bins are set.
"""

from __future__ import annotations

from dataclasses import replace
from uuid import UUID

from oms import channels, inventory, orders
from oms.fulfilment.domain.documents import PackingSlip, PickLine, PickList, SlipLine
from oms.fulfilment.domain.lifecycle import Delivery
from oms.fulfilment.repository.fulfilment_orders import FULFILMENT_ORDERS
from oms.platform.unit_of_work import UnitOfWork


def pick_list(
    fulfilment_order_id: UUID, *, uow: UnitOfWork, location_scope: str | None = None
) -> PickList:
    """What to pick for a fulfilment order: its open units, by bin when bins are set."""
    with uow.read() as tx:
        fo = tx.repo(FULFILMENT_ORDERS).get(fulfilment_order_id, visible_to_location=location_scope)
        order = orders.get_order(fo.order_id, uow=uow)
        opened = [line for line in fo.lines if line.open > 0]
        shelved = inventory.bins([line.variant_id for line in opened], fo.location_id, uow=uow)
    lines = sorted(
        (
            PickLine(
                line_id=line.line_id,
                sku=line.sku,
                name=line.name,
                quantity=line.open,
                bin=shelved.get(line.variant_id),
            )
            for line in opened
        ),
        key=lambda p: (p.bin is None, p.bin or "", p.sku),
    )
    return PickList(
        fulfilment_order_id=fo.id,
        number=fo.number,
        order_number=fo.order_number,
        location=fo.location,
        delivery=fo.delivery.value,
        status=fo.status.value,
        ship_by=fo.ship_by,
        by_bin=bool(shelved),
        gift_message=order.gift_message,
        lines=tuple(lines),
    )


def packing_slip(
    fulfilment_order_id: UUID, *, uow: UnitOfWork, location_scope: str | None = None
) -> PackingSlip:
    """What goes in the parcel(s) of a fulfilment order: every unit given to it and not taken
    away (shipped or still to ship), addressed to the customer or the pickup store."""
    with uow.read() as tx:
        fo = tx.repo(FULFILMENT_ORDERS).get(fulfilment_order_id, visible_to_location=location_scope)
        order = orders.get_order(fo.order_id, uow=uow)
        ship_to = order.shipping_address
        if not ship_to.name:
            ship_to = replace(ship_to, name=order.buyer.name)
        if fo.delivery is Delivery.PICKUP and fo.pickup_location:
            store = channels.get_location(fo.pickup_location, uow=uow)
            ship_to = replace(store.address, name=store.address.name or store.name)
    return PackingSlip(
        number=fo.number,
        order_number=fo.order_number,
        ordered_at=order.placed_at,
        location=fo.location,
        ship_to=ship_to,
        gift_message=order.gift_message,
        lines=tuple(
            SlipLine(sku=line.sku, name=line.name, quantity=line.quantity - line.cancelled)
            for line in fo.lines
            if line.quantity - line.cancelled > 0
        ),
    )
