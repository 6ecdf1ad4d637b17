"""HTTP routes of the inventory context: stock levels, ATP, movements and their history.

Every movement route requires an ``Idempotency-Key``: a retried receipt must not book the goods
twice. The key's id is recorded as the movement's actor. A warehouse key bound to a location
moves stock and sets level settings only there (a transfer only out of it), and leaves the
SKU-wide settings (threshold, backorders, pre-orders, unit cost) to unbound keys: 403 otherwise,
as in the console.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from oms.inventory import services
from oms.inventory.schemas import (
    InventoryItemOut,
    LevelSettingsIn,
    LevelSettingsOut,
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
from oms.platform.pagination import (
    BY_CODE,
    BY_CODE_AND_ID,
    BY_TIME,
    Cursor,
    Limit,
    Page,
    read_cursor,
)
from oms.platform.problems import responses
from oms.platform.security import Permission, Principal, Requires
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.errors import Forbidden

router = APIRouter(prefix="/v1", tags=["inventory"])

StockReader = Annotated[Principal, Depends(Requires(Permission.INVENTORY_READ))]
StockWriter = Annotated[Principal, Depends(Requires(Permission.INVENTORY_WRITE))]
LocationCode = Annotated[
    str | None, Query(max_length=40, description="Only this location (a location code).")
]

MOVE_PROBLEMS = responses(400, 401, 403, 409, 422)


def _own_location(principal: Principal, code: str, field: str = "location") -> None:
    """Refuse a location-bound caller acting at another location (403)."""
    bound = principal.location_code
    if bound is not None and code.casefold() != bound.casefold():
        raise Forbidden(f"this key works only at location {bound!r}", **{field: code})


def _unbound(principal: Principal) -> None:
    """Refuse a location-bound caller a SKU-wide change (403)."""
    if principal.location_code is not None:
        raise Forbidden(
            f"this key works only at location {principal.location_code!r}; a SKU's settings "
            "are set by keys not bound to a location"
        )


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
    after = read_cursor(cursor, BY_CODE)
    found = services.list_stock_at(
        location,
        uow=uow,
        after=after[0] if after else None,
        limit=limit + 1,
        visible_to=principal.channel_scope,
    )
    return Page.of(found, limit, lambda s: (s.sku,), WatchedLevelOut.of_stock)


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
        after=read_cursor(cursor, BY_CODE_AND_ID),
        limit=limit + 1,
        location=location,
        visible_to=principal.channel_scope,
    )
    return Page.of(found, limit, lambda s: (s.sku, s.location_id), WatchedLevelOut.of_stock)


@router.get("/inventory/{sku}", responses=responses(401, 403, 404))
def get_stock(sku: str, principal: StockReader, uow: UoW) -> SkuStockOut:
    """A SKU's stock per location and, per channel, what it may promise and why."""
    return SkuStockOut.of(services.get_stock(sku, uow=uow, visible_to=principal.channel_scope))


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
        before=read_cursor(cursor, BY_TIME),
        limit=limit + 1,
        visible_to=principal.channel_scope,
    )
    movements = MovementOut.page(history)
    return Page.of(movements, limit, lambda m: (m.occurred_at, m.id), lambda m: m)


@router.put("/inventory/{sku}/settings", responses=responses(401, 403, 404, 422))
def change_settings(
    sku: str, body: StockSettingsIn, principal: StockWriter, uow: UoW
) -> InventoryItemOut:
    """Change a SKU's low-stock threshold, whether it may be backordered, its pre-order settings
    or its unit cost (only those given)."""
    _unbound(principal)
    command = services.ChangeStockSettings(
        sku=sku,
        low_stock_threshold=body.low_stock_threshold,
        allows_backorders=body.allows_backorders,
        preorder_release_on=body.preorder_release_on,
        preorder_cap=body.preorder_cap,
        unit_cost=body.cost(),
        cleared=body.cleared(),
    )
    return InventoryItemOut.of(services.change_stock_settings(command, uow=uow))


@router.put("/inventory/{sku}/locations/{code}", responses=responses(401, 403, 404, 422))
def change_level_settings(
    sku: str, code: str, body: LevelSettingsIn, principal: StockWriter, uow: UoW
) -> LevelSettingsOut:
    """Set a SKU's safety stock and bin at one location (sourcing leaves the safety stock there;
    pick lists walk the bins in order)."""
    _own_location(principal, code)
    command = services.ChangeLevelSettings(
        sku=sku, location=code, safety_stock=body.safety_stock, bin=body.bin
    )
    level = services.change_level_settings(command, uow=uow)
    return LevelSettingsOut(sku=sku, location=code, safety_stock=level.safety_stock, bin=level.bin)


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
    _own_location(principal, body.location)
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
    _own_location(principal, body.location)
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
    _own_location(principal, body.location)
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
    _own_location(principal, body.from_location, "from_location")
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
    _own_location(principal, body.location)
    command = services.ChangeUnavailable(
        sku=body.sku,
        location=body.location,
        delta=body.delta,
        reason=body.reason,
        reference=body.reference,
        actor=principal.actor,
    )
    return _moved(uow, idempotency, lambda: services.change_unavailable(command, uow=uow))
