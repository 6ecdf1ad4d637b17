"""Hostile input, by class: every list route, every date filter, every quantity, every body.

What a probing client found gave 500s or was silently coerced; each class is tried here on every
route it applies to (found from the app's own OpenAPI document, so a new route is covered the day
it appears): a 422 naming the parameter, a 400 for a body that is not JSON, a 413 for a body too
big however it is sent, and never a 5xx.
"""

from __future__ import annotations

import base64
import json
import re
import uuid
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from oms.platform.unit_of_work import UnitOfWork
from tests import builders
from tests.conftest import KeyMaker
from tests.integration.test_orders_api import order, place, shop  # noqa: F401 (fixture)

pytestmark = pytest.mark.usefixtures("balanced_ledger")

Headers = dict[str, str]


def cursor_of(key: Any) -> str:
    raw = json.dumps(key, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


SOME_ID = str(uuid.uuid4())
EVIL_KEYS: list[Any] = [
    [2**64],
    [2**63],
    [-1],
    [True],
    [1.5],
    [None],
    [],
    ["2026-01-01T00:00:00", SOME_ID],
    ["2026-01-01", SOME_ID],
    ["9999-12-31T23:59:59-23:59", SOME_ID],
    ["0001-01-01T00:00:00+23:59", SOME_ID],
    ["2026-01-01T00:00:00Z", "not-an-id"],
    ["2026-01-01T00:00:00Z", SOME_ID, "extra"],
    ["\u0000"],
    ["x\u0000", SOME_ID],
    {"placed_at": "2026-01-01T00:00:00Z"},
    [[[[[[]]]]]],
]
"""Sort keys no list issues: a 64-bit overflow, naive and out-of-range dates, wrong arity and
types, NUL characters (PostgreSQL text refuses them)."""

EVIL_INSTANTS = [
    "2026-01-01",
    "2026-01-01T00:00:00",
    "9999-12-31T23:59:59-23:59",
    "0001-01-01T00:00:00+23:59",
    "10000-01-01T00:00:00Z",
    "2026-02-30T00:00:00Z",
    "2026-01-01T00:00:00+24:00",
]
"""No timezone, a UTC form outside years 1-9999, or no such date."""


@pytest.fixture
def spec(app: FastAPI) -> dict[str, Any]:
    return app.openapi()


@pytest.fixture
def real_paths(client: TestClient, admin: Headers) -> dict[str, str]:
    """Path parameters that exist, so each route gets past its 404 to read its query."""
    placed = place(client, admin, "real").json()
    header = "automatic_payout_id,balance_transaction_id,currency,gross,fee,net,reporting_category,"
    run = client.post(
        "/v1/reconciliations",
        headers=admin,
        files={"file": ("payout.csv", (header + "source_id\n").encode(), "text/csv")},
        data={"provider": "stripe"},
    ).json()
    webhook = client.post(  # an IP literal: no DNS asked, and a public address
        "/v1/webhooks",
        headers=admin,
        json={"url": "https://93.184.216.34/hooks", "event_types": ["*"]},
    ).json()
    return {
        "order_id": placed["id"],
        "customer_id": placed["customer"]["id"],
        "reconciliation_id": run["id"],
        "webhook_id": webhook["id"],
        "sku": "TS-1",
        "code": "web",
    }


def list_routes(spec: dict[str, Any]) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    for path, operations in spec["paths"].items():
        get = operations.get("get")
        if get is not None:
            yield path, get.get("parameters", [])


def concrete(path: str, real: dict[str, str]) -> str:
    return re.sub(r"\{([^}]+)\}", lambda m: real.get(m.group(1), SOME_ID), path)


def required_query(parameters: list[dict[str, Any]]) -> dict[str, str]:
    """Values for required query parameters (today: the location of the stock list)."""
    return {p["name"]: "wh-de" for p in parameters if p["in"] == "query" and p.get("required")}


def field_of(response: Any) -> str:
    return str(response.json()["errors"][0]["field"])


def fields_of(response: Any) -> set[str]:
    return {str(e["field"]) for e in response.json().get("errors") or []}


@pytest.mark.usefixtures("shop")
def test_every_list_answers_a_cursor_it_did_not_issue_with_422_on_cursor_never_5xx(
    client: TestClient, admin: Headers, spec: dict[str, Any], real_paths: dict[str, str]
) -> None:
    """A key may happen to fit a list whose sort key is text (a SKU may look like a date): that
    list answers 200; every other answer is a 422 naming ``cursor``."""
    paged = paged_lists(spec)
    assert len(paged) >= 12, "every paged list is tried"
    wrong = []
    for path, params in paged:
        url = concrete(path, real_paths)
        for key in EVIL_KEYS:
            query = required_query(params) | {"cursor": cursor_of(key)}
            response = client.get(url, params=query, headers=admin)
            if response.status_code == 200:
                continue
            if response.status_code != 422 or fields_of(response) != {"cursor"}:
                wrong.append(f"{path} {key!r}: {response.status_code} {response.text[:120]}")
    assert wrong == []


@pytest.mark.usefixtures("shop")
def test_lists_ordered_by_time_or_position_refuse_every_key_of_another_shape(
    client: TestClient, admin: Headers, spec: dict[str, Any], real_paths: dict[str, str]
) -> None:
    """Naive and out-of-range dates, integers beyond 64 bits: the 500s a probing client found."""
    place(client, admin, "second", customer={"email": "bo@example.com", "name": "Bo"})
    typed = []
    for path, params in paged_lists(spec):
        url = concrete(path, real_paths)
        first = client.get(url, params=required_query(params) | {"limit": 1}, headers=admin)
        issued = first.json()["next_cursor"]
        if issued is not None and _sorted_by_time_or_position(issued):
            typed.append((path, url, params))
    assert {path for path, _, _ in typed} >= {
        "/v1/orders",
        "/v1/customers",
        "/v1/orders/{order_id}/timeline",
        "/v1/inventory/{sku}/movements",
    }
    wrong = []
    for path, url, params in typed:
        for key in EVIL_KEYS:
            query = required_query(params) | {"cursor": cursor_of(key)}
            response = client.get(url, params=query, headers=admin)
            if response.status_code != 422 or fields_of(response) != {"cursor"}:
                wrong.append(f"{path} {key!r}: {response.status_code} {response.text[:120]}")
    assert wrong == []


def _sorted_by_time_or_position(cursor: str) -> bool:
    key = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    if isinstance(key[0], int):
        return True
    try:
        datetime.fromisoformat(key[0])
    except (TypeError, ValueError):
        return False
    return True


def paged_lists(spec: dict[str, Any]) -> list[tuple[str, list[dict[str, Any]]]]:
    return [
        (path, params)
        for path, params in list_routes(spec)
        if any(p["name"] == "cursor" for p in params)
    ]


@pytest.mark.usefixtures("shop")
def test_every_list_pages_with_the_cursors_it_issues(
    client: TestClient, admin: Headers, spec: dict[str, Any], real_paths: dict[str, str]
) -> None:
    """The typed cursors read back what ``Page.of`` wrote, on every list with two rows or more."""
    for n in range(2):
        place(client, admin, f"more-{n}")
    for path, params in paged_lists(spec):
        url = concrete(path, real_paths)
        first = client.get(url, params=required_query(params) | {"limit": 1}, headers=admin)
        assert first.status_code == 200, (path, first.text)
        cursor = first.json()["next_cursor"]
        if cursor is None:
            continue
        second = client.get(
            url, params=required_query(params) | {"limit": 1, "cursor": cursor}, headers=admin
        )
        assert second.status_code == 200, (path, second.text)
        assert second.json()["items"] != first.json()["items"], path


@pytest.mark.usefixtures("shop")
def test_every_date_filter_refuses_dates_without_zone_or_out_of_range_naming_it(
    client: TestClient, admin: Headers, spec: dict[str, Any], real_paths: dict[str, str]
) -> None:
    filters = [
        (path, params, p["name"])
        for path, params in list_routes(spec)
        for p in params
        if p["in"] == "query" and _is_instant(p.get("schema", {}))
    ]
    assert {name for _, _, name in filters} >= {"placed_from", "placed_to"}
    wrong = []
    for path, params, name in filters:
        for value in EVIL_INSTANTS:
            query = required_query(params) | {name: value}
            response = client.get(concrete(path, real_paths), params=query, headers=admin)
            if response.status_code != 422 or not field_of(response).endswith(name):
                wrong.append(f"{path}?{name}={value}: {response.status_code}")
    assert wrong == []


def _is_instant(schema: dict[str, Any]) -> bool:
    options = schema.get("anyOf", [schema])
    return any(option.get("format") == "date-time" for option in options)


@pytest.mark.usefixtures("shop")
def test_a_date_filter_with_its_offset_is_read_in_utc(client: TestClient, admin: Headers) -> None:
    place(client, admin, "k")
    later = client.get(
        "/v1/orders", params={"placed_from": "9999-12-31T00:00:00+14:00"}, headers=admin
    )
    earlier = client.get(
        "/v1/orders", params={"placed_from": "0001-01-02T00:00:00-12:00"}, headers=admin
    )
    assert (later.status_code, earlier.status_code) == (200, 200)
    assert (len(later.json()["items"]), len(earlier.json()["items"])) == (0, 1)


@pytest.mark.usefixtures("shop")
def test_a_hold_releasing_itself_at_a_date_without_zone_is_refused(
    client: TestClient, admin: Headers
) -> None:
    placed = place(client, admin, "k").json()
    for value in EVIL_INSTANTS:
        response = client.post(
            f"/v1/orders/{placed['id']}/holds",
            json={"reason": "fraud_review", "auto_release_at": value},
            headers=admin,
        )
        assert response.status_code == 422, value
        assert field_of(response) == "auto_release_at"


LOOSE_QUANTITIES: list[Any] = ["1", True, 1.0, "one", None, [1], {"n": 1}]


@pytest.mark.usefixtures("shop")
@pytest.mark.parametrize("loose", LOOSE_QUANTITIES, ids=repr)
def test_quantities_are_json_integers_everywhere(
    client: TestClient, admin: Headers, loose: Any
) -> None:
    placed = place(client, admin, "base").json()
    line_id = placed["lines"][0]["id"]
    key = {"Idempotency-Key": str(uuid.uuid4())}
    at = f"/v1/orders/{placed['id']}"
    attempts: list[tuple[str, str, dict[str, Any]]] = [
        ("/v1/orders", "lines.0.quantity", order(lines=[{"sku": "TS-1", "quantity": loose}])),
        (
            "/v1/quotes",
            "lines.0.quantity",
            {"channel": "web", "country": "DE", "lines": [{"sku": "TS-1", "quantity": loose}]},
        ),
        (
            f"{at}/changes",
            "operations.0.add_line.quantity",
            {"operations": [{"op": "add_line", "sku": "TS-1", "quantity": loose}]},
        ),
        (
            f"{at}/changes",
            "operations.0.change_quantity.quantity",
            {"operations": [{"op": "change_quantity", "line_id": line_id, "quantity": loose}]},
        ),
        (
            f"{at}/cancel",
            "lines.0.quantity",
            {"reason": "x", "lines": [{"line_id": line_id, "quantity": loose}]},
        ),
        (
            "/v1/inventory/receipts",
            "quantity",
            {"sku": "TS-1", "location": "wh-de", "quantity": loose},
        ),
        (
            "/v1/inventory/adjustments",
            "delta",
            {"sku": "TS-1", "location": "wh-de", "delta": loose, "reason": "found"},
        ),
        (
            "/v1/inventory/counts",
            "counted",
            {"sku": "TS-1", "location": "wh-de", "counted": loose, "expected_on_hand": 5},
        ),
    ]
    wrong = []
    for url, field, body in attempts:
        response = client.post(url, json=body, headers=admin | key)
        if response.status_code != 422 or field not in fields_of(response):
            wrong.append(f"{url} {field}: {response.status_code} {response.text[:160]}")
    assert wrong == []
    assert len(client.get("/v1/orders", headers=admin).json()["items"]) == 1


@pytest.mark.usefixtures("shop")
@pytest.mark.parametrize("amount", ["22.001", "21.999", "0.0001", "1e-3"])
def test_a_marketplace_price_finer_than_a_cent_is_refused_not_rounded(
    client: TestClient, admin: Headers, amount: str
) -> None:
    body = order(
        channel="mkt",
        external_id="M-1",
        lines=[{"sku": "TS-1", "quantity": 1, "unit_price": {"amount": amount, "currency": "USD"}}],
    )
    response = client.post("/v1/orders", json=body, headers=admin | {"Idempotency-Key": "p"})
    assert response.status_code == 422, response.text
    assert field_of(response).startswith("lines.0.unit_price")
    assert client.get("/v1/orders", headers=admin).json()["items"] == []


USD_22_50 = {"amount": "22.500", "currency": "USD"}


@pytest.mark.usefixtures("shop")
def test_a_marketplace_price_with_trailing_zeros_is_exact(
    client: TestClient, admin: Headers
) -> None:
    body = order(
        channel="mkt",
        external_id="M-1",
        lines=[
            {"sku": "TS-1", "quantity": 1, "unit_price": {"amount": "22.500", "currency": "USD"}}
        ],
    )
    response = client.post("/v1/orders", json=body, headers=admin | {"Idempotency-Key": "p"})
    assert response.status_code == 201, response.text
    assert response.json()["lines"][0]["unit_price"] == {"amount": "22.50", "currency": "USD"}


def test_a_hold_rule_threshold_finer_than_a_cent_is_refused(
    client: TestClient, admin: Headers
) -> None:
    response = client.put(
        "/v1/hold-rules/total_above",
        json={"enabled": True, "thresholds": {"EUR": "1000.001"}},
        headers=admin,
    )
    assert response.status_code == 422
    assert field_of(response) == "thresholds.EUR.amount"


INVISIBLE = ["\u200b", "\u200b\u200c\u200d", "\u2060\ufeff", "\u3164", "\u00a0\u200b", "\u0301"]


@pytest.mark.usefixtures("shop")
@pytest.mark.parametrize("blank", INVISIBLE, ids=ascii)
def test_names_made_of_invisible_characters_are_refused(
    client: TestClient, admin: Headers, blank: str
) -> None:
    key = {"Idempotency-Key": str(uuid.uuid4())}
    unseen = {"line1": blank, "city": "Berlin", "country": "DE"}
    nobody = {"email": "a@example.com", "name": blank}
    attempts: list[tuple[str, str, dict[str, Any], str]] = [
        (
            "POST",
            "/v1/orders",
            order(customer=nobody),
            "customer.name",
        ),
        ("POST", "/v1/orders", order(shipping_address=unseen), "shipping_address.line1"),
        ("POST", "/v1/customers", {"email": "b@example.com", "name": blank}, "name"),
        ("PATCH", "/v1/channels/web", {"name": blank}, "name"),
    ]
    for method, url, body, field in attempts:
        response = client.request(method, url, json=body, headers=admin | key)
        assert response.status_code == 422, (url, response.text)
        assert field_of(response) == field


@pytest.mark.usefixtures("shop")
def test_a_name_with_a_joiner_inside_visible_letters_is_kept(
    client: TestClient, admin: Headers
) -> None:
    name = "Zoë\u200d Ångström"
    response = place(client, admin, "k", customer={"email": "z@example.com", "name": name})
    assert response.status_code == 201, response.text
    assert response.json()["customer"]["name"] == name


LONG_LOCAL = "a" * 65 + "@example.com"
LONG_TOTAL = "a@" + ".".join(["b" * 60] * 5) + ".com"


@pytest.mark.usefixtures("shop")
@pytest.mark.parametrize("email", [LONG_LOCAL, LONG_TOTAL], ids=["local-65", "total-255"])
def test_emails_beyond_rfc_5321_limits_are_refused(
    client: TestClient, admin: Headers, email: str
) -> None:
    assert len(email) > 254 or len(email.split("@", maxsplit=1)[0]) > 64
    key = {"Idempotency-Key": str(uuid.uuid4())}
    for method, url, body, field in [
        ("POST", "/v1/orders", order(customer={"email": email, "name": "A"}), "customer.email"),
        ("POST", "/v1/customers", {"email": email, "name": "A"}, "email"),
    ]:
        response = client.request(method, url, json=body, headers=admin | key)
        assert response.status_code == 422, (url, response.text)
        assert field_of(response) == field
    lookup = client.get("/v1/orders/lookup", params={"number": "SO-10001", "email": email})
    assert lookup.status_code == 422
    assert field_of(lookup).endswith("email")


@pytest.mark.usefixtures("shop")
def test_the_longest_email_rfc_5321_allows_is_taken(client: TestClient, admin: Headers) -> None:
    email = "a" * 64 + "@" + ".".join(["b" * 61] * 3) + ".com"
    assert len(email) == 254
    response = place(client, admin, "k", customer={"email": email, "name": "A"})
    assert response.status_code == 201, response.text


@pytest.mark.usefixtures("shop")
def test_a_partial_cancel_names_each_line_once_and_at_least_one(
    client: TestClient, admin: Headers
) -> None:
    placed = place(client, admin, "k").json()
    line_id = placed["lines"][0]["id"]
    url = f"/v1/orders/{placed['id']}/cancel"
    twice = [{"line_id": line_id, "quantity": 1}, {"line_id": line_id, "quantity": 1}]
    for lines in ([], twice):
        response = client.post(url, json={"reason": "x", "lines": lines}, headers=admin)
        assert response.status_code == 422, response.text
        assert field_of(response) == "lines"
    after = client.get(f"/v1/orders/{placed['id']}", headers=admin).json()
    assert after["lines"][0]["cancelled_quantity"] == 0
    assert after["version"] == placed["version"]


@pytest.mark.parametrize(
    "body", [b"{", b'{"name": "x",}', b"nul", b'{"a": 1} trailing', b"\xff\xfe{"], ids=repr
)
def test_a_body_that_is_not_json_is_400_on_every_route_that_takes_one(
    client: TestClient, admin: Headers, spec: dict[str, Any], body: bytes
) -> None:
    taking = [
        (method.upper(), path)
        for path, operations in spec["paths"].items()
        for method, operation in operations.items()
        if "application/json" in operation.get("requestBody", {}).get("content", {})
    ]
    assert len(taking) >= 20
    wrong = []
    for method, path in taking:
        response = client.request(
            method,
            concrete(path, {}),
            content=body,
            headers=admin | {"Content-Type": "application/json", "Idempotency-Key": "j"},
        )
        problem = response.json()
        if response.status_code != 400 or problem.get("code") != "bad-request":
            wrong.append(f"{method} {path}: {response.status_code} {problem.get('code')}")
    assert wrong == []


def test_a_chunked_body_too_large_is_413(client: TestClient, admin: Headers) -> None:
    """No Content-Length to refuse up front: the body is counted as it arrives."""

    def chunks() -> Iterator[bytes]:
        yield b'{"email": "a@example.com", "name": "'
        for _ in range(40):
            yield b"x" * 65_536
        yield b'"}'

    for path in ("/v1/customers", "/v1/orders", "/v1/inventory/receipts"):
        response = client.post(
            path,
            content=chunks(),
            headers=admin | {"Content-Type": "application/json", "Idempotency-Key": "c"},
        )
        assert response.status_code == 413, (path, response.text)
        assert response.json()["code"] == "payload-too-large"


def test_a_channel_key_gets_the_same_answers_to_hostile_input(
    client: TestClient, key_for: KeyMaker, uow: UnitOfWork
) -> None:
    """The guards sit before authorisation differences: a channel key sees the same 422s."""
    builders.channel(uow, "web")
    web = key_for("channel", channel="web")
    response = client.get("/v1/orders", params={"cursor": cursor_of([2**64])}, headers=web)
    assert response.status_code == 422
    response = client.get("/v1/orders", params={"placed_to": "2026-01-01"}, headers=web)
    assert response.status_code == 422
