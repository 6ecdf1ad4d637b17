"""The edit form read into an order change: the operations it asks for, and for each one the
form field it came from, so that every problem the preview names appears next to that field.

A blank or unchanged quantity asks for nothing; a ticked "remove" removes the line whatever its
quantity says; an add row needs a SKU (its quantity defaults to one); the shipping method and
the address are changes only when they differ from the order's.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from starlette.datastructures import FormData

from oms import orders
from oms.console.pages.order_actions.lookup import too_long
from oms.console.shell.forms import text
from oms.orders.pricing import ShippingMethod
from oms.shared.address import Address
from oms.shared.errors import FieldProblem

ADD_ROWS = 3
MAX_UNITS = 1_000_000
SKU_LENGTH = 64
ADDRESS_LIMITS = {
    "name": 200,
    "company": 200,
    "line1": 200,
    "line2": 200,
    "city": 120,
    "postal_code": 20,
    "region": 60,
    "country": 2,
}
ADDRESS_FIELDS = tuple(ADDRESS_LIMITS)


@dataclass
class Draft:
    """The operations a form asks for, where each came from, and what the form got wrong."""

    operations: list[orders.Operation] = field(default_factory=list)
    origins: list[dict[str, str]] = field(default_factory=list)
    """Per operation: the form field of each of its fields ('' for the operation itself)."""
    problems: list[FieldProblem] = field(default_factory=list)

    def add(self, operation: orders.Operation, origin: dict[str, str]) -> None:
        self.operations.append(operation)
        self.origins.append(origin)

    def field_for(self, path: str) -> str | None:
        """The form field of a problem the preview names (``operations.2.quantity``)."""
        head, _, rest = path.partition(".")
        index, _, tail = rest.partition(".")
        if head != "operations" or not index.isdigit() or int(index) >= len(self.origins):
            return None
        origin = self.origins[int(index)]
        return origin.get(tail) or origin[""]


def defaults(order: orders.Order) -> dict[str, str]:
    """The form as the order stands: its quantities, shipping method, store and address."""
    values = {f"qty.{line.id}": str(line.billed_quantity) for line in editable_lines(order)}
    values["shipping_method"] = order.shipping_method
    values["pickup_location"] = order.pickup_location or ""
    values.update(
        {f"address.{name}": value for name, value in order.shipping_address.as_dict().items()}
    )
    return values


def editable_lines(order: orders.Order) -> list[orders.OrderLine]:
    """Lines with units still open (neither cancelled nor shipped): the ones an edit changes."""
    return [line for line in order.lines if line.open_quantity > 0]


def read_draft(order: orders.Order, form: FormData) -> Draft:
    """The change the form asks of ``order``."""
    draft = Draft()
    _read_lines(order, form, draft)
    _read_additions(form, draft)
    _read_method(order, form, draft)
    _read_address(order, form, draft)
    return draft


def _units(raw: str, name: str, draft: Draft) -> int | None:
    try:
        units = int(raw)
    except ValueError:
        draft.problems.append(FieldProblem(name, "must be a whole number"))
        return None
    if abs(units) > MAX_UNITS:
        draft.problems.append(FieldProblem(name, f"must be at most {MAX_UNITS}"))
        return None
    return units


def _read_lines(order: orders.Order, form: FormData, draft: Draft) -> None:
    for line in editable_lines(order):
        quantity_name, remove_name = f"qty.{line.id}", f"remove.{line.id}"
        if text(form, remove_name):
            draft.add(orders.RemoveLine(line_id=line.id), {"": remove_name})
            continue
        raw = text(form, quantity_name)
        units = _units(raw, quantity_name, draft) if raw else None
        if units is not None and units != line.billed_quantity:
            draft.add(orders.ChangeQuantity(line_id=line.id, quantity=units), {"": quantity_name})


def _read_additions(form: FormData, draft: Draft) -> None:
    for row in range(ADD_ROWS):
        sku_name, quantity_name = f"add_sku.{row}", f"add_qty.{row}"
        sku, raw = text(form, sku_name), text(form, quantity_name)
        if not sku:
            if raw:
                draft.problems.append(FieldProblem(sku_name, "name the SKU to add"))
            continue
        if len(sku) > SKU_LENGTH:
            draft.problems.append(
                FieldProblem(sku_name, f"must be at most {SKU_LENGTH} characters")
            )
            continue
        units = _units(raw or "1", quantity_name, draft)
        if units is not None:
            draft.add(
                orders.AddLine(sku=sku, quantity=units),
                {"": sku_name, "sku": sku_name, "quantity": quantity_name},
            )


def _read_method(order: orders.Order, form: FormData, draft: Draft) -> None:
    raw = text(form, "shipping_method") or order.shipping_method
    try:
        method = ShippingMethod(raw)
    except ValueError:
        choices = ", ".join(m.value for m in ShippingMethod)
        draft.problems.append(FieldProblem("shipping_method", f"must be one of {choices}"))
        return
    store = (text(form, "pickup_location") or None) if method is ShippingMethod.PICKUP else None
    if method.value != order.shipping_method or store != order.pickup_location:
        draft.add(
            orders.ChangeShippingMethod(shipping_method=method, pickup_location=store),
            {
                "": "shipping_method",
                "shipping_method": "shipping_method",
                "pickup_location": "pickup_location",
            },
        )


def _read_address(order: orders.Order, form: FormData, draft: Draft) -> None:
    if not any(f"address.{name}" in form for name in ADDRESS_FIELDS):
        return
    given = {name: text(form, f"address.{name}") for name in ADDRESS_FIELDS}
    given["country"] = given["country"].upper()
    if given == order.shipping_address.as_dict():
        return
    long = too_long(given, ADDRESS_LIMITS)
    if long:
        draft.problems.extend(FieldProblem(f"address.{p.field}", p.message) for p in long)
        return
    origin = {f"address.{name}": f"address.{name}" for name in ADDRESS_FIELDS}
    draft.add(
        orders.ChangeShippingAddress(address=Address(**given)),
        {"": "address.line1", "address": "address.line1", **origin},
    )
