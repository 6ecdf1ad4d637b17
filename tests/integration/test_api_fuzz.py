"""schemathesis against the app's own OpenAPI: every operation, as admin, a channel key and a csr.

Each operation and role starts from the same realistic merchant (two locations, a web and a
marketplace channel, tax and shipping, two products in stock, orders, a hold, a pending change,
a customer). Half the positive cases name that merchant's real codes and ids in the path (and
the few bodies below), so requests reach real rows rather than stopping at 404; the rest, and
every negative case, are whatever schemathesis generates. Every response must be no 5xx, a
documented status, in the documented content type and matching the documented schema.

Bounded for CI: a few derandomized examples per operation, role and mode, no shrinking (the
database moves on between examples, so a shrunk case would not replay the same state anyway).
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import Case, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.python.asgi import shutdown_lifespans
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
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
SCHEMA = schemathesis.openapi.from_dict(
    create_app(Settings(), engine=create_engine("sqlite://"), run_relay=False).openapi()
)
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
ROLES = {"admin": ("admin", None), "channel": ("channel", "web"), "csr": ("csr", None)}
EXAMPLES = {GenerationMode.POSITIVE: 16, GenerationMode.NEGATIVE: 8}
IDEMPOTENCY_KEY = "Idempotency-Key"

Headers = dict[str, str]


@dataclass
class Merchant:
    """Real values to put in requests: (path prefix, parameters that belong together)."""

    parameters: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    bodies: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

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
            ("/v1/hold-rules", {"rule": "high_value"}),
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


def _strategy(operation: Any, mode: GenerationMode, merchant: Merchant) -> Any:
    generated = operation.as_strategy(generation_mode=mode)
    known = merchant.known(operation) if mode is GenerationMode.POSITIVE else []
    if not known:
        return generated
    seeded = st.sampled_from(known).flatmap(
        lambda fixed: operation.as_strategy(generation_mode=mode, **fixed)
    )
    return st.one_of(seeded, generated)


def _modes(operation: Any) -> list[GenerationMode]:
    """Negative cases need an input to break; an operation without any has none."""
    inputs = [operation.path_parameters, operation.query, operation.headers, operation.body]
    if any(len(part) for part in inputs):
        return [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]
    return [GenerationMode.POSITIVE]


def _send(app: FastAPI, auth_headers: Headers, operation: Any) -> Callable[[Case], None]:
    """Call the app with the role's key and, in positive cases, a fresh Idempotency-Key."""
    takes_key = any(p.name == IDEMPOTENCY_KEY for p in operation.headers)
    keys = (f"fuzz-{n}" for n in itertools.count())

    def send(case: Case) -> None:
        headers = dict(auth_headers)
        positive = case.meta is None or case.meta.generation.mode is GenerationMode.POSITIVE
        if takes_key and positive:
            headers[IDEMPOTENCY_KEY] = next(keys)
        case.call_and_validate(app=app, headers=headers, checks=CHECKS)

    return send


@pytest.fixture
def asgi_app(app: FastAPI) -> Iterator[FastAPI]:
    """The test's app; schemathesis keeps every app whose lifespan it started, so stop it."""
    yield app
    shutdown_lifespans()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.label)
def test_every_operation_answers_as_documented(
    operation: Any, role: str, asgi_app: FastAPI, merchant: Merchant, key_for: KeyMaker
) -> None:
    send = _send(asgi_app, key_for(*ROLES[role]), operation)
    for mode in _modes(operation):

        @settings(
            max_examples=EXAMPLES[mode],
            derandomize=True,
            database=None,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=_strategy(operation, mode, merchant))
        def answers_as_documented(case: Case) -> None:
            send(case)

        answers_as_documented()
