"""API keys: issued once, stored as a hash, revocable, tracked, never logged."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from oms import auth
from oms.auth.tables import api_keys
from oms.platform.unit_of_work import UnitOfWork
from tests import builders


def test_a_key_has_256_random_bits_and_only_its_hash_is_stored(
    engine: Engine, uow: UnitOfWork
) -> None:
    issued = auth.create_api_key(auth.CreateApiKey(name="ops", role=auth.Role.ADMIN), uow=uow)
    assert re.fullmatch(r"oms_[A-Za-z0-9_-]{43}", issued.secret)
    with engine.connect() as conn:
        stored = conn.execute(select(api_keys)).one()
    assert issued.secret not in [str(v) for v in stored]
    assert stored.display_prefix == issued.secret[:12]


def test_a_revoked_key_is_refused(client: TestClient, admin: dict[str, str], key_for) -> None:
    csr = key_for("csr")
    keys = client.get("/v1/api-keys", headers=admin).json()["items"]
    csr_id = next(k["id"] for k in keys if k["role"] == "csr")
    assert client.get("/v1/locations", headers=csr).status_code == 200
    revoked = client.delete(f"/v1/api-keys/{csr_id}", headers=admin)
    assert revoked.json()["revoked_at"] is not None
    client.app.state.authenticator.forget()
    refused = client.get("/v1/locations", headers=csr)
    assert refused.status_code == 401
    assert refused.json()["code"] == "invalid-api-key"


def test_using_a_key_records_when_it_was_last_used(
    client: TestClient, admin: dict[str, str]
) -> None:
    client.get("/v1/locations", headers=admin)
    (key,) = client.get("/v1/api-keys", headers=admin).json()["items"]
    assert key["last_used_at"] is not None
    assert "secret" not in key


def test_a_channel_key_must_name_an_existing_channel(
    client: TestClient, admin: dict[str, str], uow: UnitOfWork
) -> None:
    builders.channel(uow, "web")
    unbound = client.post("/v1/api-keys", json={"name": "x", "role": "channel"}, headers=admin)
    assert unbound.status_code == 422
    assert unbound.json()["errors"][0]["field"] == "channel"
    unknown = client.post(
        "/v1/api-keys", json={"name": "x", "role": "channel", "channel": "nope"}, headers=admin
    )
    assert unknown.status_code == 404
    bound = client.post(
        "/v1/api-keys", json={"name": "x", "role": "channel", "channel": "web"}, headers=admin
    )
    assert bound.status_code == 201
    assert bound.json()["secret"].startswith("oms_")


def test_a_malformed_bearer_token_is_401(client: TestClient) -> None:
    response = client.get("/v1/locations", headers={"Authorization": "Bearer not-a-key"})
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
