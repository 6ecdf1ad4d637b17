"""Errors of fulfilment orders: facts, never HTTP (``oms.platform.problems`` maps them).

NotFound   FulfilmentOrderNotFound
Invalid    UnitsNotOpen, UnknownFulfilmentLine
Conflict   FulfilmentOrderChanged, NothingToReroute, NotAPickup
           (and IllegalTransition from the fulfilment-order lifecycle)
"""

from __future__ import annotations

from uuid import UUID

from oms.shared.errors import Conflict, Invalid, NotFound


class FulfilmentOrderNotFound(NotFound):
    code = "fulfilment-order-not-found"
    title = "Fulfilment order not found"

    def __init__(self, reference: str) -> None:
        super().__init__(f"no fulfilment order {reference}", fulfilment_order=reference)


class UnknownFulfilmentLine(Invalid):
    code = "unknown-fulfilment-line"
    title = "Line not in this fulfilment order"

    def __init__(self, number: str, line_id: UUID, *, field: str = "lines") -> None:
        super().__init__(
            f"fulfilment order {number} has no line {line_id}", field=field, line=str(line_id)
        )


class UnitsNotOpen(Invalid):
    """More units asked of a line than are open on it (not shipped, not taken away)."""

    code = "units-not-open"
    title = "More units than are open"

    def __init__(
        self, number: str, line_id: UUID, requested: int, open_units: int, *, field: str = "lines"
    ) -> None:
        super().__init__(
            f"{requested} units of line {line_id} asked, {open_units} open on {number}",
            field=field,
            line=str(line_id),
            requested=requested,
            open=open_units,
        )


class FulfilmentOrderChanged(Conflict):
    """Saved over a version someone else changed meanwhile (a lost update refused)."""

    code = "fulfilment-order-changed"
    title = "Fulfilment order changed meanwhile"

    def __init__(self, reference: str) -> None:
        super().__init__(f"fulfilment order {reference} changed meanwhile; retry")


class NothingToReroute(Conflict):
    code = "nothing-to-reroute"
    title = "Nothing open to re-route"

    def __init__(self, order: str, locations: list[str]) -> None:
        super().__init__(
            f"order {order} has no open units at {', '.join(locations) or 'those locations'}",
            locations=locations,
        )


class NotAPickup(Conflict):
    code = "not-a-pickup"
    title = "Not a pickup fulfilment order"

    def __init__(self, number: str) -> None:
        super().__init__(f"fulfilment order {number} is shipped to the customer, not picked up")
