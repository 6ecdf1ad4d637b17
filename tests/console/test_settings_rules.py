"""Settings › sourcing rules and hold rules through the pages: saved as the API saves them,
listed, refused input named next to its field with what was typed, and refused to roles that
may only read them."""

from __future__ import annotations

from oms import sourcing
from oms.orders import services as orders
from oms.orders.domain import HoldRule
from oms.payments.services import goodwill
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.money import Money
from tests import builders
from tests.console.conftest import StaffFor
from tests.console.test_settings_channels import field_error


def setup_channel(uow: UnitOfWork) -> None:
    builders.location(uow, "wh-de")
    builders.location(uow, "wh-fr", country="FR")
    builders.channel(uow, "web", locations=("wh-de", "wh-fr"))


RULES = {
    "version": "0",
    "filters.capacity": "on",
    "ranking.0": "distance",
    "ranking.1": "",
    "ranking.2": "priority",
    "distance_bucket_km": "50",
    "locations.wh-de.priority": "2",
    "locations.wh-fr.cost_per_shipment": "4.50",
    "strategy.prefer_single_location": "on",
    "strategy.max_shipments": "2",
    "strategy.allow_partial": "on",
    "pickup.transfer_from": ["wh-de"],
}


def test_sourcing_rules_are_saved_as_a_new_version_and_listed(
    uow: UnitOfWork, staff_for: StaffFor
) -> None:
    setup_channel(uow)
    admin = staff_for("admin")
    overview = admin.get("/console/settings/sourcing")
    assert overview.status_code == 200
    assert 'href="/console/settings/sourcing/web"' in overview.text
    page = admin.get("/console/settings/sourcing/web")
    assert page.status_code == 200
    assert "Version 0 in force." in page.text
    answer = admin.post("/console/settings/sourcing/web", RULES)
    assert answer.status_code == 303, answer.text
    rules = sourcing.get_rules("web", uow=uow)
    assert rules.version == 1
    assert [c.value for c in rules.ranking] == ["distance", "priority"]
    assert rules.distance_bucket_km == 50
    assert rules.filters.capacity
    assert not rules.filters.safety_stock
    assert rules.locations["wh-de"].priority == 2
    assert rules.locations["wh-fr"].cost_per_shipment == 450
    assert rules.strategy.max_shipments == 2
    assert rules.pickup.transfer_from == ("wh-de",)
    assert (rules.created_by or "").startswith("staff:")
    page = admin.get(answer.headers["location"])
    assert "Sourcing rules saved as version 1." in page.text
    assert 'name="locations.wh-fr.cost_per_shipment" type="text" value="4.50"' in page.text


def test_bad_sourcing_rules_are_named_next_to_their_fields(
    uow: UnitOfWork, staff_for: StaffFor
) -> None:
    setup_channel(uow)
    admin = staff_for("admin")
    bad = {
        **RULES,
        "ranking.1": "distance",
        "strategy.max_shipments": "0",
        "locations.wh-fr.cost_per_shipment": "4.505",
    }
    answer = admin.post("/console/settings/sourcing/web", bad)
    assert answer.status_code == 422
    assert "between 1 and 100" in field_error(answer.text, "strategy.max_shipments")
    answer = admin.post("/console/settings/sourcing/web", {**bad, "strategy.max_shipments": "3"})
    assert answer.status_code == 422
    assert "named twice" in field_error(answer.text, "ranking.1")
    assert "more decimals" in field_error(answer.text, "locations.wh-fr.cost_per_shipment")
    assert 'value="4.505"' in answer.text
    stale = admin.post("/console/settings/sourcing/web", {**RULES, "version": "7"})
    assert stale.status_code == 412
    assert sourcing.get_rules("web", uow=uow).version == 0
    assert admin.get("/console/settings/sourcing/nowhere").status_code == 404


def test_a_csr_reads_sourcing_rules_but_cannot_change_them(
    uow: UnitOfWork, staff_for: StaffFor
) -> None:
    setup_channel(uow)
    csr = staff_for("csr")
    page = csr.get("/console/settings/sourcing/web")
    assert page.status_code == 200
    assert "Save as a new version" not in page.text
    assert csr.post("/console/settings/sourcing/web", RULES).status_code == 403
    assert sourcing.get_rules("web", uow=uow).version == 0


def test_hold_rules_are_switched_and_their_thresholds_set_per_currency(
    uow: UnitOfWork, staff_for: StaffFor
) -> None:
    admin = staff_for("admin")
    page = admin.get("/console/settings/hold-rules")
    assert page.status_code == 200
    assert 'name="thresholds.0.currency" type="text" value="EUR"' in page.text
    total = {
        "enabled": "on",
        "threshold_rows": "4",
        "thresholds.0.currency": "EUR",
        "thresholds.0.amount": "750.00",
        "thresholds.1.currency": "",
        "thresholds.1.amount": "",
        "thresholds.2.currency": "gbp",
        "thresholds.2.amount": "600",
    }
    answer = admin.post("/console/settings/hold-rules/total_above", total)
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == "/console/settings/hold-rules?done=total_above"
    settings = {s.rule: s for s in orders.hold_rule_settings(uow=uow)}
    assert settings[HoldRule.TOTAL_ABOVE].thresholds == {
        "EUR": Money.of("750.00", "EUR"),
        "GBP": Money.of("600", "GBP"),
    }
    answer = admin.post("/console/settings/hold-rules/country_mismatch", {})
    assert answer.status_code == 303
    settings = {s.rule: s for s in orders.hold_rule_settings(uow=uow)}
    assert settings[HoldRule.COUNTRY_MISMATCH].enabled is False
    page = admin.get("/console/settings/hold-rules?done=country_mismatch")
    assert "Hold rule saved." in page.text
    assert 'value="GBP"' in page.text

    bad = {**total, "thresholds.0.amount": "750.001", "thresholds.2.currency": "EURO"}
    refused = admin.post("/console/settings/hold-rules/total_above", bad)
    assert refused.status_code == 422
    assert "decimal places" in field_error(refused.text, "total_above-thresholds.0.amount")
    assert "ISO 4217" in field_error(refused.text, "total_above-thresholds.2.currency")
    assert 'value="750.001"' in refused.text
    negative = admin.post(
        "/console/settings/hold-rules/first_order_above",
        {
            "enabled": "on",
            "threshold_rows": "1",
            "thresholds.0.currency": "EUR",
            "thresholds.0.amount": "-5",
        },
    )
    assert negative.status_code == 422
    assert "must not be negative" in negative.text
    assert admin.post("/console/settings/hold-rules/no_such_rule", {}).status_code == 404


def test_a_csr_reads_hold_rules_but_cannot_change_them(staff_for: StaffFor) -> None:
    csr = staff_for("csr")
    page = csr.get("/console/settings/hold-rules")
    assert page.status_code == 200
    assert "Save this rule" not in page.text
    assert csr.post("/console/settings/hold-rules/total_above", {}).status_code == 403
    assert staff_for("warehouse").get("/console/settings/hold-rules").status_code == 403


def test_refund_reasons_and_limits_are_replaced_and_bad_rows_named(
    uow: UnitOfWork, staff_for: StaffFor
) -> None:
    admin = staff_for("admin")
    assert admin.get("/console/settings/refunds").status_code == 200
    reasons = {
        "reason_rows": "3",
        "reasons.0.code": "late_delivery",
        "reasons.0.description": "The parcel came late",
        "reasons.2.code": "goodwill",
        "reasons.2.description": "A gesture",
    }
    answer = admin.post("/console/settings/refunds/reasons", reasons)
    assert answer.status_code == 303, answer.text
    policy = goodwill.refund_policy(uow=uow)
    assert [r.code for r in policy.reasons] == ["late_delivery", "goodwill"]
    limits = {
        "limit_rows": "2",
        "limits.0.role": "csr",
        "limits.0.currency": "eur",
        "limits.0.amount": "50",
    }
    answer = admin.post("/console/settings/refunds/limits", limits)
    assert answer.status_code == 303, answer.text
    assert goodwill.refund_policy(uow=uow).limit_for("csr", "EUR") == Money.of("50", "EUR")
    page = admin.get("/console/settings/refunds?done=limits")
    assert "Refund limits saved." in page.text
    assert 'value="The parcel came late"' in page.text

    bad = {**reasons, "reasons.2.code": "Good Will", "reasons.2.description": ""}
    refused = admin.post("/console/settings/refunds/reasons", bad)
    assert refused.status_code == 422
    assert "snake_case" in field_error(refused.text, "reasons.2.code")
    assert "must not be empty" in field_error(refused.text, "reasons.2.description")
    assert 'value="Good Will"' in refused.text
    wrong = admin.post(
        "/console/settings/refunds/limits",
        {**limits, "limits.1.role": "csr", "limits.1.currency": "EUR", "limits.1.amount": "1.001"},
    )
    assert wrong.status_code == 422
    assert "decimal places" in field_error(wrong.text, "limits.1.amount")
    csr = staff_for("csr")
    assert csr.get("/console/settings/refunds").status_code == 200
    assert csr.post("/console/settings/refunds/limits", limits).status_code == 403
    assert staff_for("warehouse").get("/console/settings/refunds").status_code == 403
