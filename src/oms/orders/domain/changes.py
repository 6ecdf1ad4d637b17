"""Order changes: edits of an order not yet in fulfilment, previewed, then confirmed.

A change is a list of operations (add a line, remove one, change a quantity, the shipping
address or the shipping method), checked against the order as it stands (``editing``); pricing,
the catalog and stock are the services' part, and what they work out is an ``Edit`` that
``Order.apply_change`` applies. A preview remembers the version it was made
from, and confirming it is refused once the order has moved on (the caller previews again).

Quantities are what the customer pays for: a line's ordered units minus its cancelled ones.
Lowering one cancels units (the line keeps its history); raising one orders more units.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, ClassVar
from uuid import UUID

from oms.orders.domain.errors import VersionRequired
from oms.orders.domain.model import Allocation, OrderLine, Totals
from oms.orders.domain.sourcing import Key, Plan, Shortfall, Want
from oms.orders.pricing.domain import COUNTRY_FIELD, ShippingMethod
from oms.shared.address import Address
from oms.shared.errors import Conflict, Invalid, PreconditionFailed
from oms.shared.events import to_json
from oms.shared.money import Money


class OperationKind(StrEnum):
    ADD_LINE = "add_line"
    REMOVE_LINE = "remove_line"
    CHANGE_QUANTITY = "change_quantity"
    CHANGE_SHIPPING_ADDRESS = "change_shipping_address"
    CHANGE_SHIPPING_METHOD = "change_shipping_method"


@dataclass(frozen=True, slots=True, kw_only=True)
class AddLine:
    kind: ClassVar[OperationKind] = OperationKind.ADD_LINE
    sku: str
    quantity: int


@dataclass(frozen=True, slots=True, kw_only=True)
class RemoveLine:
    """Cancel every open unit of the line (it stays on the order, fully cancelled)."""

    kind: ClassVar[OperationKind] = OperationKind.REMOVE_LINE
    line_id: UUID


@dataclass(frozen=True, slots=True, kw_only=True)
class ChangeQuantity:
    kind: ClassVar[OperationKind] = OperationKind.CHANGE_QUANTITY
    line_id: UUID
    quantity: int
    """The units the customer wants in the end (ordered minus cancelled)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ChangeShippingAddress:
    kind: ClassVar[OperationKind] = OperationKind.CHANGE_SHIPPING_ADDRESS
    address: Address


@dataclass(frozen=True, slots=True, kw_only=True)
class ChangeShippingMethod:
    kind: ClassVar[OperationKind] = OperationKind.CHANGE_SHIPPING_METHOD
    shipping_method: ShippingMethod
    pickup_location: str | None = None


Operation = AddLine | RemoveLine | ChangeQuantity | ChangeShippingAddress | ChangeShippingMethod
LineOperation = RemoveLine | ChangeQuantity


class ChangeStatus(StrEnum):
    PREVIEWED = "previewed"
    CONFIRMED = "confirmed"


@dataclass(frozen=True, slots=True, kw_only=True)
class LinePreview:
    """A line as the change would leave it; ``line_id`` is None for a line it adds."""

    line_id: UUID | None
    line_no: int
    sku: str
    name: str
    previous_quantity: int
    quantity: int
    unit_price: Money
    subtotal: Money
    discount: Money
    tax_rate: Decimal
    tax: Money
    total: Money


@dataclass(frozen=True, slots=True, kw_only=True)
class StockCheck:
    """Units a change needs of one SKU, against what its candidate locations have now."""

    sku: str
    requested: int
    available: int
    backordered: int = 0
    short: int = 0
    """Units neither available nor backorderable: confirming would be refused."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ChangePreview:
    current_totals: Totals
    new_totals: Totals
    lines: tuple[LinePreview, ...]
    stock: tuple[StockCheck, ...]
    shipping_method: str
    pickup_location: str | None

    @property
    def difference(self) -> Money:
        """What the customer pays more (negative: is owed) if the change is confirmed."""
        return self.new_totals.total - self.current_totals.total


@dataclass(frozen=True, slots=True, kw_only=True)
class Edit:
    """The order as a change would leave it, worked out (checked, priced, sourced) against
    the order as it stands; ``Order.apply_change`` applies it, a preview only shows it."""

    lines: tuple[OrderLine, ...]
    """Every line, the added ones last, repriced and with their backordered units."""
    totals: Totals
    allocations: tuple[Allocation, ...]
    """Every allocation the order holds afterwards."""
    shipping_method: str
    pickup_location: str | None
    shipping_address: Address
    address_validated: bool
    added: frozenset[UUID]
    """Ids of the lines the change adds."""
    released: tuple[Allocation, ...]
    """Units given back to stock."""
    allocated: tuple[Allocation, ...]
    """Units newly taken from stock."""
    stock: tuple[StockCheck, ...]
    shortfalls: tuple[Shortfall, ...]
    """Units neither in stock nor backorderable: confirming is refused while there are any."""


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderChange:
    id: UUID
    order_id: UUID
    base_version: int
    status: ChangeStatus
    operations: tuple[Operation, ...]
    preview: ChangePreview
    created_by: str
    created_at: datetime
    confirmed_at: datetime | None = None

    def confirmed(self, at: datetime) -> OrderChange:
        """The change once applied; only a previewed change can be (409 otherwise)."""
        if self.status is not ChangeStatus.PREVIEWED:
            raise ChangeNotPending(str(self.id), self.status)
        return replace(self, status=ChangeStatus.CONFIRMED, confirmed_at=at)

    def check_priced_as_previewed(self, totals: Totals) -> None:
        """Refuse (412) when the order would now cost other than the preview said: a price,
        tax or shipping rate changed since, and the customer agreed to the old difference."""
        if totals != self.preview.new_totals:
            raise PreviewOutdated(str(self.id), self.preview.new_totals.total, totals.total)


class ChangeNotPending(Conflict):
    code = "order-change-not-pending"
    title = "Order change is not pending"

    def __init__(self, change_id: str, status: ChangeStatus) -> None:
        super().__init__(f"order change {change_id} is {status.value}", change_status=status.value)


class PreviewOutdated(PreconditionFailed):
    code = "order-change-outdated"
    title = "The preview is out of date"

    def __init__(self, change_id: str, previewed: Money, now: Money) -> None:
        super().__init__(
            f"order change {change_id} was previewed at {previewed} but now comes to {now}; "
            "preview it again",
            previewed_total=str(previewed.amount),
            total=str(now.amount),
        )


class InvalidChange(Invalid):
    code = "invalid-order-change"
    title = "Invalid order change"


def expected_version(if_match: str | None) -> int:
    """The version an ``If-Match`` header names: ``"3"``, ``3`` or ``W/"3"``."""
    if if_match is None or not if_match.strip():
        raise VersionRequired()
    tag = if_match.strip().removeprefix("W/").strip('"')
    if not tag.isdigit():
        raise Invalid('If-Match must be the order\'s ETag, such as "3"', field="If-Match")
    return int(tag)


def check_stock(
    wanted: Sequence[Want], plan: Plan, free: Mapping[Key, int], candidates: Sequence[UUID]
) -> tuple[StockCheck, ...]:
    """Per SKU: units requested, free at the candidates, backordered and short."""
    checks: dict[str, StockCheck] = {}
    for want in wanted:
        picked = sum(p.quantity for p in plan.picks if p.line_no == want.line_no)
        backordered = plan.backordered.get(want.line_no, 0)
        units = sum(max(free.get((want.variant_id, loc), 0), 0) for loc in candidates)
        seen = checks.get(want.sku, StockCheck(sku=want.sku, requested=0, available=units))
        checks[want.sku] = replace(
            seen,
            requested=seen.requested + want.quantity,
            backordered=seen.backordered + backordered,
            short=seen.short + want.quantity - picked - backordered,
        )
    return tuple(checks.values())


def pricing_field(
    field: str, operations: Sequence[Operation], added_at: Sequence[int | None]
) -> str:
    """Where a pricing problem points in the change request.

    Pricing names the order's fields (``shipping_address.country``, ``lines.2.sku``, the index
    counting the lines still billed); ``added_at`` gives, per such line, the index of the
    operation that adds it (None for lines already on the order).
    """
    address = _index(operations, ChangeShippingAddress)
    method = _index(operations, ChangeShippingMethod)
    destination = None
    if address is not None:
        destination = f"operations.{address}.address.country"
    elif method is not None:
        op = operations[method]
        assert isinstance(op, ChangeShippingMethod)
        name = "pickup_location" if op.pickup_location else "shipping_method"
        destination = f"operations.{method}.{name}"
    if field == "shipping_method" and method is not None:
        return f"operations.{method}.shipping_method"
    if field in (COUNTRY_FIELD, "shipping_method"):
        return destination or field
    head, _, rest = field.partition(".")
    position, _, tail = rest.partition(".")
    if head == "lines" and position.isdigit() and int(position) < len(added_at):
        adding = added_at[int(position)]
        if adding is not None:
            return f"operations.{adding}.{tail}"
    return destination or field


def _index(operations: Sequence[Operation], kind: type[Operation]) -> int | None:
    return next((i for i, op in enumerate(operations) if isinstance(op, kind)), None)


def operation_json(op: Operation) -> dict[str, Any]:
    """The operation as stored and shown: its fields and ``op``, its kind."""
    fields: dict[str, Any] = to_json(op)
    return {"op": op.kind.value, **fields}


def operation_from_json(data: Mapping[str, Any]) -> Operation:
    """An operation stored with ``operation_json``."""
    kind = OperationKind(data["op"])
    if kind is OperationKind.ADD_LINE:
        return AddLine(sku=data["sku"], quantity=data["quantity"])
    if kind is OperationKind.REMOVE_LINE:
        return RemoveLine(line_id=UUID(data["line_id"]))
    if kind is OperationKind.CHANGE_QUANTITY:
        return ChangeQuantity(line_id=UUID(data["line_id"]), quantity=data["quantity"])
    if kind is OperationKind.CHANGE_SHIPPING_ADDRESS:
        return ChangeShippingAddress(address=Address(**data["address"]))
    return ChangeShippingMethod(
        shipping_method=ShippingMethod(data["shipping_method"]),
        pickup_location=data["pickup_location"],
    )


def preview_json(preview: ChangePreview) -> dict[str, Any]:
    """The preview as stored: JSON values only (money as amount and currency)."""
    stored: dict[str, Any] = to_json(preview)
    return stored


def preview_from_json(data: Mapping[str, Any]) -> ChangePreview:
    """A preview stored with ``preview_json``."""
    return ChangePreview(
        current_totals=_totals(data["current_totals"]),
        new_totals=_totals(data["new_totals"]),
        lines=tuple(_line_preview(line) for line in data["lines"]),
        stock=tuple(StockCheck(**check) for check in data["stock"]),
        shipping_method=data["shipping_method"],
        pickup_location=data["pickup_location"],
    )


def _money(data: Mapping[str, str]) -> Money:
    return Money.of(data["amount"], data["currency"])


def _totals(data: Mapping[str, Mapping[str, str]]) -> Totals:
    return Totals(**{name: _money(value) for name, value in data.items()})


def _line_preview(data: Mapping[str, Any]) -> LinePreview:
    money = ("unit_price", "subtotal", "discount", "tax", "total")
    return LinePreview(
        line_id=UUID(data["line_id"]) if data["line_id"] else None,
        line_no=data["line_no"],
        sku=data["sku"],
        name=data["name"],
        previous_quantity=data["previous_quantity"],
        quantity=data["quantity"],
        tax_rate=Decimal(data["tax_rate"]),
        **{name: _money(data[name]) for name in money},
    )
