"""HTTP routes of the inventory context: stock levels, ATP, movements and their history.

Every movement route requires an ``Idempotency-Key``: a retried receipt must not book the goods
twice. The key's id is recorded as the movement's actor.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Response

from oms.inventory import services
from oms.inventory.schemas import (
    InventoryItemOut,
    MovementOut,
    SkuStockOut,
    StockAdjustmentIn,
    StockChangeOut,
    StockCountIn,
    StockReceiptIn,
    StockSettingsIn,
    StockTransferIn,
    UnavailableStockIn,
    WatchedLevelOut,
)
from oms.inventory.views import StockChange
from oms.platform.http import UoW
from oms.platform.idempotency import IdempotencyKey, IdempotentRequest, run_idempotent
from oms.platform.pagination import Cursor, Limit, Page, decode_cursor, encode_cursor
from oms.platform.problems import responses
from oms.platform.security import Permission, Principal, Requires
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.errors import Invalid

router = APIRouter(prefix="/v1", tags=["inventory"])

StockReader = Annotated[Principal, Depends(Requires(Permission.INVENTORY_READ))]
StockWriter = Annotated[Principal, Depends(Requires(Permission.INVENTORY_WRITE))]
LocationCode = Annotated[
    str | None, Query(max_length=40, description="Only this location (a location code).")
]

MOVE_PROBLEMS = responses(400, 401, 403, 409, 422)


def _cursor(cursor: str | None, size: int) -> list[str] | None:
    key = decode_cursor(cursor)
    if key is None:
        return None
    if len(key) != size or not all(isinstance(part, str) for part in key):
        raise Invalid("cursor is not one this API issued", field="cursor")
    return [str(part) for part in key]


def _low_stock_after(cursor: str | None) -> tuple[str, UUID] | None:
    key = _cursor(cursor, 2)
    try:
        return (key[0], UUID(key[1])) if key else None
    except ValueError:
        raise Invalid("cursor is not one this API issued", field="cursor") from None


def _movements_before(cursor: str | None) -> tuple[datetime, UUID] | None:
    key = _cursor(cursor, 2)
    try:
        before = (datetime.fromisoformat(key[0]), UUID(key[1])) if key else None
    except ValueError:
        before = None
    if key and (before is None or before[0].tzinfo is None):
        raise Invalid("cursor is not one this API issued", field="cursor")
    return before


def _moved(
    uow: UnitOfWork, req: IdempotentRequest, operation: Callable[[], StockChange]
) -> Response:
    return run_idempotent(uow, req, operation, StockChangeOut.of)


@router.get("/inventory", responses=responses(401, 403, 404, 422))
def list_stock_at(
    location: Annotated[str, Query(max_length=40, description="A location code.")],
    principal: StockReader,
    uow: UoW,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[WatchedLevelOut]:
    """Every SKU's stock at one location, by SKU."""
    after = _cursor(cursor, 1)
    found = services.list_stock_at(
        location,
        uow=uow,
        after=after[0] if after else None,
        limit=limit + 1,
        visible_to=principal.channel_code,
    )
    page = found[:limit]
    more = encode_cursor([page[-1].sku]) if len(found) > limit else None
    return Page(items=[WatchedLevelOut.of_stock(s) for s in page], next_cursor=more)


@router.get("/inventory/low-stock", responses=responses(401, 403, 404, 422))
def list_low_stock(
    principal: StockReader,
    uow: UoW,
    location: LocationCode = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[WatchedLevelOut]:
    """SKU and location pairs whose available stock is at or below the SKU's threshold."""
    found = services.list_low_stock(
        uow=uow,
        after=_low_stock_after(cursor),
        limit=limit + 1,
        location=location,
        visible_to=principal.channel_code,
    )
    page = found[:limit]
    last = page[-1] if page else None
    more = encode_cursor([last.sku, str(last.location_id)]) if last and len(found) > limit else None
    return Page(items=[WatchedLevelOut.of_stock(s) for s in page], next_cursor=more)


@router.get("/inventory/{sku}", responses=responses(401, 403, 404))
def get_stock(sku: str, principal: StockReader, uow: UoW) -> SkuStockOut:
    """A SKU's stock per location and, per channel, what it may promise and why."""
    return SkuStockOut.of(services.get_stock(sku, uow=uow, visible_to=principal.channel_code))


@router.get("/inventory/{sku}/movements", responses=responses(401, 403, 404, 422))
def list_movements(
    sku: str,
    principal: StockReader,
    uow: UoW,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[MovementOut]:
    """A SKU's stock movements, newest first (not shown to channel keys)."""
    history = services.list_movements(
        sku,
        uow=uow,
        before=_movements_before(cursor),
        limit=limit + 1,
        visible_to=principal.channel_code,
    )
    items = MovementOut.page(history)
    page = items[:limit]
    last = page[-1] if page else None
    more = (
        encode_cursor([last.occurred_at.isoformat(), last.id])
        if last and len(items) > limit
        else None
    )
    return Page(items=page, next_cursor=more)


@router.put("/inventory/{sku}/settings", responses=responses(401, 403, 404, 422))
def change_settings(sku: str, body: StockSettingsIn, _: StockWriter, uow: UoW) -> InventoryItemOut:
    """Change a SKU's low-stock threshold or whether it may be backordered (only those given)."""
    command = services.ChangeStockSettings(
        sku=sku,
        low_stock_threshold=body.low_stock_threshold,
        allows_backorders=body.allows_backorders,
    )
    return InventoryItemOut.of(services.change_stock_settings(command, uow=uow))


@router.post(
    "/inventory/receipts",
    status_code=201,
    response_model=StockChangeOut,
    responses=MOVE_PROBLEMS,
)
def receive_stock(
    body: StockReceiptIn, principal: StockWriter, uow: UoW, idempotency: IdempotencyKey
) -> Response:
    """Book goods received at a location."""
    command = services.ReceiveStock(
        sku=body.sku,
        location=body.location,
        quantity=body.quantity,
        reference=body.reference,
        actor=principal.actor,
    )
    return _moved(uow, idempotency, lambda: services.receive_stock(command, uow=uow))


@router.post(
    "/inventory/adjustments",
    status_code=201,
    response_model=StockChangeOut,
    responses=MOVE_PROBLEMS,
)
def adjust_stock(
    body: StockAdjustmentIn, principal: StockWriter, uow: UoW, idempotency: IdempotencyKey
) -> Response:
    """Correct on-hand stock by a signed delta with a reason; reason `damage` writes it off."""
    command = services.AdjustStock(
        sku=body.sku,
        location=body.location,
        delta=body.delta,
        reason=body.reason,
        reference=body.reference,
        actor=principal.actor,
    )
    return _moved(uow, idempotency, lambda: services.adjust_stock(command, uow=uow))


@router.post(
    "/inventory/counts",
    status_code=201,
    response_model=StockChangeOut,
    responses=MOVE_PROBLEMS,
)
def count_stock(
    body: StockCountIn, principal: StockWriter, uow: UoW, idempotency: IdempotencyKey
) -> Response:
    """Record a cycle count; 409 `stale-count` if on-hand is no longer `expected_on_hand`."""
    command = services.CountStock(
        sku=body.sku,
        location=body.location,
        counted=body.counted,
        expected_on_hand=body.expected_on_hand,
        reference=body.reference,
        actor=principal.actor,
    )
    return _moved(uow, idempotency, lambda: services.count_stock(command, uow=uow))


@router.post(
    "/inventory/transfers",
    status_code=201,
    response_model=StockChangeOut,
    responses=MOVE_PROBLEMS,
)
def transfer_stock(
    body: StockTransferIn, principal: StockWriter, uow: UoW, idempotency: IdempotencyKey
) -> Response:
    """Move stock between two locations; both sides are booked together."""
    command = services.TransferStock(
        sku=body.sku,
        from_location=body.from_location,
        to_location=body.to_location,
        quantity=body.quantity,
        reason=body.reason,
        reference=body.reference,
        actor=principal.actor,
    )
    return _moved(uow, idempotency, lambda: services.transfer_stock(command, uow=uow))


@router.post(
    "/inventory/unavailable",
    status_code=201,
    response_model=StockChangeOut,
    responses=MOVE_PROBLEMS,
)
def change_unavailable(
    body: UnavailableStockIn, principal: StockWriter, uow: UoW, idempotency: IdempotencyKey
) -> Response:
    """Set stock aside as unavailable (damaged, quality control, safety stock) or release it."""
    command = services.ChangeUnavailable(
        sku=body.sku,
        location=body.location,
        delta=body.delta,
        reason=body.reason,
        reference=body.reference,
        actor=principal.actor,
    )
    return _moved(uow, idempotency, lambda: services.change_unavailable(command, uow=uow))
