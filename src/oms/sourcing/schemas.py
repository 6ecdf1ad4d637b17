"""Request and response bodies of the sourcing routes (pydantic at the edge only).

The input schema shapes the rules document (unknown fields are 422 with their paths); the domain
(``oms.sourcing.domain.rules.parse_rules``) checks what a schema cannot (known locations,
criteria named once, amounts in the channel's currency).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from oms.platform.schemas import DecimalAmount, DecimalString, Input, Output
from oms.shared.money import Money
from oms.sourcing.domain import SourcingRules

CriterionName = Literal["priority", "distance", "stock_on_hand", "cost"]


class FiltersIn(Input):
    capacity: bool = Field(
        default=True, description="Leave out locations at their daily order capacity."
    )
    safety_stock: bool = Field(
        default=True, description="Take only units above the SKU's safety stock at a location."
    )


class LocationRuleIn(Input):
    priority: int | None = Field(
        default=None,
        strict=True,
        description="Lower first; default: the location's place in the channel's list (1, 2...).",
    )
    cost_per_shipment: DecimalAmount | None = Field(
        default=None, description='In the channel\'s currency, as a string (`"4.50"`).'
    )


class LocationRuleOut(Output):
    priority: int | None = Field(description="Lower first; null: the channel's order.")
    cost_per_shipment: DecimalString | None = Field(description="In the channel's currency.")


class StrategyIn(Input):
    prefer_single_location: bool = Field(
        default=False,
        description="Send the whole order from one location when one can; else keep shipments few.",
    )
    max_shipments: int | None = Field(
        default=None, strict=True, description="At most this many locations per order (null: any)."
    )
    allow_partial: bool = Field(
        default=True,
        description="Split a line across locations; when false a line no single location has "
        "whole is backordered whole (if it may be) instead.",
    )


class PickupIn(Input):
    transfer_from: list[str] = Field(
        default_factory=list,
        description="Warehouses that may send stock to a pickup store lacking it (a transfer).",
    )


class SourcingRulesIn(Input):
    """A channel's whole sourcing rules (a PUT replaces them with a new version)."""

    filters: FiltersIn = Field(default_factory=FiltersIn)
    ranking: list[CriterionName] = Field(
        default_factory=lambda: list[CriterionName](["priority"]),
        description="Lexicographic: the first criterion decides, the next breaks its ties. "
        "Each at most once; ties left are broken by the channel's order.",
    )
    distance_bucket_km: int = Field(
        default=0, strict=True, description="Distances in the same bucket tie (0: exact)."
    )
    locations: dict[str, LocationRuleIn] = Field(
        default_factory=dict, description="Per-location overrides, by location code."
    )
    strategy: StrategyIn = Field(default_factory=StrategyIn)
    pickup: PickupIn = Field(default_factory=PickupIn)


class SourcingRulesOut(Output):
    channel: str
    version: int = Field(description="0: the default, never changed (also the ETag).")
    filters: FiltersIn
    ranking: list[CriterionName]
    distance_bucket_km: int
    locations: dict[str, LocationRuleOut]
    strategy: StrategyIn
    pickup: PickupIn
    created_at: datetime | None
    created_by: str | None

    @classmethod
    def of(cls, rules: SourcingRules, currency: str) -> SourcingRulesOut:
        return cls(
            channel=rules.channel,
            version=rules.version,
            filters=FiltersIn(
                capacity=rules.filters.capacity, safety_stock=rules.filters.safety_stock
            ),
            ranking=[c.value for c in rules.ranking],
            distance_bucket_km=rules.distance_bucket_km,
            locations={
                code: LocationRuleOut(
                    priority=rule.priority,
                    cost_per_shipment=None
                    if rule.cost_per_shipment is None
                    else Money.from_minor(rule.cost_per_shipment, currency).amount,
                )
                for code, rule in sorted(rules.locations.items())
            },
            strategy=StrategyIn(
                prefer_single_location=rules.strategy.prefer_single_location,
                max_shipments=rules.strategy.max_shipments,
                allow_partial=rules.strategy.allow_partial,
            ),
            pickup=PickupIn(transfer_from=list(rules.pickup.transfer_from)),
            created_at=rules.created_at,
            created_by=rules.created_by,
        )


class SourcingRulesHistoryOut(Output):
    items: list[SourcingRulesOut]
