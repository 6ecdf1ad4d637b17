"""API schemas of the orders context."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import Field, TypeAdapter, field_validator, model_validator

from oms.orders.domain import (
    FulfilmentStatus,
    Hold,
    HoldReason,
    HoldRule,
    HoldRuleSetting,
    Order,
    OrderLine,
    OrderLink,
    OrderReturnStatus,
    OrderStatus,
    PaymentStatus,
    TimelineEntry,
    Totals,
    changes,
)
from oms.orders.pricing import ShippingMethod
from oms.platform.inputs import Email, Instant, exact_money
from oms.platform.pagination import MAX_LIMIT
from oms.platform.schemas import (
    AddressIn,
    AddressOut,
    DecimalAmount,
    DecimalString,
    Input,
    MoneyIn,
    MoneyOut,
    Output,
    Quantity,
)
from oms.platform.security import Principal
from oms.shared.address import Address
from oms.shared.errors import Invalid
from oms.shared.geo import GeoPoint


class OrderQuery(Input):
    """Filters of the order list (unknown query parameters are refused)."""

    status: OrderStatus | None = None
    channel: str | None = Field(default=None, max_length=40)
    customer_email: Email | None = Field(
        default=None, description="Exact buyer email; for roles that may see contact details."
    )
    placed_from: Instant | None = Field(default=None, description="Inclusive, with its offset.")
    placed_to: Instant | None = Field(default=None, description="Exclusive, with its offset.")
    on_hold: bool | None = None
    q: str | None = Field(default=None, max_length=100, description="Order number or external id.")
    limit: int = Field(default=50, ge=1, le=MAX_LIMIT)
    cursor: str | None = Field(default=None, max_length=512)


class BuyerIn(Input):
    email: Email
    name: str = Field(min_length=1, max_length=200, examples=["Ada Lovelace"])
    phone: str | None = Field(default=None, max_length=40)
    locale: str | None = Field(default=None, max_length=20, examples=["de-DE"])


class OrderLineIn(Input):
    sku: str = Field(max_length=64)
    quantity: Quantity
    unit_price: MoneyIn | None = Field(
        default=None, description="Marketplace channels only: the price the marketplace sold at."
    )
    discount: MoneyIn | None = Field(default=None, description="Total discount on the line.")

    @field_validator("unit_price", "discount")
    @classmethod
    def _exact(cls, money: MoneyIn | None) -> MoneyIn | None:
        """Refused, not rounded: ``19.999 EUR`` was never a price the marketplace charged."""
        try:
            if money is not None:
                exact_money(money.amount, money.currency, field="amount")
        except Invalid as error:
            raise ValueError(error.problems[0].message if error.problems else str(error)) from None
        return money


class ShippingAddressIn(AddressIn):
    """The address, and where it is when the channel knows (a map pin, a geocoded address):
    sourcing measures the distance to each location from it. Both or neither."""

    latitude: Decimal | None = Field(default=None, ge=-90, le=90, examples=[52.5321])
    longitude: Decimal | None = Field(default=None, ge=-180, le=180, examples=[13.3849])

    @model_validator(mode="after")
    def _both_or_neither(self) -> ShippingAddressIn:
        if (self.latitude is None) != (self.longitude is None):
            raise ValueError("send latitude and longitude together")
        return self

    def to_domain(self) -> Address:
        return Address(**self.model_dump(exclude={"latitude", "longitude"}))

    def destination(self) -> GeoPoint | None:
        if self.latitude is None or self.longitude is None:
            return None
        return GeoPoint(latitude=self.latitude, longitude=self.longitude)


class OrderIn(Input):
    channel: str | None = Field(
        default=None, max_length=40, description="Channel code; a channel key may omit it."
    )
    external_id: str | None = Field(
        default=None, max_length=100, description="The channel's own order id; unique per channel."
    )
    customer: BuyerIn
    shipping_address: ShippingAddressIn
    billing_address: AddressIn | None = None
    lines: list[OrderLineIn] = Field(max_length=500)
    shipping_method: ShippingMethod = ShippingMethod.STANDARD
    pickup_location: str | None = Field(default=None, max_length=40)
    notes: str = Field(default="", max_length=2000)
    gift_message: str | None = Field(
        default=None, max_length=500, description="Printed on the packing slip."
    )


class BuyerOut(Output):
    id: UUID | None = Field(
        description="The customer profile; null for keys that may not read profiles."
    )
    name: str
    email: str | None = Field(description="Hidden from roles that need no contact details.")
    phone: str | None
    locale: str


class AllocationOut(Output):
    location: str
    quantity: int


class OrderLineOut(Output):
    id: UUID
    line_no: int
    sku: str
    name: str
    quantity: int
    cancelled_quantity: int
    backordered_quantity: int
    fulfilled_quantity: int = Field(description="Units shipped.")
    delivered_quantity: int = Field(description="Units of the shipped delivered or picked up.")
    allocated_quantity: int
    allocations: list[AllocationOut]
    unit_price: MoneyOut
    subtotal: MoneyOut
    discount: MoneyOut
    tax_rate: DecimalString
    tax: MoneyOut
    total: MoneyOut


class OrderTotalsOut(Output):
    subtotal: MoneyOut
    shipping: MoneyOut
    shipping_tax: MoneyOut
    discount: MoneyOut
    tax: MoneyOut
    total: MoneyOut = Field(description="Amount due. Tax is included in it either way.")


class HoldOut(Output):
    id: UUID
    reason: HoldReason
    rule: str | None
    note: str
    placed_by: str
    placed_at: datetime
    auto_release_at: datetime | None
    released_at: datetime | None
    released_by: str | None

    @classmethod
    def of(cls, hold: Hold) -> HoldOut:
        return cls(
            id=str(hold.id),
            reason=hold.reason,
            rule=hold.rule,
            note=hold.note,
            placed_by=hold.placed_by,
            placed_at=hold.placed_at,
            auto_release_at=hold.auto_release_at,
            released_at=hold.released_at,
            released_by=hold.released_by,
        )


class OrderLinkOut(Output):
    parent_order_id: UUID
    kind: Literal["exchange", "reship"]
    return_id: UUID

    @classmethod
    def of(cls, link: OrderLink) -> OrderLinkOut:
        return cls(
            parent_order_id=link.parent_order_id, kind=link.kind.value, return_id=link.return_id
        )


class OrderOut(Output):
    id: UUID
    number: str
    channel: str
    external_id: str | None
    status: OrderStatus
    on_hold: bool
    payment_status: PaymentStatus = Field(
        description="Derived from the order's tenders: `unpaid`, `authorized`, `partially_paid`, "
        "`paid`, `partially_refunded`, `refunded` or `voided`."
    )
    authorized: MoneyOut = Field(description="Authorised by the tenders, less what was voided.")
    captured: MoneyOut
    refunded: MoneyOut = Field(description="Refunded, and taken back by chargebacks.")
    conceded: MoneyOut = Field(
        description="The part of `refunded` given as goodwill: a concession, not owed again."
    )
    balance_due: MoneyOut = Field(
        description="Total - captured + (refunded - conceded), never below zero; zero once "
        "cancelled."
    )
    fulfilment_status: FulfilmentStatus
    return_status: OrderReturnStatus
    version: int = Field(description="Bumped by every change; send it as If-Match to edit.")
    currency: str
    prices_include_tax: bool
    customer: BuyerOut
    shipping_method: ShippingMethod
    pickup_location: str | None
    shipping_address: AddressOut
    billing_address: AddressOut | None
    address_validated: bool
    notes: str
    gift_message: str | None
    link: OrderLinkOut | None = Field(
        default=None,
        description="An exchange's or a reship's tie to the order it serves and the return "
        "(or claim) behind it; null for an order placed by its channel.",
    )
    lines: list[OrderLineOut]
    totals: OrderTotalsOut
    holds: list[HoldOut]
    placed_at: datetime
    updated_at: datetime
    cancelled_at: datetime | None
    cancel_reason: str | None

    @classmethod
    def of(cls, order: Order, viewer: Principal | None = None) -> OrderOut:
        """The order as ``viewer`` may see it (everything without one, for staff tools).

        No buyer email or phone without contact rights; no customer profile id unless the
        viewer may read profiles: a caller never reads back more than its role may read.
        """
        buyer = order.buyer
        contacts = viewer is None or viewer.sees_contacts
        profile = viewer is None or viewer.sees_customer_ids
        paid = order.payment_figures
        return cls(
            id=str(order.id),
            number=order.number,
            channel=order.channel,
            external_id=order.external_id,
            status=order.status,
            on_hold=order.on_hold,
            payment_status=paid.status,
            authorized=MoneyOut.of(paid.authorized),
            captured=MoneyOut.of(paid.captured),
            refunded=MoneyOut.of(paid.refunded),
            conceded=MoneyOut.of(paid.conceded),
            balance_due=MoneyOut.of(order.balance_due),
            fulfilment_status=order.fulfilment_status,
            return_status=order.return_status,
            version=order.version,
            currency=order.currency,
            prices_include_tax=order.prices_include_tax,
            customer=BuyerOut(
                id=buyer.customer_id if profile else None,
                name=buyer.name,
                locale=buyer.locale,
                email=buyer.email if contacts else None,
                phone=buyer.phone if contacts else None,
            ),
            shipping_method=ShippingMethod(order.shipping_method),
            pickup_location=order.pickup_location,
            shipping_address=AddressOut.of(order.shipping_address),
            billing_address=AddressOut.of(order.billing_address) if order.billing_address else None,
            address_validated=order.address_validated,
            notes=order.notes,
            gift_message=order.gift_message,
            link=OrderLinkOut.of(order.link) if order.link else None,
            lines=[_line(order, line) for line in order.lines],
            totals=OrderTotalsOut(
                **{k: MoneyOut.of(getattr(order.totals, k)) for k in OrderTotalsOut.model_fields}
            ),
            holds=[HoldOut.of(h) for h in order.holds],
            placed_at=order.placed_at,
            updated_at=order.updated_at,
            cancelled_at=order.cancelled_at,
            cancel_reason=order.cancel_reason,
        )


def _line(order: Order, line: OrderLine) -> OrderLineOut:
    allocations = [a for a in order.allocations if a.line_id == line.id and a.quantity]
    return OrderLineOut(
        id=str(line.id),
        line_no=line.line_no,
        sku=line.sku,
        name=line.name,
        quantity=line.quantity,
        cancelled_quantity=line.cancelled_quantity,
        backordered_quantity=line.backordered_quantity,
        fulfilled_quantity=line.fulfilled_quantity,
        delivered_quantity=line.delivered_quantity,
        allocated_quantity=sum(a.quantity for a in allocations),
        allocations=[AllocationOut(location=a.location, quantity=a.quantity) for a in allocations],
        unit_price=MoneyOut.of(line.unit_price),
        subtotal=MoneyOut.of(line.subtotal),
        discount=MoneyOut.of(line.discount),
        tax_rate=line.tax_rate,
        tax=MoneyOut.of(line.tax),
        total=MoneyOut.of(line.total),
    )


class HoldIn(Input):
    reason: HoldReason
    note: str = Field(default="", max_length=500)
    auto_release_at: Instant | None = Field(
        default=None, description="When the hold releases itself (must be in the future)."
    )


class HoldReleaseIn(Input):
    note: str = Field(default="", max_length=500)


class CancelLineIn(Input):
    line_id: UUID
    quantity: Quantity


class CancelIn(Input):
    reason: str = Field(max_length=500)
    lines: list[CancelLineIn] | None = Field(
        default=None,
        min_length=1,
        max_length=500,
        description="Omit to cancel the whole order; each line at most once.",
    )

    @field_validator("lines")
    @classmethod
    def _each_line_once(cls, lines: list[CancelLineIn] | None) -> list[CancelLineIn] | None:
        seen: set[UUID] = set()
        for line in lines or ():
            if line.line_id in seen:
                raise ValueError(f"line {line.line_id} is named more than once")
            seen.add(line.line_id)
        return lines

    def to_lines(self) -> dict[UUID, int] | None:
        return {line.line_id: line.quantity for line in self.lines} if self.lines else None


class TimelineEntryOut(Output):
    at: datetime
    actor: str
    kind: str
    summary: str
    details: dict[str, Any]

    @classmethod
    def of(cls, entry: TimelineEntry) -> TimelineEntryOut:
        return cls(
            at=entry.at,
            actor=entry.actor,
            kind=entry.kind,
            summary=entry.summary,
            details=entry.details,
        )


class TrackedLineOut(Output):
    sku: str
    name: str
    quantity: int
    cancelled_quantity: int
    fulfilled_quantity: int
    delivered_quantity: int


class TrackedOrderOut(Output):
    """What a customer may see with their order number and email: no street, no contacts."""

    number: str
    status: OrderStatus
    fulfilment_status: FulfilmentStatus
    placed_at: datetime
    shipping_method: ShippingMethod
    pickup_location: str | None
    ship_to_city: str
    ship_to_country: str
    lines: list[TrackedLineOut]
    total: MoneyOut

    @classmethod
    def of(cls, order: Order) -> TrackedOrderOut:
        return cls(
            number=order.number,
            status=order.status,
            fulfilment_status=order.fulfilment_status,
            placed_at=order.placed_at,
            shipping_method=ShippingMethod(order.shipping_method),
            pickup_location=order.pickup_location,
            ship_to_city=order.shipping_address.city,
            ship_to_country=order.shipping_address.country,
            lines=[
                TrackedLineOut(
                    sku=line.sku,
                    name=line.name,
                    quantity=line.quantity,
                    cancelled_quantity=line.cancelled_quantity,
                    fulfilled_quantity=line.fulfilled_quantity,
                    delivered_quantity=line.delivered_quantity,
                )
                for line in order.lines
            ],
            total=MoneyOut.of(order.totals.total),
        )


class HoldRuleIn(Input):
    enabled: bool
    thresholds: dict[str, DecimalAmount] = Field(
        default_factory=dict,
        description="Amount per currency, for the amount rules.",
        examples=[{"EUR": "1000.00"}],
    )


class HoldRuleOut(Output):
    rule: HoldRule
    enabled: bool
    thresholds: dict[str, str]

    @classmethod
    def of(cls, setting: HoldRuleSetting) -> HoldRuleOut:
        return cls(
            rule=setting.rule,
            enabled=setting.enabled,
            thresholds={cur: str(m.amount) for cur, m in setting.thresholds.items()},
        )


class AddLineIn(Input):
    op: Literal["add_line"]
    sku: str = Field(max_length=64)
    quantity: Quantity

    def to_domain(self) -> changes.Operation:
        return changes.AddLine(sku=self.sku, quantity=self.quantity)


class RemoveLineIn(Input):
    op: Literal["remove_line"]
    line_id: UUID = Field(description="Every open unit of the line is cancelled.")

    def to_domain(self) -> changes.Operation:
        return changes.RemoveLine(line_id=self.line_id)


class ChangeQuantityIn(Input):
    op: Literal["change_quantity"]
    line_id: UUID
    quantity: Quantity = Field(description="Units wanted in the end (not cancelled).")

    def to_domain(self) -> changes.Operation:
        return changes.ChangeQuantity(line_id=self.line_id, quantity=self.quantity)


class ChangeShippingAddressIn(Input):
    op: Literal["change_shipping_address"]
    address: AddressIn

    def to_domain(self) -> changes.Operation:
        return changes.ChangeShippingAddress(address=self.address.to_domain())


class ChangeShippingMethodIn(Input):
    op: Literal["change_shipping_method"]
    shipping_method: ShippingMethod
    pickup_location: str | None = Field(
        default=None, max_length=40, description="The store's code; for pickup only."
    )

    def to_domain(self) -> changes.Operation:
        return changes.ChangeShippingMethod(
            shipping_method=self.shipping_method, pickup_location=self.pickup_location
        )


OperationIn = Annotated[
    AddLineIn | RemoveLineIn | ChangeQuantityIn | ChangeShippingAddressIn | ChangeShippingMethodIn,
    Field(discriminator="op"),
]
_operations: TypeAdapter[list[OperationIn]] = TypeAdapter(list[OperationIn])


class OrderChangeIn(Input):
    operations: list[OperationIn] = Field(max_length=100)

    def to_domain(self) -> tuple[changes.Operation, ...]:
        return tuple(op.to_domain() for op in self.operations)


_LINE_MONEY = ("unit_price", "subtotal", "discount", "tax", "total")


class LinePreviewOut(Output):
    line_id: UUID | None = Field(description="Null for a line the change adds.")
    line_no: int
    sku: str
    name: str
    previous_quantity: int = Field(description="Units billed now (ordered minus cancelled).")
    quantity: int = Field(description="Units billed after the change.")
    unit_price: MoneyOut
    subtotal: MoneyOut
    discount: MoneyOut
    tax_rate: DecimalString
    tax: MoneyOut
    total: MoneyOut

    @classmethod
    def of(cls, line: changes.LinePreview) -> LinePreviewOut:
        return cls(
            line_id=str(line.line_id) if line.line_id else None,
            line_no=line.line_no,
            sku=line.sku,
            name=line.name,
            previous_quantity=line.previous_quantity,
            quantity=line.quantity,
            tax_rate=line.tax_rate,
            **{name: MoneyOut.of(getattr(line, name)) for name in _LINE_MONEY},
        )


class StockCheckOut(Output):
    sku: str
    requested: int = Field(description="Units the change adds (all open units if re-sourced).")
    available: int = Field(description="Free now at the locations that may source the order.")
    backordered: int
    short: int = Field(description="Units neither free nor backorderable: confirming is refused.")


def _totals(totals: Totals) -> OrderTotalsOut:
    return OrderTotalsOut(
        **{k: MoneyOut.of(getattr(totals, k)) for k in OrderTotalsOut.model_fields}
    )


class OrderChangeOut(Output):
    id: UUID
    order_id: UUID
    base_version: int = Field(description="The order version the preview was made from.")
    status: changes.ChangeStatus
    operations: list[OperationIn]
    current_totals: OrderTotalsOut
    new_totals: OrderTotalsOut
    difference: MoneyOut = Field(description="New total minus current total.")
    shipping_method: ShippingMethod
    pickup_location: str | None
    lines: list[LinePreviewOut]
    stock: list[StockCheckOut]
    created_by: str
    created_at: datetime
    confirmed_at: datetime | None

    @classmethod
    def of(cls, change: changes.OrderChange) -> OrderChangeOut:
        preview = change.preview
        return cls(
            id=str(change.id),
            order_id=str(change.order_id),
            base_version=change.base_version,
            status=change.status,
            operations=_operations.validate_python(
                [changes.operation_json(op) for op in change.operations]
            ),
            current_totals=_totals(preview.current_totals),
            new_totals=_totals(preview.new_totals),
            difference=MoneyOut.of(preview.difference),
            shipping_method=ShippingMethod(preview.shipping_method),
            pickup_location=preview.pickup_location,
            lines=[LinePreviewOut.of(line) for line in preview.lines],
            stock=[StockCheckOut.model_validate(check) for check in preview.stock],
            created_by=change.created_by,
            created_at=change.created_at,
            confirmed_at=change.confirmed_at,
        )
