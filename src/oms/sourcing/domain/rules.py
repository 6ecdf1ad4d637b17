"""A channel's sourcing rules: which locations may source an order, how they rank, and how an
order may be split. Versioned per channel; version 0 is ``DEFAULT_RULES``, in force until the
channel's first ``PUT``.

The default reproduces the fixed rule oms had before rules existed (issue 3): locations in the
channel's order, each line whole at the first location that has all of it, else split in that
order; nothing is refused for capacity or safety stock that is not configured (a capacity of 0
means unlimited, safety stock defaults to 0). A merchant who wants "nearest first, one parcel if
possible" says so: ``ranking: ["distance", ...]``, ``prefer_single_location: true``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from oms.shared.errors import FieldProblem, Invalid
from oms.shared.money import Money


class Criterion(StrEnum):
    """What locations are ranked by; the ranking compares them lexicographically."""

    PRIORITY = "priority"
    """The location's priority (its override, else its place in the channel's list); lower first."""
    DISTANCE = "distance"
    """Distance to the destination in buckets of ``distance_bucket_km``; nearer first."""
    STOCK_ON_HAND = "stock_on_hand"
    """Units of the order's items free at the location (above safety stock); more first."""
    COST = "cost"
    """The location's cost per shipment; cheaper first."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Filters:
    capacity: bool = True
    """Leave out locations that reached their daily order capacity (0 = unlimited)."""
    safety_stock: bool = True
    """Only units above the SKU's safety stock at a location may be taken."""


@dataclass(frozen=True, slots=True, kw_only=True)
class LocationRule:
    priority: int | None = None
    cost_per_shipment: int | None = None
    """Minor units of the channel's currency."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Strategy:
    prefer_single_location: bool = False
    """Send the whole order from one location when one can; else keep shipments few."""
    max_shipments: int | None = None
    """At most this many locations per order (None: no limit)."""
    allow_partial: bool = True
    """Split a line across locations; when False a line no single location can take whole is
    backordered whole (if it may be) instead."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Pickup:
    transfer_from: tuple[str, ...] = ()
    """Warehouses that may send stock to a pickup store that lacks it (a transfer)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class SourcingRules:
    channel: str
    version: int = 0
    filters: Filters = field(default_factory=Filters)
    ranking: tuple[Criterion, ...] = (Criterion.PRIORITY,)
    distance_bucket_km: int = 0
    """Distances in the same bucket tie (0: exact distances decide)."""
    locations: Mapping[str, LocationRule] = field(default_factory=dict)
    strategy: Strategy = field(default_factory=Strategy)
    pickup: Pickup = field(default_factory=Pickup)
    created_at: datetime | None = None
    created_by: str | None = None

    def document(self) -> dict[str, Any]:
        """The rules as stored (JSON; costs in minor units)."""
        return {
            "filters": {
                "capacity": self.filters.capacity,
                "safety_stock": self.filters.safety_stock,
            },
            "ranking": [c.value for c in self.ranking],
            "distance_bucket_km": self.distance_bucket_km,
            "locations": {
                code: {
                    "priority": rule.priority,
                    "cost_per_shipment_minor": rule.cost_per_shipment,
                }
                for code, rule in sorted(self.locations.items())
            },
            "strategy": {
                "prefer_single_location": self.strategy.prefer_single_location,
                "max_shipments": self.strategy.max_shipments,
                "allow_partial": self.strategy.allow_partial,
            },
            "pickup": {"transfer_from": list(self.pickup.transfer_from)},
        }


def default_rules(channel: str) -> SourcingRules:
    """Version 0: the rules a channel has until its first change (today's fixed rule)."""
    return SourcingRules(channel=channel)


def stored_rules(
    channel: str,
    version: int,
    document: Mapping[str, Any],
    *,
    created_at: datetime,
    created_by: str,
) -> SourcingRules:
    """Rules from their stored document (written by ``SourcingRules.document``)."""
    locations = {
        code: LocationRule(
            priority=rule.get("priority"), cost_per_shipment=rule.get("cost_per_shipment_minor")
        )
        for code, rule in document["locations"].items()
    }
    return SourcingRules(
        channel=channel,
        version=version,
        filters=Filters(**document["filters"]),
        ranking=tuple(Criterion(c) for c in document["ranking"]),
        distance_bucket_km=document["distance_bucket_km"],
        locations=locations,
        strategy=Strategy(**document["strategy"]),
        pickup=Pickup(transfer_from=tuple(document["pickup"]["transfer_from"])),
        created_at=created_at,
        created_by=created_by,
    )


MAX_BUCKET_KM = 20_000
MAX_SHIPMENTS = 100
MAX_PRIORITY = 1_000_000


def parse_rules(
    channel: str, document: Mapping[str, Any], *, currency: str, known_locations: set[str]
) -> SourcingRules:
    """Rules from a client's document (the PUT body, already shaped by its schema), every bad
    field named at once; costs are amounts in the channel's currency."""
    problems: list[FieldProblem] = []
    ranking = _ranking(document.get("ranking", ["priority"]), problems)
    bucket = document.get("distance_bucket_km", 0)
    if not 0 <= bucket <= MAX_BUCKET_KM:
        problems.append(
            FieldProblem("distance_bucket_km", f"must be between 0 and {MAX_BUCKET_KM}")
        )
    locations = {
        code: _location_rule(code, rule, currency, known_locations, problems)
        for code, rule in (document.get("locations") or {}).items()
    }
    strategy = Strategy(**(document.get("strategy") or {}))
    if strategy.max_shipments is not None and not 1 <= strategy.max_shipments <= MAX_SHIPMENTS:
        problems.append(
            FieldProblem("strategy.max_shipments", f"must be between 1 and {MAX_SHIPMENTS}")
        )
    transfer = tuple((document.get("pickup") or {}).get("transfer_from", ()))
    for index, code in enumerate(transfer):
        if code not in known_locations:
            problems.append(FieldProblem(f"pickup.transfer_from.{index}", "is not a location"))
    if len(set(transfer)) != len(transfer):
        problems.append(FieldProblem("pickup.transfer_from", "names a location twice"))
    if problems:
        raise Invalid("the sourcing rules have invalid fields", problems=problems)
    return SourcingRules(
        channel=channel,
        filters=Filters(**(document.get("filters") or {})),
        ranking=ranking,
        distance_bucket_km=bucket,
        locations=locations,
        strategy=strategy,
        pickup=Pickup(transfer_from=transfer),
    )


def _ranking(names: list[str], problems: list[FieldProblem]) -> tuple[Criterion, ...]:
    known = {c.value for c in Criterion}
    ranking: list[Criterion] = []
    for index, name in enumerate(names):
        if name not in known:
            problems.append(
                FieldProblem(f"ranking.{index}", f"must be one of {', '.join(sorted(known))}")
            )
        elif Criterion(name) in ranking:
            problems.append(FieldProblem(f"ranking.{index}", f"{name} is named twice"))
        else:
            ranking.append(Criterion(name))
    return tuple(ranking)


def _location_rule(
    code: str,
    rule: Mapping[str, Any],
    currency: str,
    known: set[str],
    problems: list[FieldProblem],
) -> LocationRule:
    path = f"locations.{code}"
    if code not in known:
        problems.append(FieldProblem(path, "is not a location"))
    priority = rule.get("priority")
    if priority is not None and not 0 <= priority <= MAX_PRIORITY:
        problems.append(FieldProblem(f"{path}.priority", f"must be between 0 and {MAX_PRIORITY}"))
    cost = rule.get("cost_per_shipment")
    minor = None
    if cost is not None:
        try:
            amount = Decimal(str(cost))
            money = Money(amount, currency)
        except (InvalidOperation, Invalid):
            problems.append(FieldProblem(f"{path}.cost_per_shipment", "is not an amount"))
        else:
            if money.amount != amount:
                problems.append(
                    FieldProblem(
                        f"{path}.cost_per_shipment", f"has more decimals than {currency} allows"
                    )
                )
            elif amount < 0:
                problems.append(FieldProblem(f"{path}.cost_per_shipment", "must not be negative"))
            minor = money.minor
    return LocationRule(priority=priority, cost_per_shipment=minor)
