"""Automatic hold rules: each rule, thresholds per currency, rules switched off."""

from __future__ import annotations

from dataclasses import replace

import pytest

from oms.orders.domain import (
    DEFAULT_RULES,
    RULE_REASONS,
    HoldReason,
    HoldRule,
    HoldRuleSetting,
    PlacementFacts,
    triggered,
)
from oms.shared.money import Money


def facts(total: str = "40", currency: str = "EUR", **overrides: object) -> PlacementFacts:
    fields: dict[str, object] = {
        "total": Money.of(total, currency),
        "shipping_country": "DE",
        "billing_country": None,
        "first_order": False,
        "address_validated": True,
    }
    fields.update(overrides)
    return PlacementFacts(**fields)  # type: ignore[arg-type]


def rules_tripped(found: list[tuple[HoldRule, str]]) -> list[HoldRule]:
    return [rule for rule, _ in found]


def only(rule: HoldRule, **thresholds: str) -> tuple[HoldRuleSetting, ...]:
    return (
        HoldRuleSetting(
            rule=rule,
            enabled=True,
            thresholds={cur: Money.of(amount, cur) for cur, amount in thresholds.items()},
        ),
    )


def test_an_ordinary_order_trips_no_default_rule() -> None:
    assert triggered(DEFAULT_RULES, facts()) == []


def test_a_total_above_the_threshold_is_held_for_review() -> None:
    found = triggered(DEFAULT_RULES, facts("1000.01"))
    assert rules_tripped(found) == [HoldRule.TOTAL_ABOVE]
    assert "1000" in found[0][1]


def test_a_total_exactly_at_the_threshold_is_not_held() -> None:
    assert triggered(DEFAULT_RULES, facts("1000.00")) == []


@pytest.mark.parametrize(
    ("total", "currency", "held"),
    [
        ("1050", "USD", False),
        ("1100.01", "USD", True),
        ("1050", "EUR", True),
        ("999999", "GBP", False),
    ],
)
def test_thresholds_are_per_currency_and_a_currency_without_one_is_never_held(
    total: str, currency: str, held: bool
) -> None:
    found = rules_tripped(triggered(DEFAULT_RULES, facts(total, currency)))
    assert (HoldRule.TOTAL_ABOVE in found) is held


def test_a_first_order_above_its_threshold_is_held() -> None:
    assert rules_tripped(triggered(DEFAULT_RULES, facts("500.01", first_order=True))) == [
        HoldRule.FIRST_ORDER_ABOVE
    ]
    assert triggered(DEFAULT_RULES, facts("500.00", first_order=True)) == []
    assert triggered(DEFAULT_RULES, facts("700", first_order=False)) == []
    assert triggered(DEFAULT_RULES, facts("540", "USD", first_order=True)) == []


def test_billing_in_another_country_than_shipping_is_held() -> None:
    found = triggered(DEFAULT_RULES, facts(billing_country="FR"))
    assert found == [(HoldRule.COUNTRY_MISMATCH, "ships to DE, bills to FR")]
    assert triggered(DEFAULT_RULES, facts(billing_country="DE")) == []
    assert triggered(DEFAULT_RULES, facts(billing_country=None)) == []


def test_an_address_that_did_not_validate_is_held() -> None:
    assert rules_tripped(triggered(DEFAULT_RULES, facts(address_validated=False))) == [
        HoldRule.UNVALIDATED_ADDRESS
    ]


def test_every_tripped_rule_is_reported_in_the_rules_order() -> None:
    found = triggered(
        DEFAULT_RULES,
        facts("2000", billing_country="FR", first_order=True, address_validated=False),
    )
    assert rules_tripped(found) == [rule.rule for rule in DEFAULT_RULES]


def test_a_rule_switched_off_never_trips() -> None:
    off = tuple(replace(rule, enabled=False) for rule in DEFAULT_RULES)
    everything = facts("5000", billing_country="FR", first_order=True, address_validated=False)
    assert triggered(off, everything) == []
    partly = tuple(
        replace(rule, enabled=rule.rule is HoldRule.COUNTRY_MISMATCH) for rule in DEFAULT_RULES
    )
    assert rules_tripped(triggered(partly, everything)) == [HoldRule.COUNTRY_MISMATCH]


def test_a_merchants_own_threshold_replaces_the_default() -> None:
    assert rules_tripped(triggered(only(HoldRule.TOTAL_ABOVE, EUR="30"), facts("30.01"))) == [
        HoldRule.TOTAL_ABOVE
    ]
    assert triggered(only(HoldRule.TOTAL_ABOVE), facts("1000000")) == []


def test_every_rule_has_a_reason_and_the_amount_rules_hold_for_fraud_review() -> None:
    assert set(RULE_REASONS) == set(HoldRule)
    assert RULE_REASONS[HoldRule.TOTAL_ABOVE] is HoldReason.FRAUD_REVIEW
    assert RULE_REASONS[HoldRule.FIRST_ORDER_ABOVE] is HoldReason.FRAUD_REVIEW
    assert RULE_REASONS[HoldRule.UNVALIDATED_ADDRESS] is HoldReason.ADDRESS
    assert {setting.rule for setting in DEFAULT_RULES} == set(HoldRule)
