"""Every route declares one permission, and every role gets exactly what the role table gives it."""

from __future__ import annotations

import re
import uuid

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from oms.app.openapi import api_routes
from oms.auth import ROLE_PERMISSIONS, Role
from oms.platform.security import Permission, Requires
from oms.platform.unit_of_work import UnitOfWork
from tests import builders
from tests.conftest import KeyMaker

PUBLIC = {
    ("GET", "/health"),
    ("GET", "/docs"),
    ("GET", "/v1/orders/lookup"),
    ("POST", "/v1/orders/lookup/returns"),  # the customer: order number and email, throttled
    ("GET", "/v1/events/schemas"),  # shapes, never data, like /openapi.json
    ("GET", "/v1/events/schemas/{event_type}"),
    ("POST", "/v1/payments/providers/stripe/notifications"),  # Stripe signs it; no API key
}

NOT_FOR_CHANNEL_KEYS = {
    # A customer's store credit spans channels; a channel key reads payments of its own orders only.
    ("GET", "/v1/customers/{customer_id}/store-credit"),
}


def declared_permissions(route: APIRoute) -> list[Permission]:
    found = []
    stack = list(route.dependant.dependencies)
    while stack:
        dependency = stack.pop()
        if isinstance(dependency.call, Requires):
            found.append(dependency.call.permission)
        stack.extend(dependency.dependencies)
    return found


def operations(app: FastAPI) -> list[tuple[str, str, APIRoute]]:
    """Every operation of the API, included routers resolved (``app.routes`` lists an included
    router as one entry, so walking it alone would check almost nothing)."""
    found = [
        (method, route.path_format, route)
        for route in api_routes(app)
        for method in sorted(route.methods)
    ]
    assert len(found) > 100, "the walk must reach every included router's routes"
    return found


def concrete(path: str) -> str:
    """Fill path parameters with values that parse (a UUID where one is expected)."""
    return re.sub(r"\{[^}]+\}", str(uuid.uuid4()), path)


def test_every_route_declares_exactly_one_permission(app: FastAPI) -> None:
    undeclared = [
        f"{method} {path}: {declared_permissions(route)}"
        for method, path, route in operations(app)
        if (method, path) not in PUBLIC and len(declared_permissions(route)) != 1
    ]
    assert undeclared == []


@pytest.mark.parametrize("role", list(Role))
def test_each_role_reaches_exactly_the_routes_its_permissions_allow(
    role: Role, app: FastAPI, client: TestClient, uow: UnitOfWork, key_for: KeyMaker
) -> None:
    builders.channel(uow, "web")
    headers = key_for(role.value, channel="web" if role is Role.CHANNEL else None)
    wrong = []
    for method, path, route in operations(app):
        if (method, path) in PUBLIC:
            continue
        (permission,) = declared_permissions(route)
        body = {} if method in {"POST", "PUT", "PATCH"} else None
        status = client.request(method, concrete(path), headers=headers, json=body).status_code
        allowed = permission in ROLE_PERMISSIONS[role] and not (
            role is Role.CHANNEL and (method, path) in NOT_FOR_CHANNEL_KEYS
        )
        if allowed and status in (401, 403):
            wrong.append(f"{method} {path} should be allowed, got {status}")
        if not allowed and status != 403:
            wrong.append(f"{method} {path} should be 403, got {status}")
    assert wrong == []


def test_routes_without_a_key_are_401(app: FastAPI, client: TestClient) -> None:
    answered = {
        f"{method} {path}": client.request(method, concrete(path)).status_code
        for method, path, _ in operations(app)
        if (method, path) not in PUBLIC
    }
    assert {op: status for op, status in answered.items() if status != 401} == {}
