"""The karrio adapter with karrio's generic carrier (local, no network) and the tracking-number
formats of the well-known carriers."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from oms.fulfilment.providers.carriers import CarrierAccount, KarrioCarrier, LabelRequest
from oms.fulfilment.providers.tracking_numbers import (
    TrackingNumberInvalid,
    check_tracking_number,
    tracking_url,
)
from oms.fulfilment.views.labels import print_label
from oms.shared.address import Address

BERLIN = Address(
    name="Lager Berlin", line1="Lagerstraße 1", city="Berlin", postal_code="10115", country="DE"
)
HAMBURG = Address(
    name="Ada Lovelace", line1="Weg 2", city="Hamburg", postal_code="20095", country="DE"
)


def test_the_generic_carrier_makes_a_pdf_label_that_carries_its_tracking_number() -> None:
    carrier = KarrioCarrier(CarrierAccount(location_code="wh-de"), print_label=print_label)

    label = carrier.create_label(
        LabelRequest(
            reference="SO-10001-F1-1",
            order_number="SO-10001",
            service=None,
            shipper=BERLIN,
            recipient=HAMBURG,
            weight_grams=1200,
        )
    )

    assert label.pdf.startswith(b"%PDF-")
    text = PdfReader(io.BytesIO(label.pdf)).pages[0].extract_text()
    assert label.tracking_number in text
    assert "Ada Lovelace" in text
    assert label.tracking_number.isdigit()
    assert (label.carrier, label.service) == ("generic", "standard_service")


def test_two_labels_get_two_tracking_numbers() -> None:
    carrier = KarrioCarrier(CarrierAccount(location_code="wh-de"), print_label=print_label)
    request = LabelRequest(
        reference="SO-1-F1-1",
        order_number="SO-1",
        service=None,
        shipper=BERLIN,
        recipient=HAMBURG,
        weight_grams=500,
    )

    assert (
        carrier.create_label(request).tracking_number
        != carrier.create_label(request).tracking_number
    )


@pytest.mark.parametrize(
    ("carrier", "number"),
    [
        ("ups", "1Z5R89390357567127"),
        ("UPS", "1Z 5R89 3903 5756 7127"),
        ("generic", "12345"),
        ("dpd", "anything-goes"),
    ],
)
def test_numbers_that_fit_their_carrier_or_an_unchecked_carrier_are_taken(
    carrier: str, number: str
) -> None:
    assert check_tracking_number(carrier, number) == "".join(number.split())


@pytest.mark.parametrize(
    ("carrier", "number"), [("ups", "1Z5R89390357567128"), ("fedex", "12"), ("dhl", "ABC")]
)
def test_a_number_that_does_not_fit_a_known_carrier_is_refused_naming_it(
    carrier: str, number: str
) -> None:
    with pytest.raises(TrackingNumberInvalid) as refused:
        check_tracking_number(carrier, number)
    assert carrier in refused.value.detail
    assert refused.value.problems[0].field == "tracking_number"


def test_a_known_carrier_s_number_has_its_public_tracking_page() -> None:
    assert tracking_url("ups", "1Z5R89390357567127") == (
        "https://wwwapps.ups.com/WebTracking/track?track=yes&trackNums=1Z5R89390357567127"
    )
    assert tracking_url("generic", "123") is None
