"""Customers through the HTTP API: create, validate, search, page, roles, export and erase."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import KeyMaker

Headers = dict[str, str]
_keys = itertools.count()

JANE: dict[str, Any] = {
    "email": "Jane.Doe@Example.COM",
    "name": "Jane Müller-Doe",
    "phone": "030 1234567",
    "locale": "de-DE",
    "marketing_consent": True,
    "tags": ["VIP", "wholesale"],
    "notes": "Prefers morning delivery",
    "addresses": [
        {
            "label": "Home",
            "line1": "Unter den Linden 1",
            "city": "Berlin",
            "postal_code": "10117",
            "country": "DE",
        }
    ],
}


def create(client: TestClient, headers: Headers, body: dict[str, Any]) -> dict[str, Any]:
    response = post(client, "/v1/customers", headers, body)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def post(client: TestClient, url: str, headers: Headers, body: dict[str, Any]) -> Any:
    return client.post(url, json=body, headers=headers | {"Idempotency-Key": f"k{next(_keys)}"})


def person(n: int, **fields: Any) -> dict[str, Any]:
    return {"email": f"person{n}@example.com", "name": f"Person {n}"} | fields


def errors(response: Any) -> set[str]:
    return {e["field"] for e in response.json()["errors"]}


def test_a_customer_is_created_normalised_and_numbered(client: TestClient, admin: Headers) -> None:
    headers = admin | {"Idempotency-Key": "jane"}
    first = client.post("/v1/customers", json=JANE, headers=headers)
    replay = client.post("/v1/customers", json=JANE, headers=headers)
    assert first.status_code == 201, first.text
    assert replay.content == first.content
    body = first.json()
    assert body["number"] == "C-100001"
    assert body["email"] == "Jane.Doe@example.com"
    assert body["phone"] == "+49301234567"
    assert body["locale"] == "de_DE"
    assert body["tags"] == ["vip", "wholesale"]
    assert body["marketing_consent_at"] is not None
    (home,) = body["addresses"]
    assert home["city"] == "BERLIN"
    assert (home["default_shipping"], home["default_billing"]) == (True, True)
    fetched = client.get(f"/v1/customers/{body['id']}", headers=admin)
    assert fetched.json() == body


def test_an_email_already_used_in_another_case_is_409(client: TestClient, admin: Headers) -> None:
    first = create(client, admin, person(1))
    again = post(client, "/v1/customers", admin, person(2, email="PERSON1@example.com"))
    assert again.status_code == 409
    assert again.json()["code"] == "email-taken"
    assert again.json()["customer_id"] == first["id"]


def test_a_bad_postcode_is_422_naming_the_address_field(client: TestClient, admin: Headers) -> None:
    address = JANE["addresses"][0] | {"postal_code": "1011"}
    response = post(client, "/v1/customers", admin, JANE | {"addresses": [address]})
    assert response.status_code == 422
    assert {"field": "addresses.0.postal_code", "message": "is not valid for this country"} in (
        response.json()["errors"]
    )


def test_every_bad_field_is_named_in_one_response(client: TestClient, admin: Headers) -> None:
    address = JANE["addresses"][0] | {"postal_code": "1011"}
    body = JANE | {"email": "jane", "phone": "12", "addresses": [address]}
    response = post(client, "/v1/customers", admin, body)
    assert response.status_code == 422
    assert errors(response) == {"email", "phone", "addresses.0.postal_code"}


def test_a_bad_phone_is_422_naming_the_phone(client: TestClient, admin: Headers) -> None:
    response = post(client, "/v1/customers", admin, person(1, phone="+49 12"))
    assert response.status_code == 422
    assert errors(response) == {"phone"}


@pytest.mark.parametrize(
    "query",
    [
        "jane.d",
        "JANE.DOE@EXAMPLE",
        "müller",
        "MULLER-doe",
        "+49 30 1234567",
        "030 1234567",
        "1234567",
    ],
)
def test_a_customer_is_found_by_email_name_or_phone(
    client: TestClient, admin: Headers, query: str
) -> None:
    jane = create(client, admin, JANE)
    create(client, admin, person(1, phone="+44 20 7946 0958"))
    found = client.get("/v1/customers", params={"q": query}, headers=admin)
    assert found.status_code == 200, found.text
    assert [c["id"] for c in found.json()["items"]] == [jane["id"]]


def test_search_treats_wildcards_literally(client: TestClient, admin: Headers) -> None:
    create(client, admin, JANE)
    found = client.get("/v1/customers", params={"q": "%"}, headers=admin)
    assert found.json()["items"] == []


def test_customers_are_filtered_by_exact_email_and_by_tag(
    client: TestClient, admin: Headers
) -> None:
    jane = create(client, admin, JANE)
    other = create(client, admin, person(1, tags=["Wholesale"]))
    by_email = client.get("/v1/customers", params={"email": "jane.doe@EXAMPLE.com"}, headers=admin)
    assert [c["id"] for c in by_email.json()["items"]] == [jane["id"]]
    by_tag = client.get("/v1/customers", params={"tag": "WHOLESALE"}, headers=admin)
    assert [c["id"] for c in by_tag.json()["items"]] == [other["id"], jane["id"]]
    by_vip = client.get("/v1/customers", params={"tag": "vip"}, headers=admin)
    assert [c["id"] for c in by_vip.json()["items"]] == [jane["id"]]


def test_customers_are_paged_newest_first_without_gaps_or_repeats(
    client: TestClient, admin: Headers
) -> None:
    created = [create(client, admin, person(n))["id"] for n in range(5)]
    seen: list[str] = []
    cursor = None
    for _ in range(3):
        params: dict[str, Any] = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = client.get("/v1/customers", params=params, headers=admin).json()
        seen += [c["id"] for c in page["items"]]
        cursor = page["next_cursor"]
    assert seen == list(reversed(created))
    assert cursor is None


def test_a_tampered_cursor_is_422(client: TestClient, admin: Headers) -> None:
    response = client.get("/v1/customers", params={"cursor": "bm9wZQ"}, headers=admin)
    assert response.status_code == 422
    assert errors(response) == {"cursor"}


def test_marketing_sees_no_contact_details_and_email_only_with_consent(
    client: TestClient, admin: Headers, key_for: KeyMaker
) -> None:
    consenting = create(client, admin, JANE)
    silent = create(client, admin, person(1, phone="+44 20 7946 0958"))
    marketing = key_for("marketing")
    listed = client.get("/v1/customers", headers=marketing).json()["items"]
    by_id = {c["id"]: c for c in listed}
    assert by_id[consenting["id"]]["email"] == "Jane.Doe@example.com"
    assert by_id[silent["id"]]["email"] is None
    for shown in listed:
        assert not {"phone", "addresses", "notes"} & shown.keys()
    one = client.get(f"/v1/customers/{consenting['id']}", headers=marketing).json()
    assert not {"phone", "addresses", "notes"} & one.keys()
    assert one["tags"] == ["vip", "wholesale"]


def test_marketing_cannot_find_customers_by_contact_details_it_may_not_see(
    client: TestClient, admin: Headers, key_for: KeyMaker
) -> None:
    create(client, admin, JANE)
    create(client, admin, person(1, phone="+44 20 7946 0958"))
    marketing = key_for("marketing")

    def found(**params: str) -> list[str]:
        page = client.get("/v1/customers", params=params, headers=marketing).json()
        return [c["name"] for c in page["items"]]

    assert found(q="7946 0958") == []
    assert found(q="person1@") == []
    assert found(email="person1@example.com") == []
    assert found(q="jane.doe@") == ["Jane Müller-Doe"]
    assert found(q="person 1") == ["Person 1"]


def test_finance_sees_the_full_customer(
    client: TestClient, admin: Headers, key_for: KeyMaker
) -> None:
    jane = create(client, admin, JANE)
    seen = client.get(f"/v1/customers/{jane['id']}", headers=key_for("finance")).json()
    assert seen == jane


def test_a_profile_is_changed_and_a_phone_removed_with_null(
    client: TestClient, admin: Headers
) -> None:
    jane = create(client, admin, JANE)
    url = f"/v1/customers/{jane['id']}"
    changed = client.patch(
        url, json={"phone": "+44 20 7946 0958", "tags": ["Gold"]}, headers=admin
    ).json()
    assert (changed["phone"], changed["tags"]) == ("+442079460958", ["gold"])
    withdrawn = client.patch(
        url, json={"phone": None, "marketing_consent": False}, headers=admin
    ).json()
    assert withdrawn["phone"] is None
    assert (withdrawn["marketing_consent"], withdrawn["marketing_consent_at"]) == (False, None)
    assert withdrawn["name"] == JANE["name"]


def test_changing_to_an_email_in_use_is_409(client: TestClient, admin: Headers) -> None:
    create(client, admin, person(1))
    other = create(client, admin, person(2))
    response = client.patch(
        f"/v1/customers/{other['id']}", json={"email": "Person1@example.com"}, headers=admin
    )
    assert response.status_code == 409
    assert response.json()["code"] == "email-taken"


def test_addresses_are_added_changed_and_removed_with_one_default(
    client: TestClient, admin: Headers
) -> None:
    jane = create(client, admin, JANE)
    (home,) = jane["addresses"]
    url = f"/v1/customers/{jane['id']}/addresses"
    paris = {"label": "Work", "line1": "12 Rue de Rivoli", "city": "Paris"}
    work = post(client, url, admin, paris | {"postal_code": "75004", "country": "FR"})
    assert work.status_code == 201, work.text
    assert (work.json()["default_shipping"], work.json()["label"]) == (False, "Work")
    made_default = client.patch(
        f"{url}/{work.json()['id']}", json={"default_shipping": True}, headers=admin
    )
    assert made_default.json()["default_shipping"] is True
    addresses = client.get(f"/v1/customers/{jane['id']}", headers=admin).json()["addresses"]
    assert [(a["id"], a["default_shipping"]) for a in addresses] == [
        (home["id"], False),
        (work.json()["id"], True),
    ]
    removed = client.delete(f"{url}/{work.json()['id']}", headers=admin)
    assert removed.status_code == 204
    (left,) = client.get(f"/v1/customers/{jane['id']}", headers=admin).json()["addresses"]
    assert (left["id"], left["default_shipping"]) == (home["id"], True)


def test_an_added_address_with_a_bad_postcode_names_the_field(
    client: TestClient, admin: Headers
) -> None:
    jane = create(client, admin, JANE)
    bad = {"line1": "12 Rue de Rivoli", "city": "Paris", "postal_code": "7500", "country": "FR"}
    response = post(client, f"/v1/customers/{jane['id']}/addresses", admin, bad)
    assert response.status_code == 422
    assert errors(response) == {"postal_code"}


def test_an_unknown_customer_is_404(client: TestClient, admin: Headers) -> None:
    response = client.get("/v1/customers/0190f5d2-0000-7000-8000-000000000000", headers=admin)
    assert response.status_code == 404
    assert response.json()["code"] == "customer-not-found"


def test_the_export_holds_all_personal_data_as_an_attachment(
    client: TestClient, admin: Headers, key_for: KeyMaker
) -> None:
    jane = create(client, admin, JANE)
    client.patch(f"/v1/customers/{jane['id']}", json={"marketing_consent": False}, headers=admin)
    response = client.get(f"/v1/customers/{jane['id']}/export", headers=key_for("csr"))
    assert response.status_code == 200, response.text
    assert response.headers["content-disposition"] == (
        'attachment; filename="customer-C-100001.json"'
    )
    exported = response.json()
    profile = exported["customer"]
    assert (profile["email"], profile["name"], profile["phone"]) == (
        "Jane.Doe@example.com",
        JANE["name"],
        "+49301234567",
    )
    assert profile["notes"] == JANE["notes"]
    assert profile["tags"] == ["vip", "wholesale"]
    assert profile["addresses"][0]["line1"] == "Unter den Linden 1"
    assert [r["granted"] for r in exported["marketing_consent_history"]] == [True, False]


def test_marketing_may_not_export(client: TestClient, admin: Headers, key_for: KeyMaker) -> None:
    jane = create(client, admin, JANE)
    response = client.get(f"/v1/customers/{jane['id']}/export", headers=key_for("marketing"))
    assert response.status_code == 403


def test_erasure_pseudonymises_keeps_the_id_and_frees_the_email(
    client: TestClient, admin: Headers
) -> None:
    jane = create(client, admin, JANE)
    url = f"/v1/customers/{jane['id']}"
    erased = client.post(f"{url}/erase", headers=admin)
    assert erased.status_code == 200, erased.text
    body = erased.json()
    assert (body["id"], body["number"]) == (jane["id"], jane["number"])
    assert body["email"] == f"erased+{jane['id']}@invalid"
    assert body["name"] == "Erased customer"
    assert (body["phone"], body["locale"], body["notes"]) == (None, None, "")
    assert (body["addresses"], body["tags"], body["marketing_consent"]) == ([], [], False)
    assert body["erased_at"] is not None
    assert client.get(url, headers=admin).json() == body
    again = client.post(f"{url}/erase", headers=admin)
    assert again.json() == body
    assert create(client, admin, JANE)["id"] != jane["id"]


def test_an_erased_customer_cannot_be_edited(client: TestClient, admin: Headers) -> None:
    jane = create(client, admin, JANE)
    url = f"/v1/customers/{jane['id']}"
    client.post(f"{url}/erase", headers=admin)
    response = client.patch(url, json={"name": "Jane Again"}, headers=admin)
    assert response.status_code == 409
    assert response.json()["code"] == "customer-erased"
    address = post(client, f"{url}/addresses", admin, JANE["addresses"][0])
    assert address.status_code == 409


def test_only_admin_may_erase(client: TestClient, admin: Headers, key_for: KeyMaker) -> None:
    jane = create(client, admin, JANE)
    response = client.post(f"/v1/customers/{jane['id']}/erase", headers=key_for("csr"))
    assert response.status_code == 403
