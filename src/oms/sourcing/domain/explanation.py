"""Why an order was sourced as it was, in a form a person (and a client) can read.

The explanation is JSON-ready (strings, numbers, booleans, lists, objects) because it is stored
as the ``details`` of the order's ``sourced`` timeline entry and shown by
``GET /v1/orders/{id}/sourcing``: the rules version, the destination and how its point was found,
every location considered (excluded, and why; or its ranking values and rank), what each line
got, and one sentence that sums it up.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any
from uuid import UUID

from oms.shared.money import Money
from oms.sourcing.domain.engine import Decision, Ranked, Request, Role
from oms.sourcing.domain.rules import Criterion

_WHY_FIRST = {
    Criterion.DISTANCE: "the nearest location with every item",
    Criterion.PRIORITY: "the first location by priority with every item",
    Criterion.STOCK_ON_HAND: "the location with the most of the order's items",
    Criterion.COST: "the cheapest location with every item",
}


def explain(request: Request, decision: Decision) -> dict[str, Any]:
    """The explanation of ``decision`` (made from ``request``)."""
    rules = request.rules
    return {
        "rules_version": rules.version,
        "ranking": [c.value for c in rules.ranking],
        "strategy": {
            "prefer_single_location": rules.strategy.prefer_single_location,
            "max_shipments": rules.strategy.max_shipments,
            "allow_partial": rules.strategy.allow_partial,
        },
        "destination": _destination(request),
        "locations": _locations(request, decision),
        "lines": _lines(request, decision),
        "summary": summarise(request, decision),
    }


def _destination(request: Request) -> dict[str, Any]:
    point = request.destination.point
    return {
        "found_by": request.destination.found.value,
        "latitude": None if point is None else float(point.latitude),
        "longitude": None if point is None else float(point.longitude),
    }


def _km(distance: float | None) -> float | None:
    return None if distance is None else round(distance, 1)


def _locations(request: Request, decision: Decision) -> list[dict[str, Any]]:
    ranked = {r.site.id: r for r in decision.ranked}
    rows: list[dict[str, Any]] = []
    for site in request.sites:
        row: dict[str, Any] = {"location": site.code, "role": site.role.value}
        found = ranked.get(site.id)
        if found is None:
            row["excluded"] = decision.excluded.get(site.id, "not considered")
        else:
            row |= _values(found, request.currency)
        rows.append(row)
    return sorted(rows, key=lambda r: (r.get("rank") is None, r.get("rank") or 0))


def _values(ranked: Ranked, currency: str) -> dict[str, Any]:
    return {
        "rank": ranked.rank,
        "distance_km": _km(ranked.distance_km),
        "priority": ranked.priority,
        "stock_on_hand": ranked.stock_on_hand,
        "cost_per_shipment": None
        if ranked.cost is None
        else str(Money.from_minor(ranked.cost, currency).amount),
    }


def _lines(request: Request, decision: Decision) -> list[dict[str, Any]]:
    codes = {s.id: s.code for s in request.sites}
    picks: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for pick in decision.picks:
        picks[pick.line_no].append({"location": codes[pick.location_id], "quantity": pick.quantity})
    rows = []
    for need in request.needs:
        taken = sum(p["quantity"] for p in picks[need.line_no])
        backordered = decision.backordered.get(need.line_no, 0)
        rows.append(
            {
                "line_no": need.line_no,
                "sku": need.sku,
                "quantity": need.quantity,
                "picks": picks[need.line_no],
                "backordered": backordered,
                "short": need.quantity - taken - backordered,
                "preorder": need.preorder,
            }
        )
    return rows


def summarise(request: Request, decision: Decision) -> str:
    """One sentence: where the order comes from, and what waits."""
    codes = {s.id: s.code for s in request.sites}
    units: dict[UUID, int] = defaultdict(int)
    for pick in decision.picks:
        units[pick.location_id] += pick.quantity
    ranked = {r.site.id: r for r in decision.ranked}
    waiting = sum(decision.backordered.values())
    preordered = sum(decision.backordered.get(no, 0) for no in decision.preordered)
    if not units:
        head = "nothing sourced"
    elif len(units) == 1:
        (only,) = units
        head = f"whole order from {codes[only]}, {_why_one(request, decision, ranked[only])}"
        if waiting:
            head = f"from {codes[only]}, {_why_one(request, decision, ranked[only])}"
    else:
        parts = [f"{codes[loc]} ({n} units)" for loc, n in units.items()]
        head = f"split across {_join(parts)}: {_why_split(request, decision)}"
    tails = []
    if preordered:
        tails.append(f"{preordered} units pre-ordered until their release")
    if waiting - preordered:
        tails.append(f"{waiting - preordered} units backordered")
    short = sum(s.requested for s in decision.shortfalls)
    if short:
        tails.append("some SKUs are short")
    return "; ".join([head, *tails])


def _why_one(request: Request, decision: Decision, chosen: Ranked) -> str:
    if chosen.site.role is Role.PICKUP:
        return "the pickup store"
    if len(decision.ranked) == 1:
        reason = "the only location that could take it"
    elif decision.single is not None and request.rules.ranking:
        reason = _WHY_FIRST[request.rules.ranking[0]]
    else:
        reason = "the best-ranked location for every line"
    if chosen.distance_km is not None:
        reason += f" ({round(chosen.distance_km):.0f} km)"
    return reason


def _why_split(request: Request, decision: Decision) -> str:
    if request.rules.strategy.prefer_single_location and decision.single is None:
        return "no single location has every item"
    criteria = (
        ", ".join(c.value.replace("_", " ") for c in request.rules.ranking) or "the channel's order"
    )
    return f"each line from the best-ranked location that has it (by {criteria})"


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
