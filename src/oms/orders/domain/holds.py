"""Holds stop an order from progressing until each is released; rules place some automatically."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from oms.shared.money import Money


class HoldReason(StrEnum):
    FRAUD_REVIEW = "fraud_review"
    PAYMENT = "payment"
    ADDRESS = "address"
    STOCK = "stock"
    CUSTOMER_REQUEST = "customer_request"
    MANUAL = "manual"
    RETURN_PENDING = "return_pending"
    """An exchange waits for the goods it replaces (``orders.release_return_hold``)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Hold:
    id: UUID
    reason: HoldReason
    note: str
    placed_by: str
    placed_at: datetime
    auto_release_at: datetime | None = None
    released_at: datetime | None = None
    released_by: str | None = None
    rule: str | None = None
    """The automatic rule that placed it, if one did."""

    @property
    def open(self) -> bool:
        return self.released_at is None


class HoldRule(StrEnum):
    TOTAL_ABOVE = "total_above"
    COUNTRY_MISMATCH = "country_mismatch"
    FIRST_ORDER_ABOVE = "first_order_above"
    UNVALIDATED_ADDRESS = "unvalidated_address"


RULE_REASONS = {
    HoldRule.TOTAL_ABOVE: HoldReason.FRAUD_REVIEW,
    HoldRule.COUNTRY_MISMATCH: HoldReason.FRAUD_REVIEW,
    HoldRule.FIRST_ORDER_ABOVE: HoldReason.FRAUD_REVIEW,
    HoldRule.UNVALIDATED_ADDRESS: HoldReason.ADDRESS,
}


@dataclass(frozen=True, slots=True, kw_only=True)
class HoldRuleSetting:
    """One automatic rule: on or off and, for amount rules, a threshold per currency."""

    rule: HoldRule
    enabled: bool
    thresholds: dict[str, Money] = field(default_factory=dict)


DEFAULT_RULES: tuple[HoldRuleSetting, ...] = (
    HoldRuleSetting(
        rule=HoldRule.TOTAL_ABOVE,
        enabled=True,
        thresholds={"EUR": Money.of("1000", "EUR"), "USD": Money.of("1100", "USD")},
    ),
    HoldRuleSetting(rule=HoldRule.COUNTRY_MISMATCH, enabled=True),
    HoldRuleSetting(
        rule=HoldRule.FIRST_ORDER_ABOVE,
        enabled=True,
        thresholds={"EUR": Money.of("500", "EUR"), "USD": Money.of("550", "USD")},
    ),
    HoldRuleSetting(rule=HoldRule.UNVALIDATED_ADDRESS, enabled=True),
)
"""What a new merchant starts with; each can be changed (``PUT /v1/hold-rules/{rule}``)."""


def resolve_rules(
    overrides: Mapping[HoldRule, HoldRuleSetting],
) -> tuple[HoldRuleSetting, ...]:
    """The merchant's rules: their own settings on top of the defaults, in the defaults' order."""
    return tuple(overrides.get(default.rule, default) for default in DEFAULT_RULES)


@dataclass(frozen=True, slots=True, kw_only=True)
class PlacementFacts:
    """What the rules look at when an order is placed."""

    total: Money
    shipping_country: str
    billing_country: str | None
    first_order: bool
    address_validated: bool


def triggered(
    rules: tuple[HoldRuleSetting, ...], facts: PlacementFacts
) -> list[tuple[HoldRule, str]]:
    """The rules this order trips, each with a note saying why (for the CSR and the timeline)."""
    found: list[tuple[HoldRule, str]] = []
    for setting in (r for r in rules if r.enabled):
        limit = setting.thresholds.get(facts.total.currency)
        if setting.rule is HoldRule.TOTAL_ABOVE and limit is not None and limit < facts.total:
            found.append((setting.rule, f"order total {facts.total} is above {limit}"))
        elif (
            setting.rule is HoldRule.FIRST_ORDER_ABOVE
            and facts.first_order
            and limit is not None
            and limit < facts.total
        ):
            found.append((setting.rule, f"first order of this customer, total {facts.total}"))
        elif (
            setting.rule is HoldRule.COUNTRY_MISMATCH
            and facts.billing_country is not None
            and facts.billing_country != facts.shipping_country
        ):
            found.append(
                (
                    setting.rule,
                    f"ships to {facts.shipping_country}, bills to {facts.billing_country}",
                )
            )
        elif setting.rule is HoldRule.UNVALIDATED_ADDRESS and not facts.address_validated:
            found.append((setting.rule, "the shipping address did not pass validation"))
    return found
