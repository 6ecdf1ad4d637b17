"""Customer rules: normalisation of email, phone, tags and names; defaults; consent; erasure."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from oms.customers.domain import (
    ERASED_NAME,
    Customer,
    CustomerAddress,
    CustomerIsErased,
    arrange_defaults,
    check_editable,
    checked_profile,
    customer_number,
    email_key,
    erase,
    normalise_email,
    normalise_tags,
    phone_search_digits,
    search_terms,
    search_text,
    with_consent,
)
from oms.shared.address import Address
from oms.shared.errors import Invalid

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
BERLIN = Address(line1="Unter den Linden 1", city="Berlin", postal_code="10117", country="DE")


def saved(address: Address = BERLIN, **flags: bool) -> CustomerAddress:
    return CustomerAddress(id=uuid4(), label="Home", address=address, **flags)


def customer(**fields: object) -> Customer:
    values: dict[str, object] = {
        "id": uuid4(),
        "number": "C-100001",
        "email": "Jane.Doe@example.com",
        "name": "Jane Doe",
        "created_at": NOW,
        "updated_at": NOW,
    }
    values.update(fields)
    return Customer(**values)  # type: ignore[arg-type]


def fields_of(error: pytest.ExceptionInfo[Invalid]) -> set[str]:
    return {p.field for p in error.value.problems}


def test_an_email_keeps_its_local_part_and_lowercases_its_domain() -> None:
    assert normalise_email("  Jane.Doe@Example.COM ") == "Jane.Doe@example.com"


def test_the_email_key_is_the_whole_address_lower_cased() -> None:
    assert email_key(normalise_email("Jane.Doe@Example.COM")) == "jane.doe@example.com"


def test_an_email_without_an_at_sign_is_invalid_naming_the_field() -> None:
    with pytest.raises(Invalid) as error:
        normalise_email("jane.example.com")
    assert fields_of(error) == {"email"}


def test_tags_are_lower_case_hyphenated_deduplicated_and_sorted() -> None:
    assert normalise_tags([" VIP  Gold ", "wholesale", "vip-gold", "Stammkunde"]) == (
        "stammkunde",
        "vip-gold",
        "wholesale",
    )


def test_each_bad_tag_is_named_by_its_index() -> None:
    with pytest.raises(Invalid) as error:
        normalise_tags(["ok", "no/slash", "x" * 41, "   "])
    assert fields_of(error) == {"tags.1", "tags.2", "tags.3"}


def test_more_than_fifty_tags_are_refused() -> None:
    with pytest.raises(Invalid) as error:
        normalise_tags([f"tag-{n}" for n in range(51)])
    assert fields_of(error) == {"tags"}


@pytest.mark.parametrize(
    ("typed", "searched"),
    [
        ("Müller", "muller"),
        ("MULLER", "muller"),
        ("Straße", "strasse"),
        ("  Jane   Doe ", "jane doe"),
    ],
)
def test_names_are_searched_folded_and_without_accents(typed: str, searched: str) -> None:
    assert search_text(typed) == searched


@pytest.mark.parametrize(
    ("query", "digits"),
    [
        ("+49 30 1234567", "49301234567"),
        ("0049 30 1234567", "49301234567"),
        ("030 1234567", "301234567"),
        ("(030) 123-4567", "301234567"),
        ("1234567", "1234567"),
        ("jane", None),
        ("jane@example.com", None),
        ("+49", None),
    ],
)
def test_phone_queries_drop_trunk_and_international_prefixes(
    query: str, digits: str | None
) -> None:
    assert phone_search_digits(query) == digits


def test_a_blank_query_searches_nothing() -> None:
    assert search_terms("   ") is None


def test_a_query_is_looked_for_as_email_prefix_name_part_and_number() -> None:
    terms = search_terms(" C-100001 ")
    assert terms is not None
    assert (terms.email_prefix, terms.name_part, terms.number) == (
        "c-100001",
        "c-100001",
        "C-100001",
    )
    assert terms.phone_digits is None


def test_a_phone_like_query_is_also_looked_for_in_phone_digits() -> None:
    terms = search_terms("030 1234567")
    assert terms is not None
    assert terms.phone_digits == "301234567"


def test_every_bad_field_is_named_at_once() -> None:
    bad = customer(
        email="not-an-email",
        name="  ",
        phone="12",
        locale="xx-nope",
        tags=("ok", "b@d"),
        addresses=(
            saved(dataclasses.replace(BERLIN, postal_code="1011")),
            saved(default_shipping=True),
            saved(default_shipping=True),
        ),
    )
    with pytest.raises(Invalid) as error:
        checked_profile(bad)
    assert fields_of(error) == {
        "email",
        "name",
        "phone",
        "locale",
        "tags.1",
        "addresses.0.postal_code",
        "addresses.2.default_shipping",
    }


def test_a_national_phone_is_read_for_the_first_address_country() -> None:
    normal = checked_profile(customer(phone="030 1234567", addresses=(saved(),)))
    assert normal.phone == "+49301234567"


def test_a_national_phone_without_an_address_is_invalid() -> None:
    with pytest.raises(Invalid) as error:
        checked_profile(customer(phone="030 1234567"))
    assert fields_of(error) == {"phone"}


def test_only_the_named_fields_are_checked() -> None:
    stored = customer(email="legacy@localhost", name="Jane")
    assert checked_profile(stored, only={"name"}).email == "legacy@localhost"


def test_the_first_address_becomes_default_for_shipping_and_billing() -> None:
    (only,) = arrange_defaults([saved()])
    assert only.default_shipping
    assert only.default_billing


def test_an_address_marked_default_takes_the_flag_from_the_others() -> None:
    home = saved(default_shipping=True, default_billing=True)
    work = saved(default_shipping=True)
    arranged = arrange_defaults([home, work], preferred=work.id)
    assert [(a.default_shipping, a.default_billing) for a in arranged] == [
        (False, True),
        (True, False),
    ]


def test_without_a_default_the_oldest_address_takes_the_role() -> None:
    first, second = saved(), saved()
    arranged = arrange_defaults([first, second])
    assert [a.default_shipping for a in arranged] == [True, False]


def test_granting_consent_records_when_and_withdrawing_clears_it() -> None:
    granted = with_consent(customer(), True, NOW)
    assert (granted.marketing_consent, granted.marketing_consent_at) == (True, NOW)
    withdrawn = with_consent(granted, False, NOW + timedelta(days=1))
    assert (withdrawn.marketing_consent, withdrawn.marketing_consent_at) == (False, None)


def test_confirming_the_same_consent_keeps_its_original_time() -> None:
    granted = with_consent(customer(), True, NOW)
    assert with_consent(granted, True, NOW + timedelta(days=1)).marketing_consent_at == NOW


def test_erasure_blanks_every_personal_field_and_keeps_the_identity() -> None:
    original = customer(
        phone="+49301234567",
        locale="de_DE",
        marketing_consent=True,
        marketing_consent_at=NOW,
        tags=("vip",),
        notes="Prefers morning delivery",
        addresses=(saved(default_shipping=True, default_billing=True),),
    )
    later = NOW + timedelta(days=30)
    erased = erase(original, later)
    assert erased.email == f"erased+{original.id}@invalid"
    assert erased.name == ERASED_NAME
    assert (erased.phone, erased.locale, erased.notes) == (None, None, "")
    assert (erased.tags, erased.addresses) == ((), ())
    assert (erased.marketing_consent, erased.marketing_consent_at) == (False, None)
    assert (erased.id, erased.number, erased.created_at) == (
        original.id,
        original.number,
        original.created_at,
    )
    assert erased.erased_at == later


def test_erasing_twice_changes_nothing() -> None:
    once = erase(customer(), NOW)
    assert erase(once, NOW + timedelta(days=1)) is once


def test_an_erased_customer_cannot_be_edited() -> None:
    with pytest.raises(CustomerIsErased):
        check_editable(erase(customer(), NOW))


def test_customer_numbers_start_at_c_100001() -> None:
    assert customer_number(100001) == "C-100001"
