"""HTTP semantics the API owes its clients (RFC 9110): conditional GETs and method lists."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.integration.test_orders_api import place, shop  # noqa: F401 (fixture)

Headers = dict[str, str]


@pytest.fixture
def placed(client: TestClient, admin: Headers, shop: None) -> dict[str, Any]:  # noqa: F811
    response = place(client, admin, "conditional")
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def _read(client: TestClient, admin: Headers, order: dict[str, Any], **headers: str) -> Any:
    return client.get(f"/v1/orders/{order['id']}", headers=admin | headers)


@pytest.mark.parametrize(
    "if_none_match",
    ['"{v}"', 'W/"{v}"', '"999", "{v}"', '"999","{v}" ', "*"],
    ids=["exact", "weak", "in-a-list", "list-without-spaces", "any"],
)
def test_a_get_whose_etag_the_client_holds_is_304_without_a_body(
    client: TestClient, admin: Headers, placed: dict[str, Any], if_none_match: str
) -> None:
    tag = _read(client, admin, placed).headers["ETag"]
    assert tag == f'"{placed["version"]}"'
    response = _read(
        client, admin, placed, **{"If-None-Match": if_none_match.format(v=placed["version"])}
    )
    assert response.status_code == 304
    assert response.content == b""
    assert response.headers["ETag"] == tag
    assert "content-type" not in response.headers
    assert "x-request-id" in response.headers


@pytest.mark.parametrize("if_none_match", ['"999"', 'W/"999", "998"', "not a tag", '"1'])
def test_a_get_whose_etag_differs_or_is_malformed_gets_the_full_response(
    client: TestClient, admin: Headers, placed: dict[str, Any], if_none_match: str
) -> None:
    response = _read(client, admin, placed, **{"If-None-Match": if_none_match})
    assert response.status_code == 200
    assert response.json()["id"] == placed["id"]


def test_a_changed_order_is_sent_again(
    client: TestClient, admin: Headers, placed: dict[str, Any]
) -> None:
    held = f"/v1/orders/{placed['id']}/holds"
    assert client.post(held, json={"reason": "manual"}, headers=admin).status_code == 201
    response = _read(client, admin, placed, **{"If-None-Match": f'"{placed["version"]}"'})
    assert response.status_code == 200
    assert response.headers["ETag"] == f'"{placed["version"] + 1}"'


def test_only_a_successful_get_becomes_304(
    client: TestClient, admin: Headers, placed: dict[str, Any]
) -> None:
    """``*`` matches any current representation, so a missing order stays 404; a write with
    If-None-Match is not a conditional GET (its ETag is the new version)."""
    missing = client.get(
        "/v1/orders/01900000-0000-7000-8000-000000000000",
        headers=admin | {"If-None-Match": "*"},
    )
    assert missing.status_code == 404
    listed = client.get("/v1/orders", headers=admin | {"If-None-Match": "*"})
    assert listed.status_code == 200
    cancelled = client.post(
        f"/v1/orders/{placed['id']}/cancel",
        json={"reason": "customer asked"},
        headers=admin | {"If-None-Match": "*"},
    )
    assert cancelled.status_code == 200


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("DELETE", "/v1/orders", "GET, POST"),
        ("PUT", "/v1/channels/web", "GET, PATCH"),
        ("POST", "/v1/variants/TS-1", "GET, PATCH"),
        ("GET", "/v1/variants/TS-1/prices/web", "PUT, DELETE"),
        ("DELETE", "/v1/orders/lookup", "GET"),
        ("PATCH", "/health", "GET"),
    ],
)
def test_a_405_lists_every_method_the_path_answers(
    client: TestClient, admin: Headers, method: str, path: str, allowed: str
) -> None:
    response = client.request(method, path, headers=admin)
    assert response.status_code == 405
    assert response.headers["Allow"] == allowed
    assert response.headers["content-type"] == "application/problem+json"
