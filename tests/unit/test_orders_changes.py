"""The rules of order changes, without a database."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from uuid import UUID, uuid4

import pytest

from oms.orders.domain import (
    Buyer,
    NotEditable,
    Order,
    OrderLine,
    OrderStatus,
    StaleOrderVersion,
    Totals,
    VersionRequired,
)
from oms.orders.domain.changes import (
    AddLine,
    ChangeNotPending,
    ChangePreview,
    ChangeQuantity,
    ChangeShippingAddress,
    ChangeShippingMethod,
    ChangeStatus,
    LinePreview,
    Operation,
    OrderChange,
    PreviewOutdated,
    RemoveLine,
    StockCheck,
    expected_version,
    operation_from_json,
    operation_json,
    preview_from_json,
    preview_json,
    pricing_field,
)
from oms.orders.domain.editing import (
    moves_pickup,
    operation_problems,
    units_to_add,
    units_to_cancel,
)
from oms.orders.pricing import ShippingMethod
from oms.shared.address import Address
from oms.shared.errors import Invalid
from oms.shared.money import Money

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
HOME = Address(line1="Invalidenstr. 1", city="Berlin", postal_code="10115", country="DE")


def eur(amount: str) -> Money:
    return Money.of(amount, "EUR")


def totals(total: str) -> Totals:
    zero = eur("0")
    return Totals(
        subtotal=eur(total),
        shipping=zero,
        shipping_tax=zero,
        discount=zero,
        tax=zero,
        total=eur(total),
    )


def line(no: int, quantity: int = 2, **changes: object) -> OrderLine:
    made = OrderLine(
        id=uuid4(),
        line_no=no,
        variant_id=uuid4(),
        sku=f"TS-{no}",
        name="T-shirt",
        tax_category="standard",
        quantity=quantity,
        unit_price=eur("20"),
        subtotal=eur("20") * quantity,
        discount=eur("0"),
        tax_rate=Decimal("0.19"),
        tax=eur("0"),
        total=eur("20") * quantity,
    )
    return replace(made, **changes)  # type: ignore[arg-type]


def an_order(*lines: OrderLine, **changes: object) -> Order:
    made = Order(
        id=uuid4(),
        number="SO-10001",
        channel="web",
        external_id=None,
        buyer=Buyer(
            customer_id=uuid4(), email="ada@example.com", name="Ada", phone=None, locale="de"
        ),
        status=OrderStatus.CONFIRMED,
        version=3,
        currency="EUR",
        prices_include_tax=True,
        shipping_method="standard",
        pickup_location=None,
        shipping_address=HOME,
        billing_address=None,
        address_validated=True,
        notes="",
        totals=totals("40"),
        placed_at=NOW,
        updated_at=NOW,
        lines=lines or (line(1),),
    )
    return replace(made, **changes)  # type: ignore[arg-type]


def fields(order: Order, *operations: Operation) -> list[str]:
    return [p.field for p in operation_problems(order, operations)]


def test_a_change_needs_an_operation() -> None:
    assert fields(an_order()) == ["operations"]


def test_lines_are_named_by_their_operation() -> None:
    first = line(1)
    order = an_order(first, line(2))
    assert fields(
        order,
        AddLine(sku="TS-9", quantity=0),
        ChangeQuantity(line_id=first.id, quantity=0),
        RemoveLine(line_id=uuid4()),
    ) == ["operations.0.quantity", "operations.1.quantity", "operations.2.line_id"]


def test_a_line_is_changed_once_per_change() -> None:
    first = line(1)
    order = an_order(first, line(2))
    assert fields(
        order, RemoveLine(line_id=first.id), ChangeQuantity(line_id=first.id, quantity=1)
    ) == ["operations.1"]


def test_one_address_and_one_method_per_change() -> None:
    twice = ChangeShippingAddress(address=HOME)
    assert fields(an_order(), twice, twice) == ["operations.1"]


def test_several_lines_may_be_added() -> None:
    assert fields(an_order(), AddLine(sku="A", quantity=1), AddLine(sku="A", quantity=2)) == []


def test_a_quantity_that_does_not_change_is_refused() -> None:
    first = line(1, quantity=3, cancelled_quantity=1)
    assert fields(an_order(first), ChangeQuantity(line_id=first.id, quantity=2)) == [
        "operations.0.quantity"
    ]


def test_a_quantity_below_the_shipped_units_is_refused() -> None:
    first = line(1, quantity=5, fulfilled_quantity=3)
    problems = operation_problems(an_order(first), [ChangeQuantity(line_id=first.id, quantity=2)])
    assert [(p.field, p.message) for p in problems] == [
        ("operations.0.quantity", "3 units of TS-1 have shipped already")
    ]


def test_a_fully_cancelled_line_cannot_be_changed() -> None:
    gone = line(1, cancelled_quantity=2)
    order = an_order(gone, line(2))
    assert fields(order, RemoveLine(line_id=gone.id)) == ["operations.0.line_id"]


def test_removing_the_last_open_line_says_to_cancel_the_order() -> None:
    first, second = line(1), line(2)
    order = an_order(first, second)
    problems = operation_problems(
        order, [RemoveLine(line_id=first.id), RemoveLine(line_id=second.id)]
    )
    assert [p.field for p in problems] == ["operations"]
    assert "cancel the order" in problems[0].message
    replaced = [
        RemoveLine(line_id=first.id),
        RemoveLine(line_id=second.id),
        AddLine(sku="X", quantity=1),
    ]
    assert operation_problems(order, replaced) == []


def test_pickup_needs_a_store_and_only_pickup_takes_one() -> None:
    order = an_order()
    assert fields(order, ChangeShippingMethod(shipping_method=ShippingMethod.PICKUP)) == [
        "operations.0.pickup_location"
    ]
    express = ChangeShippingMethod(shipping_method=ShippingMethod.EXPRESS, pickup_location="s")
    assert fields(order, express) == ["operations.0.pickup_location"]
    same = ChangeShippingMethod(shipping_method=ShippingMethod.STANDARD)
    assert fields(order, same) == ["operations.0.shipping_method"]


def test_lowering_cancels_and_raising_orders_more_units() -> None:
    first = line(1, quantity=5, cancelled_quantity=1)
    second, third = line(2), line(3)
    order = an_order(first, second, third)
    operations = [
        ChangeQuantity(line_id=first.id, quantity=2),
        ChangeQuantity(line_id=second.id, quantity=6),
        RemoveLine(line_id=third.id),
    ]
    assert units_to_cancel(order, operations) == {first.id: 2, third.id: 2}
    assert units_to_add(order, operations) == {second.id: 4}


@pytest.mark.parametrize(
    ("pickup_before", "pickup_after", "moves"),
    [(None, "store-paris", True), ("store-paris", None, True), ("store-paris", "store-lyon", True)],
)
def test_the_order_is_sourced_again_when_its_pickup_store_changes(
    pickup_before: str | None, pickup_after: str | None, moves: bool
) -> None:
    order = an_order(pickup_location=pickup_before)
    method = ShippingMethod.PICKUP if pickup_after else ShippingMethod.STANDARD
    change = ChangeShippingMethod(shipping_method=method, pickup_location=pickup_after)
    assert moves_pickup(order, [change]) is moves


def test_express_instead_of_standard_keeps_the_stock_where_it_is() -> None:
    express = ChangeShippingMethod(shipping_method=ShippingMethod.EXPRESS)
    assert moves_pickup(an_order(), [express]) is False
    assert moves_pickup(an_order(), [ChangeShippingAddress(address=HOME)]) is False


@pytest.mark.parametrize("status", [OrderStatus.PENDING, OrderStatus.CONFIRMED])
def test_orders_not_in_fulfilment_are_editable(status: OrderStatus) -> None:
    an_order(status=status).check_editable()


@pytest.mark.parametrize(
    "status", [OrderStatus.IN_PROGRESS, OrderStatus.COMPLETED, OrderStatus.CANCELLED]
)
def test_orders_in_fulfilment_or_done_are_not_editable(status: OrderStatus) -> None:
    with pytest.raises(NotEditable):
        an_order(status=status).check_editable()


def test_an_order_with_shipped_units_is_not_editable() -> None:
    with pytest.raises(NotEditable, match="shipped"):
        an_order(line(1, fulfilled_quantity=1)).check_editable()


@pytest.mark.parametrize(
    ("header", "version"), [('"3"', 3), ("3", 3), ('W/"3"', 3), (' "12" ', 12)]
)
def test_if_match_is_read_in_every_usual_form(header: str, version: int) -> None:
    assert expected_version(header) == version


@pytest.mark.parametrize("header", [None, "", "  "])
def test_a_missing_if_match_is_required(header: str | None) -> None:
    with pytest.raises(VersionRequired):
        expected_version(header)


@pytest.mark.parametrize("header", ["*", '"abc"', '"1", "2"'])
def test_an_if_match_that_is_no_version_is_invalid(header: str) -> None:
    with pytest.raises(Invalid) as raised:
        expected_version(header)
    assert raised.value.problems[0].field == "If-Match"


def a_preview() -> ChangePreview:
    return ChangePreview(
        current_totals=totals("44.90"),
        new_totals=totals("110.00"),
        lines=(
            LinePreview(
                line_id=None,
                line_no=2,
                sku="TS-2",
                name="Hoodie",
                previous_quantity=0,
                quantity=1,
                unit_price=eur("50"),
                subtotal=eur("50"),
                discount=eur("0"),
                tax_rate=Decimal("0.19"),
                tax=eur("7.98"),
                total=eur("50"),
            ),
        ),
        stock=(StockCheck(sku="TS-2", requested=1, available=2),),
        shipping_method="pickup",
        pickup_location="store-paris",
    )


def a_change(order: Order, **changes: object) -> OrderChange:
    made = OrderChange(
        id=uuid4(),
        order_id=order.id,
        base_version=order.version,
        status=ChangeStatus.PREVIEWED,
        operations=(AddLine(sku="TS-2", quantity=1),),
        preview=a_preview(),
        created_by="api-key:x",
        created_at=NOW,
    )
    return replace(made, **changes)  # type: ignore[arg-type]


def test_the_difference_is_the_new_total_minus_the_current_one() -> None:
    assert a_preview().difference == eur("65.10")


def test_a_confirmed_change_is_not_pending_any_more() -> None:
    order = an_order()
    with pytest.raises(ChangeNotPending):
        order.check_confirmable(a_change(order, status=ChangeStatus.CONFIRMED), order.version)


def test_a_change_is_confirmed_only_at_the_version_it_was_previewed_from() -> None:
    order = an_order()
    order.check_confirmable(a_change(order), 3)
    with pytest.raises(StaleOrderVersion):
        order.check_confirmable(a_change(order), 2)
    with pytest.raises(StaleOrderVersion):
        order.check_confirmable(a_change(order, base_version=2), 3)


def test_a_change_to_an_order_no_longer_editable_says_so_before_versions() -> None:
    order = an_order()
    cancelled = replace(order, status=OrderStatus.CANCELLED, version=4)
    with pytest.raises(NotEditable):
        cancelled.check_confirmable(a_change(order), 3)


def test_a_change_that_would_now_cost_otherwise_is_outdated() -> None:
    change = a_change(an_order())
    change.check_priced_as_previewed(totals("110.00"))
    with pytest.raises(PreviewOutdated) as raised:
        change.check_priced_as_previewed(totals("115.00"))
    assert raised.value.facts == {"previewed_total": "110.00", "total": "115.00"}


def test_operations_and_previews_survive_storage() -> None:
    operations: list[Operation] = [
        AddLine(sku="TS-2", quantity=1),
        RemoveLine(line_id=UUID(int=1)),
        ChangeQuantity(line_id=UUID(int=2), quantity=4),
        ChangeShippingAddress(address=HOME),
        ChangeShippingMethod(shipping_method=ShippingMethod.PICKUP, pickup_location="store-paris"),
    ]
    stored = [operation_json(op) for op in operations]
    assert [s["op"] for s in stored] == [
        "add_line",
        "remove_line",
        "change_quantity",
        "change_shipping_address",
        "change_shipping_method",
    ]
    assert [operation_from_json(s) for s in stored] == operations
    assert preview_from_json(preview_json(a_preview())) == a_preview()


def test_pricing_problems_point_at_the_operation_that_caused_them() -> None:
    operations: list[Operation] = [
        AddLine(sku="TS-2", quantity=1),
        ChangeShippingAddress(address=HOME),
    ]
    adding = [None, 0]
    assert pricing_field("shipping_address.country", operations, adding) == (
        "operations.1.address.country"
    )
    assert pricing_field("lines.1.sku", operations, adding) == "operations.0.sku"
    assert pricing_field("lines.0.sku", operations, adding) == "operations.1.address.country"
    assert pricing_field("shipping_method", operations, adding) == "operations.1.address.country"


def test_pricing_problems_of_a_new_pickup_store_point_at_the_store() -> None:
    to_store = ChangeShippingMethod(shipping_method=ShippingMethod.PICKUP, pickup_location="s")
    assert pricing_field("pickup_location", [to_store], []) == "operations.0.pickup_location"
    assert pricing_field("shipping_address.country", [to_store], []) == (
        "operations.0.pickup_location"
    )
    express = ChangeShippingMethod(shipping_method=ShippingMethod.EXPRESS)
    assert pricing_field("shipping_method", [express], []) == "operations.0.shipping_method"


def test_pricing_problems_without_a_cause_in_the_change_keep_their_name() -> None:
    assert pricing_field("shipping_method", [AddLine(sku="A", quantity=1)], [0]) == (
        "shipping_method"
    )
