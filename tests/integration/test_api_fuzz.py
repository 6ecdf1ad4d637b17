"""schemathesis against the app's own OpenAPI: every operation, as admin, a channel key and a csr.

Each operation starts from the same realistic merchant (two locations, a web and a marketplace
channel, tax and shipping, two products in stock, four orders, a hold, a pending change, a
customer). schemathesis' three phases run against it: the schema's examples and the boundary
("coverage") cases as admin, then fuzzed cases sent as each role in turn, positive and negative.
Every other positive case is pointed at the merchant's real codes and ids (and, for the few
operations listed in ``_bodies``, a well-formed body), so requests reach real rows instead of
stopping at 404. Every response must be no 5xx, a documented status, in the documented content
type and matching the documented schema.

Bounded for CI: 12 derandomized fuzzed cases per operation and mode, no shrinking (the database
moves on between cases, so a shrunk case would not replay the same state anyway). The tests at
the end pin what the fuzzing found.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis import Case, CheckContext, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.transport import Response
from schemathesis.generation.meta import TestPhase
from schemathesis.python.asgi import shutdown_lifespans
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import create_engine

from oms import auth
from oms.app.http import create_app
from oms.platform.settings import Settings
from oms.platform.unit_of_work import UnitOfWork
from tests.conftest import KeyMaker
from tests.integration.test_orders_api import order, receive, shop  # noqa: F401 (fixture)

pytestmark = pytest.mark.usefixtures("balanced_ledger")

# The document is the same whatever the database: read it once, from an app never connected.
CONFIG = schemathesis.Config.from_dict(
    {
        "generation": {
            "mode": "all",
            "max-examples": 12,
            "deterministic": True,
            "no-shrink": True,
            "database": "none",
        },
        "phases": {"stateful": {"enabled": False}, "coverage": {"unexpected-methods": []}},
    }
)
SCHEMA = schemathesis.openapi.from_dict(
    create_app(Settings(), engine=create_engine("sqlite://"), run_relay=False).openapi(),
    config=CONFIG,
)


@schemathesis.check
def etag_is_documented(ctx: CheckContext, response: Response, case: Case) -> bool | None:
    """A response that carries an ETag documents it (the route takes ``response: Tagged``), so
    clients learn of ``If-Match`` and ``If-None-Match`` from the document, not by chance."""
    if "etag" not in {name.lower() for name in response.headers}:
        return None
    documented = case.operation.definition.raw["responses"].get(str(response.status_code), {})
    assert "ETag" in documented.get("headers", {}), f"{case.operation.label}: undocumented ETag"
    return True


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
    etag_is_documented,
]
ROLES = {"admin": ("admin", None), "channel": ("channel", "web"), "csr": ("csr", None)}
IDEMPOTENCY_KEY = "Idempotency-Key"

Headers = dict[str, str]


@dataclass
class Merchant:
    """Real values to put in requests: (path prefix, parameters that belong together)."""

    parameters: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    bodies: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    turn: int = 0

    def aim(self, case: Case) -> None:
        """Point the case at real rows: every other case gets a known set of inputs."""
        known = self.known(case.operation)
        self.turn += 1
        if not known or self.turn % 2:
            return
        fixed = known[(self.turn // 2) % len(known)]
        if fixed.get("path_parameters"):
            case.path_parameters = {**(case.path_parameters or {}), **fixed["path_parameters"]}
        if fixed.get("query"):
            case.query = {**(case.query or {}), **fixed["query"]}
        if "body" in fixed:
            case.body = fixed["body"]

    def known(self, operation: Any) -> list[dict[str, Any]]:
        """Fixed inputs naming real rows: path parameters with the query and body they suit."""
        path = {p.name for p in operation.path_parameters}
        query = {p.name for p in operation.query}
        found = []
        for prefix, values in self.parameters:
            if not operation.path.startswith(prefix) or not path <= values.keys():
                continue
            fixed_query = {k: v for k, v in values.items() if k in query}
            if path or fixed_query:
                found.append(
                    {
                        "path_parameters": {k: values[k] for k in path} or None,
                        "query": fixed_query or None,
                    }
                )
        bodies = self.bodies.get(operation.label, [])
        if bodies:
            found = [{**f, "body": b} for f in found or [{}] for b in bodies]
        return found


def _post(client: TestClient, headers: Headers, path: str, body: dict[str, Any]) -> Any:
    key = {IDEMPOTENCY_KEY: f"seed-{uuid.uuid4()}"}
    response = client.post(path, json=body, headers=headers | key)
    assert response.status_code == 201, response.text
    return response.json()


@pytest.fixture
def merchant(
    request: pytest.FixtureRequest, uow: UnitOfWork, client: TestClient, admin: Headers
) -> Merchant:
    """The orders tests' shop with more stock, four orders, a hold, a change and a customer."""
    request.getfixturevalue("shop")
    receive(uow, "TS-1", "wh-de", 40)
    receive(uow, "TS-2", "store-paris", 10)
    placed = [_post(client, admin, "/v1/orders", order(external_id=f"W-{n}")) for n in range(3)]
    marketplace = order(
        channel="mkt",
        external_id="AMZ-1",
        lines=[{"sku": "TS-1", "quantity": 1}],
    )
    mkt = _post(client, admin, "/v1/orders", marketplace)
    held = _post(client, admin, f"/v1/orders/{placed[1]['id']}/holds", {"reason": "manual"})
    line = placed[2]["lines"][0]["id"]
    change = _post(
        client,
        admin,
        f"/v1/orders/{placed[2]['id']}/changes",
        {"operations": [{"op": "change_quantity", "line_id": line, "quantity": 1}]},
    )
    customer = _post(
        client,
        admin,
        "/v1/customers",
        {"email": "grace@example.com", "name": "Grace Hopper", "addresses": [_address()]},
    )
    spare = auth.create_api_key(auth.CreateApiKey(name="spare", role=auth.Role.CSR), uow=uow)
    return Merchant(
        parameters=[
            ("/v1/channels", {"code": "web"}),
            ("/v1/channels", {"code": "mkt"}),
            ("/v1/locations", {"code": "wh-de"}),
            ("/v1/locations", {"code": "store-paris"}),
            ("/v1/shipping-zones", {"code": "eu"}),
            ("/v1/products", {"product_id": _product_id(client, admin)}),
            ("/v1/", {"sku": "TS-1", "channel": "web", "location": "wh-de"}),
            ("/v1/", {"sku": "TS-2", "channel": "mkt", "location": "store-paris"}),
            ("/v1/orders", {"order_id": placed[0]["id"]}),
            ("/v1/orders", {"order_id": mkt["id"], "number": mkt["number"]}),
            ("/v1/orders", {"order_id": held["id"], "hold_id": held["holds"][0]["id"]}),
            ("/v1/orders", {"order_id": change["order_id"], "change_id": change["id"]}),
            ("/v1/orders/lookup", {"number": "SO-10001", "email": "ada@example.com"}),
            ("/v1/tax-rates", {"country": "DE", "tax_category": "standard"}),
            ("/v1/hold-rules", {"rule": "total_above"}),
            ("/v1/customers", _customer_parameters(customer)),
            ("/v1/api-keys", {"key_id": str(spare.key.id)}),
        ],
        bodies=_bodies(line),
    )


def _address() -> dict[str, str]:
    return {"line1": "Rue de Rivoli 1", "city": "Paris", "postal_code": "75001", "country": "FR"}


def _product_id(client: TestClient, headers: Headers) -> str:
    return str(client.get("/v1/variants/TS-1", headers=headers).json()["product_id"])


def _customer_parameters(customer: dict[str, Any]) -> dict[str, str]:
    return {"customer_id": customer["id"], "address_id": customer["addresses"][0]["id"]}


def _bodies(line_id: str) -> dict[str, list[dict[str, Any]]]:
    """Well-formed bodies naming real SKUs, locations and lines, for the operations where a
    generated body would almost never get past validation to the interesting code."""
    stock = {"sku": "TS-1", "location": "wh-de"}
    return {
        "POST /v1/orders": [order(), order(lines=[{"sku": "TS-2", "quantity": 1}])],
        "POST /v1/orders/{order_id}/holds": [{"reason": "fraud_review", "note": "check"}],
        "POST /v1/orders/{order_id}/cancel": [
            {"reason": "customer asked"},
            {"reason": "one less", "lines": [{"line_id": line_id, "quantity": 1}]},
        ],
        "POST /v1/orders/{order_id}/changes": [
            {"operations": [{"op": "add_line", "sku": "TS-2", "quantity": 1}]},
            {"operations": [{"op": "change_quantity", "line_id": line_id, "quantity": 3}]},
        ],
        "POST /v1/inventory/receipts": [stock | {"quantity": 3}],
        "POST /v1/inventory/adjustments": [stock | {"delta": -1, "reason": "damage"}],
        "POST /v1/inventory/counts": [stock | {"counted": 40, "expected_on_hand": 45}],
        "POST /v1/inventory/transfers": [
            {"sku": "TS-1", "from_location": "wh-de", "to_location": "store-paris", "quantity": 2}
        ],
        "POST /v1/inventory/unavailable": [stock | {"delta": 1, "reason": "damaged"}],
        "PUT /v1/variants/{sku}/prices/{channel}": [{"amount": "21.00", "currency": "EUR"}],
        "POST /v1/quotes": [
            {
                "channel": "web",
                "country": "DE",
                "shipping_method": "standard",
                "lines": [{"sku": "TS-1", "quantity": 2}],
            }
        ],
    }


@pytest.fixture
def asgi_app(app: FastAPI) -> Iterator[FastAPI]:
    """The test's app; schemathesis keeps every app whose lifespan it started, so stop it."""
    yield app
    shutdown_lifespans()


@pytest.fixture
def keys(key_for: KeyMaker) -> dict[str, Headers]:
    return {role: key_for(name, channel) for role, (name, channel) in ROLES.items()}


@SCHEMA.parametrize()
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_every_operation_answers_as_documented(
    case: Case, asgi_app: FastAPI, merchant: Merchant, keys: dict[str, Headers]
) -> None:
    """Examples and boundary cases as admin; fuzzed cases as every role in turn."""
    meta = case.meta
    assert meta is not None
    positive = meta.generation.mode is GenerationMode.POSITIVE
    if positive:
        merchant.aim(case)
    roles = ROLES if meta.phase.name is TestPhase.FUZZING else ["admin"]
    for role in roles:
        headers = dict(keys[role])
        if any(p.name == IDEMPOTENCY_KEY for p in case.operation.headers):
            headers[IDEMPOTENCY_KEY] = str(uuid.uuid4())
        case.call_and_validate(app=asgi_app, headers=headers, checks=CHECKS)


def _problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    return body


def test_a_body_that_is_not_utf_8_is_a_documented_400(client: TestClient, admin: Headers) -> None:
    """FastAPI answers 400 before validation; every body-taking operation now documents it."""
    response = client.patch(
        "/v1/channels/web",
        content=b'{"name": "\xff"}',
        headers=admin | {"Content-Type": "application/json"},
    )
    assert _problem(response, 400)["code"] == "bad-request"
    operation = SCHEMA.find_operation_by_label("PATCH /v1/channels/{code}")
    assert operation is not None
    assert "400" in operation.definition.raw["responses"]


@pytest.mark.usefixtures("shop")
def test_a_nul_character_is_refused_naming_the_field_before_it_reaches_the_database(
    client: TestClient, admin: Headers
) -> None:
    """PostgreSQL text cannot hold U+0000: it used to fail there with 500."""
    for response, field_name in (
        (client.get("/v1/variants/TS%001", headers=admin), "path.sku"),
        (client.get("/v1/orders?q=SO%00", headers=admin), "query.q"),
        (client.patch("/v1/channels/web", json={"name": "W\x00"}, headers=admin), "name"),
        (
            client.post("/v1/quotes", json={"lines": [{"sku": "\x00"}]}, headers=admin),
            "lines.0.sku",
        ),
    ):
        errors = _problem(response, 422)["errors"]
        assert {"field": field_name, "message": "must not contain NUL characters"} in errors


@pytest.mark.usefixtures("shop")
def test_amounts_and_measures_too_large_to_store_are_refused(
    client: TestClient, admin: Headers
) -> None:
    """Each used to fail with 500: a Decimal overflow, or an integer the column cannot hold."""
    too_large = order(
        lines=[{"sku": "TS-1", "quantity": 1, "discount": {"amount": "1E+30", "currency": "EUR"}}]
    )
    quote = {"channel": "web", "country": "DE", "shipping_method": "standard"}
    for method, path, body in (
        ("PUT", "/v1/variants/TS-1/prices/web", {"amount": "1E+20", "currency": "EUR"}),
        ("PUT", "/v1/tax-rates/DE/standard", {"rate": "1E+30"}),
        ("PUT", "/v1/hold-rules/total_above", {"enabled": True, "thresholds": {"EUR": 1e30}}),
        ("POST", "/v1/quotes", quote | {"lines": [{"sku": "TS-1", "quantity": 10**30}]}),
        ("POST", "/v1/orders", too_large),
        ("PATCH", "/v1/variants/TS-1", {"weight_grams": 2**31}),
    ):
        headers = admin | {IDEMPOTENCY_KEY: str(uuid.uuid4())}
        response = client.request(method, path, json=body, headers=headers)
        _problem(response, 422)


@pytest.mark.usefixtures("shop")
def test_a_release_note_of_the_longest_allowed_length_is_kept_in_full(
    client: TestClient, admin: Headers
) -> None:
    """The timeline summary quoting it used to overflow its column on PostgreSQL (500)."""
    placed = _post(client, admin, "/v1/orders", order())
    held = _post(client, admin, f"/v1/orders/{placed['id']}/holds", {"reason": "manual"})
    note = "n" * 500
    release = f"/v1/orders/{placed['id']}/holds/{held['holds'][0]['id']}/release"
    assert client.post(release, json={"note": note}, headers=admin).status_code == 200
    timeline = client.get(f"/v1/orders/{placed['id']}/timeline", headers=admin).json()["items"]
    released = next(entry for entry in timeline if entry["kind"] == "hold_released")
    assert released["details"]["note"] == note
    assert len(released["summary"]) == 500
    assert released["summary"].startswith("hold released (manual): nnn")
