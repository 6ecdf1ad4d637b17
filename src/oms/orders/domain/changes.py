"""Order changes: edits of an order not yet in fulfilment, previewed, then confirmed.

A change is a list of operations (add a line, remove one, change a quantity, the shipping
address or the shipping method). It is checked here against the order as it stands; pricing,
the catalog and stock are the services' part. A preview remembers the version it was made
from, and confirming it is refused once the order has moved on (the caller previews again).

Quantities are what the customer pays for: a line's ordered units minus its cancelled ones.
Lowering one cancels units (the line keeps its history); raising one orders more units.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, ClassVar
from uuid import UUID

from oms.orders.domain.errors import NotEditable, StaleOrderVersion, VersionRequired
from oms.orders.domain.lifecycle import OrderStatus
from oms.orders.domain.model import Order, OrderLine, Totals
from oms.orders.pricing.domain import COUNTRY_FIELD, ShippingMethod
from oms.shared.address import Address
from oms.shared.errors import Conflict, FieldProblem, Invalid, PreconditionFailed
from oms.shared.events import to_json
from oms.shared.money import Money

EDITABLE = frozenset({OrderStatus.PENDING, OrderStatus.CONFIRMED})
"""A held order is editable too: holds stop progress, not corrections."""


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

    def check_confirmable(self, order: Order, expected_version: int) -> None:
        """Refuse a change already confirmed (409) or made from another version (412)."""
        if self.status is not ChangeStatus.PREVIEWED:
            raise ChangeNotPending(str(self.id), self.status)
        check_editable(order)
        if expected_version != order.version:
            raise StaleOrderVersion(order.number, expected_version, order.version)
        if self.base_version != order.version:
            raise StaleOrderVersion(order.number, self.base_version, order.version)

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


def check_editable(order: Order) -> None:
    """Only orders not yet in fulfilment, with nothing shipped, can be edited."""
    if order.status not in EDITABLE:
        raise NotEditable(order.number, f"it is {order.status.value}")
    if any(line.fulfilled_quantity for line in order.lines):
        raise NotEditable(order.number, "units have shipped")


def expected_version(if_match: str | None) -> int:
    """The version an ``If-Match`` header names: ``"3"``, ``3`` or ``W/"3"``."""
    if if_match is None or not if_match.strip():
        raise VersionRequired()
    tag = if_match.strip().removeprefix("W/").strip('"')
    if not tag.isdigit():
        raise Invalid('If-Match must be the order\'s ETag, such as "3"', field="If-Match")
    return int(tag)


def operation_problems(order: Order, operations: Sequence[Operation]) -> list[FieldProblem]:
    """Every reason the operations cannot apply to ``order``, named by their paths."""
    if not operations:
        return [FieldProblem("operations", "name at least one change")]
    problems: list[FieldProblem] = []
    lines = {line.id: line for line in order.lines}
    first: dict[object, int] = {}
    for index, op in enumerate(operations):
        at = f"operations.{index}"
        key: object = op.line_id if isinstance(op, LineOperation) else op.kind
        if key in first:
            problems.append(FieldProblem(at, f"repeats what operations.{first[key]} changes"))
            continue
        if not isinstance(op, AddLine):
            first[key] = index
        if isinstance(op, LineOperation):
            problems.extend(_line_problems(lines.get(op.line_id), op, at))
        elif isinstance(op, AddLine) and op.quantity < 1:
            problems.append(FieldProblem(f"{at}.quantity", "must be at least 1"))
        elif isinstance(op, ChangeShippingMethod):
            problems.extend(_method_problems(order, op, at))
    if not problems and not _keeps_open_units(order, operations):
        problems.append(
            FieldProblem("operations", "no open line would be left; cancel the order instead")
        )
    return problems


def _line_problems(line: OrderLine | None, op: LineOperation, at: str) -> list[FieldProblem]:
    if line is None:
        return [FieldProblem(f"{at}.line_id", f"the order has no line {op.line_id}")]
    if line.open_quantity == 0:
        message = f"line {line.line_no} ({line.sku}) has no open units"
        return [FieldProblem(f"{at}.line_id", message)]
    if isinstance(op, ChangeQuantity):
        refused = _quantity_problem(line, op.quantity)
        return [FieldProblem(f"{at}.quantity", refused)] if refused else []
    return []


def _quantity_problem(line: OrderLine, quantity: int) -> str | None:
    if quantity < 1:
        return "must be at least 1; remove the line instead"
    if quantity < line.fulfilled_quantity:
        return f"{line.fulfilled_quantity} units of {line.sku} have shipped already"
    if quantity == line.billed_quantity:
        return f"is already {quantity}"
    return None


def _method_problems(order: Order, op: ChangeShippingMethod, at: str) -> list[FieldProblem]:
    pickup = op.shipping_method is ShippingMethod.PICKUP
    if pickup and not op.pickup_location:
        return [FieldProblem(f"{at}.pickup_location", "is required for pickup")]
    if not pickup and op.pickup_location:
        return [FieldProblem(f"{at}.pickup_location", "is only for shipping_method pickup")]
    if op.shipping_method.value == order.shipping_method and (
        op.pickup_location == order.pickup_location
    ):
        return [FieldProblem(f"{at}.shipping_method", f"is already {order.shipping_method}")]
    return []


def _keeps_open_units(order: Order, operations: Sequence[Operation]) -> bool:
    if any(isinstance(op, AddLine) for op in operations):
        return True
    cancelled = units_to_cancel(order, operations)
    return any(line.open_quantity > cancelled.get(line.id, 0) for line in order.lines)


def units_to_cancel(order: Order, operations: Sequence[Operation]) -> dict[UUID, int]:
    """Units per line that removals and lowered quantities cancel."""
    units: dict[UUID, int] = {}
    for op in operations:
        if isinstance(op, RemoveLine):
            units[op.line_id] = order.line(op.line_id).open_quantity
        elif (
            isinstance(op, ChangeQuantity) and op.quantity < order.line(op.line_id).billed_quantity
        ):
            units[op.line_id] = order.line(op.line_id).billed_quantity - op.quantity
    return units


def units_to_add(order: Order, operations: Sequence[Operation]) -> dict[UUID, int]:
    """Units per existing line that raised quantities order on top."""
    return {
        op.line_id: op.quantity - order.line(op.line_id).billed_quantity
        for op in operations
        if isinstance(op, ChangeQuantity) and op.quantity > order.line(op.line_id).billed_quantity
    }


def moves_pickup(order: Order, operations: Sequence[Operation]) -> bool:
    """True when the change switches to or from pickup or to another store: the stock the
    order holds must then come from other locations."""
    return any(
        isinstance(op, ChangeShippingMethod) and op.pickup_location != order.pickup_location
        for op in operations
    )


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
