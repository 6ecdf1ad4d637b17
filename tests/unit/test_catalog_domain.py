"""Catalog rules that need no database: GTIN check digits, variants and options, texts, prices."""

from __future__ import annotations

from decimal import Decimal
from uuid import uuid4

import pytest

from oms.catalog.domain import (
    MAX_MEASURE,
    Dimensions,
    Product,
    Translation,
    Variant,
    VariantNotFound,
    check_distinct,
    check_names,
    check_option_names,
    check_variant,
    checked_price,
    gtin_key,
    gtin_problem,
    sku_key,
    variant_name,
)
from oms.shared.errors import FieldProblem, Invalid
from oms.shared.money import Money

PRODUCT_ID = uuid4()


def variant(sku: str = "TS-RED-M", **fields: object) -> Variant:
    return Variant(id=uuid4(), product_id=PRODUCT_ID, sku=sku, **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "gtin",
    [
        "4006381333931",  # EAN-13 (Stabilo pen)
        "9780306406157",  # ISBN-13
        "5901234123457",  # EAN-13, GS1 example
        "73513537",  # EAN-8
        "96385074",  # EAN-8
        "036000291452",  # UPC-A
        "10614141000415",  # GTIN-14
        "00012345600012",  # GTIN-14 with leading zeros
    ],
)
def test_real_gtins_pass_the_check_digit(gtin: str) -> None:
    assert gtin_problem(gtin) is None


@pytest.mark.parametrize(
    ("gtin", "reason"),
    [
        ("4006381333932", "has check digit 2, expected 1"),
        ("4006381333930", "has check digit 0, expected 1"),
        ("036000291453", "has check digit 3, expected 2"),
        ("73513538", "has check digit 8, expected 7"),
        ("40063813339", "must have 8, 12, 13 or 14 digits"),
        ("1234567", "must have 8, 12, 13 or 14 digits"),
        ("400638133393X", "must contain only digits"),
        ("4006 381333931", "must contain only digits"),
        ("٤٠٠٦٣٨١٣٣٣٩٣١", "must contain only digits"),
        ("", "must contain only digits"),
    ],
)
def test_a_gtin_with_a_wrong_check_digit_or_shape_is_refused(gtin: str, reason: str) -> None:
    assert gtin_problem(gtin) == reason


def test_gtins_compare_as_fourteen_digits() -> None:
    assert gtin_key("036000291452") == gtin_key("0036000291452") == "00036000291452"


def test_skus_compare_in_any_case() -> None:
    assert sku_key("ts-red-m") == sku_key("TS-RED-M")


def test_a_variant_with_a_bad_gtin_names_the_field_under_its_position() -> None:
    problems = check_variant(variant(gtin="4006381333932"), (), "variants.1.")
    assert problems == [FieldProblem("variants.1.gtin", "has check digit 2, expected 1")]


@pytest.mark.parametrize("sku", ["", "-LEADING", "WITH SPACE", "TS/RED", "X" * 65, "ÄPFEL"])
def test_a_malformed_sku_is_refused(sku: str) -> None:
    assert [p.field for p in check_variant(variant(sku), (), "")] == ["sku"]


def test_a_sku_of_64_letters_digits_hyphens_and_underscores_is_fine() -> None:
    assert check_variant(variant("A1_b-" + "x" * 59), (), "") == []


def test_every_option_needs_a_value_and_unknown_options_are_refused() -> None:
    problems = check_variant(
        variant(options={"colour": "Red", "fit": "Slim"}), ("colour", "size"), "variants.0."
    )
    assert problems == [
        FieldProblem("variants.0.options.size", "is required"),
        FieldProblem("variants.0.options.fit", "is not an option of the product"),
    ]


def test_negative_weight_and_dimensions_are_refused() -> None:
    bad = variant(weight_grams=-1, dimensions=Dimensions(length=10, width=-2, height=-3))
    assert [p.field for p in check_variant(bad, (), "")] == [
        "weight_grams",
        "dimensions.width",
        "dimensions.height",
    ]


def test_weight_and_dimensions_beyond_what_can_be_stored_are_refused() -> None:
    huge = MAX_MEASURE + 1
    bad = variant(weight_grams=huge, dimensions=Dimensions(length=huge, width=1, height=1))
    assert [p.field for p in check_variant(bad, (), "")] == ["weight_grams", "dimensions.length"]
    fine = variant(weight_grams=MAX_MEASURE, dimensions=Dimensions(length=1, width=1, height=1))
    assert check_variant(fine, (), "") == []


def test_option_names_must_be_distinct_in_any_case_and_not_blank() -> None:
    assert check_option_names(("Size", "colour", "size", " ")) == [
        FieldProblem("option_names.2", "is listed twice"),
        FieldProblem("option_names.3", "must be 1-100 characters"),
    ]


def test_two_variants_with_the_same_option_values_are_refused() -> None:
    red = variant("TS-RED", options={"colour": "Red"})
    again = variant("TS-RED-2", options={"colour": "red"})
    with pytest.raises(Invalid) as refused:
        check_distinct((), (red, again), "variants.{index}.")
    assert [p.field for p in refused.value.problems] == ["variants.1.options"]


def test_a_product_without_options_has_exactly_one_variant() -> None:
    with pytest.raises(Invalid) as refused:
        check_distinct((variant("ONE"),), (variant("TWO"),), "")
    assert [p.field for p in refused.value.problems] == ["options"]


def test_a_sku_or_gtin_repeated_in_one_request_is_refused_in_any_case() -> None:
    first = variant("ts-1", gtin="036000291452", options={"size": "S"})
    second = variant("TS-1", gtin="0036000291452", options={"size": "M"})
    with pytest.raises(Invalid) as refused:
        check_distinct((), (first, second), "variants.{index}.")
    assert [p.field for p in refused.value.problems] == ["variants.1.sku", "variants.1.gtin"]


def test_distinct_variants_pass() -> None:
    small = variant("TS-S", options={"size": "S"})
    medium = variant("TS-M", options={"size": "M"})
    check_distinct((small,), (medium,), "")


def test_the_variant_name_lists_values_in_option_order() -> None:
    options = {"size": "M", "colour": "Red"}
    assert variant_name("T-shirt", ("colour", "size"), options) == "T-shirt — Red / M"
    assert variant_name("Mug", (), {}) == "Mug"


def test_a_translation_falls_back_to_its_language_then_to_the_default() -> None:
    product = Product(
        id=PRODUCT_ID,
        name="T-shirt",
        description="Cotton",
        default_locale="en",
        translations={"de": Translation(name="T-Shirt", description="Baumwolle")},
    )
    assert product.text_in("de") == ("de", Translation(name="T-Shirt", description="Baumwolle"))
    assert product.text_in("de_AT")[0] == "de"
    assert product.text_in("fr") == ("en", Translation(name="T-shirt", description="Cotton"))
    assert product.text_in(None)[0] == "en"


def test_a_translation_needs_a_name_and_may_not_repeat_the_default_locale() -> None:
    problems = check_names(
        "T-shirt",
        "",
        {"de": Translation(name=" "), "en": Translation(name="Tee")},
        "en",
    )
    assert [p.field for p in problems] == ["translations.de.name", "translations.en"]


def test_a_product_finds_its_variant_by_sku_in_any_case() -> None:
    product = Product(id=PRODUCT_ID, name="T-shirt", variants=(variant("TS-RED-M"),))
    assert product.variant("ts-red-m").sku == "TS-RED-M"
    with pytest.raises(VariantNotFound):
        product.variant("TS-BLUE-M")


def test_a_price_in_the_channel_currency_is_accepted() -> None:
    assert checked_price(Decimal("19.99"), "EUR", "EUR") == Money(Decimal("19.99"), "EUR")
    assert checked_price(Decimal("1500"), "JPY", "JPY") == Money(Decimal("1500"), "JPY")


def test_a_price_in_another_currency_than_the_channels_is_refused() -> None:
    with pytest.raises(Invalid) as refused:
        checked_price(Decimal("19.99"), "USD", "EUR")
    assert refused.value.problems == [FieldProblem("currency", "the channel sells in EUR")]


@pytest.mark.parametrize(
    ("amount", "currency"),
    [
        ("-1.00", "EUR"),
        ("19.999", "EUR"),
        ("10.5", "JPY"),
        ("NaN", "EUR"),
        ("1E+20", "EUR"),
        ("1E+30", "EUR"),
    ],
)
def test_negative_or_finer_than_minor_unit_prices_are_refused(amount: str, currency: str) -> None:
    with pytest.raises(Invalid) as refused:
        checked_price(Decimal(amount), currency, currency)
    assert [p.field for p in refused.value.problems] == ["amount"]
