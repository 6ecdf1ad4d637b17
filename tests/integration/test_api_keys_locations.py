"""Warehouse keys bound to one location: only warehouse keys may be bound, to a location that
exists; the binding reaches the principal, the API and the CLI."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from typer.testing import CliRunner

from oms import auth
from oms.app.cli import app as cli
from oms.auth.services import authenticate
from oms.platform.unit_of_work import UnitOfWork
from tests import builders


def test_a_warehouse_key_bound_to_a_location_authenticates_with_its_scope(
    uow: UnitOfWork,
) -> None:
    builders.location(uow, "wh-a")
    issued = auth.create_api_key(
        auth.CreateApiKey(name="scanner", role=auth.Role.WAREHOUSE, location_code="wh-a"),
        uow=uow,
    )
    principal = authenticate(issued.secret, uow=uow)
    assert principal is not None
    assert (principal.location_scope, principal.channel_scope) == ("wh-a", None)
    unbound = auth.create_api_key(auth.CreateApiKey(name="lead", role=auth.Role.WAREHOUSE), uow=uow)
    found = authenticate(unbound.secret, uow=uow)
    assert found is not None
    assert found.location_scope is None


def test_only_warehouse_keys_are_bound_and_only_to_known_locations(
    client: TestClient, admin: dict[str, str], uow: UnitOfWork
) -> None:
    builders.location(uow, "wh-a")
    made = client.post(
        "/v1/api-keys",
        json={"name": "scanner", "role": "warehouse", "location": "wh-a"},
        headers=admin,
    )
    assert (made.status_code, made.json()["location"]) == (201, "wh-a")
    for body in (
        {"name": "desk", "role": "csr", "location": "wh-a"},
        {"name": "scanner", "role": "warehouse", "location": "nowhere"},
    ):
        refused = client.post("/v1/api-keys", json=body, headers=admin)
        assert refused.status_code == 422
        assert refused.headers["content-type"] == "application/problem+json"
        assert [e["field"] for e in refused.json()["errors"]] == ["location"]


@pytest.fixture
def database_env(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OMS_DATABASE_URL", engine.url.render_as_string(hide_password=False))


@pytest.mark.usefixtures("database_env")
def test_the_cli_binds_a_warehouse_key_to_a_location(uow: UnitOfWork) -> None:
    builders.location(uow, "wh-a")
    made = CliRunner().invoke(
        cli, ["apikey", "create", "--role", "warehouse", "--name", "s", "--location", "wh-a"]
    )
    assert made.exit_code == 0, made.output
    secret = made.stdout.strip().splitlines()[-1]
    principal = authenticate(secret, uow=uow)
    assert principal is not None
    assert principal.location_scope == "wh-a"
    refused = CliRunner().invoke(
        cli, ["apikey", "create", "--role", "warehouse", "--name", "s", "--location", "nope"]
    )
    assert refused.exit_code != 0
