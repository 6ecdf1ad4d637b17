"""Settings › tax rates and shipping zones through the pages: set, listed, changed, removed;
refused input named next to its field with what was typed; a csr reads but changes nothing."""

from __future__ import annotations

from decimal import Decimal

from oms.orders import pricing
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.money import Money
from tests.console.conftest import StaffFor
from tests.console.test_settings_channels import field_error


def rates(uow: UnitOfWork) -> dict[tuple[str, str], Decimal]:
    return {(r.country, r.tax_category): r.rate for r in pricing.list_tax_rates(uow=uow)}


def test_tax_rates_are_set_in_percent_listed_changed_and_removed(
    uow: UnitOfWork, staff_for: StaffFor
) -> None:
    admin = staff_for("admin")
    answer = admin.post(
        "/console/settings/taxes", {"country": "de", "tax_category": "standard", "rate": "19"}
    )
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == "/console/settings/taxes?country=DE&done=saved"
    admin.post("/console/settings/taxes", {"country": "DE", "tax_category": "reduced", "rate": "7"})
    admin.post(
        "/console/settings/taxes", {"country": "FR", "tax_category": "reduced", "rate": "5.5"}
    )
    assert rates(uow) == {
        ("DE", "standard"): Decimal("0.19"),
        ("DE", "reduced"): Decimal("0.07"),
        ("FR", "reduced"): Decimal("0.055"),
    }
    page = admin.get(answer.headers["location"])
    assert page.status_code == 200
    assert "Tax rate saved." in page.text
    assert "19 %" in page.text
    assert "5.5 %" not in page.text, "filtered to Germany"
    assert "5.5 %" in admin.get("/console/settings/taxes").text
    edit = admin.get("/console/settings/taxes?edit=FR:reduced")
    assert 'value="5.5"' in edit.text
    removed = admin.post("/console/settings/taxes/DE/reduced/remove", {})
    assert removed.status_code == 303
    assert ("DE", "reduced") not in rates(uow)
    assert admin.post("/console/settings/taxes/DE/reduced/remove", {}).status_code == 404


def test_a_bad_tax_rate_is_named_next_to_its_field(staff_for: StaffFor) -> None:
    admin = staff_for("admin")
    answer = admin.post(
        "/console/settings/taxes", {"country": "XY", "tax_category": "zero", "rate": "119"}
    )
    assert answer.status_code == 422
    assert "from 0 to below 100" in field_error(answer.text, "rate")
    assert 'value="XY"' in answer.text
    answer = admin.post(
        "/console/settings/taxes", {"country": "XY", "tax_category": "zero", "rate": "19"}
    )
    assert answer.status_code == 422
    assert "ISO 3166" in field_error(answer.text, "country")
    assert "always taxed at 0" in field_error(answer.text, "tax_category")
    blank = admin.post("/console/settings/taxes", {})
    assert blank.status_code == 422
    assert "percentage" in field_error(blank.text, "rate")


ZONE = {
    "code": "dach",
    "name": "Germany, Austria, Switzerland",
    "countries": "de, at ch",
    "rate_rows": "3",
    "rates.0.method": "standard",
    "rates.0.currency": "EUR",
    "rates.0.amount": "4.90",
    "rates.0.free_over": "50",
    "rates.1.method": "standard",
    "rates.1.currency": "",
    "rates.1.amount": "",
    "rates.2.method": "express",
    "rates.2.currency": "chf",
    "rates.2.amount": "12",
}


def test_a_shipping_zone_is_added_listed_changed_and_deleted(
    uow: UnitOfWork, staff_for: StaffFor
) -> None:
    admin = staff_for("admin")
    answer = admin.post("/console/settings/shipping-zones", ZONE)
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == "/console/settings/shipping-zones/dach?done=created"
    zone = pricing.get_shipping_zone("dach", uow=uow)
    assert zone.countries == ("AT", "CH", "DE")
    standard = zone.rate_for(pricing.ShippingMethod.STANDARD, "EUR")
    assert standard is not None
    assert standard.price == Money.of("4.90", "EUR")
    assert standard.free_over == Money.of("50", "EUR")
    assert zone.rate_for(pricing.ShippingMethod.EXPRESS, "CHF") is not None
    listed = admin.get("/console/settings/shipping-zones")
    assert "Germany, Austria, Switzerland" in listed.text
    assert "AT, CH, DE" in listed.text
    page = admin.get(answer.headers["location"])
    assert "Shipping zone added." in page.text
    assert 'value="AT, CH, DE"' in page.text

    changed = {**ZONE, "countries": "DE, AT", "rates.2.currency": "", "rates.2.amount": ""}
    answer = admin.post("/console/settings/shipping-zones/dach", changed)
    assert answer.status_code == 303
    zone = pricing.get_shipping_zone("dach", uow=uow)
    assert zone.countries == ("AT", "DE")
    assert len(zone.rates) == 1
    again = admin.post("/console/settings/shipping-zones", ZONE)
    assert again.status_code == 409
    assert "exists already" in field_error(again.text, "code")
    other = {**ZONE, "code": "alps", "countries": "CH, AT"}
    taken = admin.post("/console/settings/shipping-zones", other)
    assert taken.status_code == 409
    assert "AT (zone 'dach')" in field_error(taken.text, "countries")
    deleted = admin.post("/console/settings/shipping-zones/dach/delete", {})
    assert deleted.status_code == 303
    assert admin.get("/console/settings/shipping-zones/dach").status_code == 404


def test_a_bad_shipping_zone_is_named_next_to_its_fields(staff_for: StaffFor) -> None:
    admin = staff_for("admin")
    bad = {
        **ZONE,
        "countries": "DE, XX",
        "rates.0.amount": "4.999",
        "rates.2.method": "pickup",
        "rates.2.currency": "EUR",
    }
    answer = admin.post("/console/settings/shipping-zones", bad)
    assert answer.status_code == 422
    assert "standard or express" in field_error(answer.text, "rates.2.method")
    answer = admin.post("/console/settings/shipping-zones", {**bad, "rates.2.method": "express"})
    assert answer.status_code == 422
    assert "ISO 3166" in field_error(answer.text, "countries")
    assert "decimal places" in field_error(answer.text, "rates.0.amount")
    assert 'value="4.999"' in answer.text
    assert 'value="DE, XX"' in answer.text


def test_a_csr_reads_rates_and_zones_but_changes_nothing(
    uow: UnitOfWork, staff_for: StaffFor
) -> None:
    staff_for("admin").post("/console/settings/shipping-zones", ZONE)
    csr = staff_for("csr")
    assert csr.get("/console/settings/taxes").status_code == 200
    assert "Set a rate" not in csr.get("/console/settings/taxes").text
    page = csr.get("/console/settings/shipping-zones/dach")
    assert page.status_code == 200
    assert "Save the zone" not in page.text
    rate = {"country": "DE", "tax_category": "standard", "rate": "19"}
    assert csr.post("/console/settings/taxes", rate).status_code == 403
    assert csr.post("/console/settings/shipping-zones", ZONE).status_code == 403
    assert csr.post("/console/settings/shipping-zones/dach", ZONE).status_code == 403
    assert csr.post("/console/settings/shipping-zones/dach/delete", {}).status_code == 403
    assert pricing.get_shipping_zone("dach", uow=uow).countries == ("AT", "CH", "DE")
