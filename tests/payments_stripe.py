"""Stripe in tests: a real localstripe server, settings pointing at it, and Stripe-style signing.

``localstripe`` (a Stripe API emulator, a dev dependency) runs as a subprocess on a free port for
the whole session; the official ``stripe`` package talks to it as it would to Stripe. What it
emulates and what it lacks (no idempotency keys, no disputes, few webhook types) is written in
``tests/integration/test_payments_stripe.py``'s docstring. Test modules import the fixtures they
use from here (``from tests.payments_stripe import localstripe, ...``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import pytest
import stripe
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import Engine

from oms import inventory
from oms.app.http import create_app
from oms.platform.settings import Settings
from oms.platform.unit_of_work import UnitOfWork
from tests import builders

LOCALSTRIPE = Path(sys.executable).with_name("localstripe")
API_KEY = "sk_test_oms_localstripe"
"""localstripe accepts any key that starts with ``sk_``."""
WEBHOOK_SECRET = "whsec_oms_test_signing_secret"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_answering(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"localstripe exited with {process.returncode}")
        try:
            answer = httpx.get(f"{url}/v1/balance", auth=(API_KEY, ""), timeout=1)
            if answer.status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError("localstripe did not answer within 20 s")


@pytest.fixture(scope="session")
def localstripe() -> Iterator[str]:
    """The base URL of a localstripe started for this session (stopped at its end)."""
    if not LOCALSTRIPE.exists():
        pytest.fail(f"localstripe is not installed next to {sys.executable} (a dev dependency)")
    port = free_port()
    process = subprocess.Popen(
        [str(LOCALSTRIPE), "--port", str(port), "--from-scratch"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_answering(url, process)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def stripe_settings(localstripe: str, **overrides: Any) -> Settings:
    """oms's settings with Stripe pointed at localstripe."""
    fields: dict[str, Any] = {
        "stripe_api_key": SecretStr(API_KEY),
        "stripe_api_base": localstripe,
        "stripe_webhook_secret": SecretStr(WEBHOOK_SECRET),
    }
    return Settings(**(fields | overrides))


@pytest.fixture
def stripe_app(engine: Engine, localstripe: str) -> FastAPI:
    """The app as ``app`` builds it, with Stripe configured against localstripe."""
    return create_app(stripe_settings(localstripe), engine=engine, run_relay=False)


@pytest.fixture
def storefront(localstripe: str) -> stripe.StripeClient:
    """Stripe as a storefront's server sees it: what creates and confirms PaymentIntents
    before oms is told about them."""
    return stripe.StripeClient(API_KEY, base_addresses={"api": localstripe})


def signature_header(payload: bytes, secret: str = WEBHOOK_SECRET, at: int | None = None) -> str:
    """``Stripe-Signature`` as Stripe builds it: ``t=<unix time>,v1=<HMAC-SHA256 of
    "<t>.<payload>" keyed by the endpoint's secret, hex>``."""
    timestamp = int(time.time()) if at is None else at
    signed = f"{timestamp}.".encode() + payload
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def event_payload(
    event_id: str, kind: str, obj: dict[str, Any], created: int | None = None
) -> bytes:
    """A webhook body as Stripe sends it: an ``event`` whose ``data.object`` is a snapshot."""
    return json.dumps(
        {
            "id": event_id,
            "object": "event",
            "api_version": "2026-10-28.endive",
            "created": int(time.time()) if created is None else created,
            "livemode": False,
            "pending_webhooks": 1,
            "type": kind,
            "data": {"object": obj},
        }
    ).encode()


@pytest.fixture
def served_stripe_app(stripe_app: FastAPI) -> Iterator[str]:
    """``stripe_app`` served by uvicorn on a free loopback port, so localstripe can post to it."""
    port = free_port()
    config = uvicorn.Config(
        stripe_app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"
    )
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not running.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        running.should_exit = True
        thread.join(timeout=15)


ADDRESS = {
    "name": "Ada Lovelace",
    "line1": "Invalidenstr. 1",
    "city": "Berlin",
    "postal_code": "10115",
    "country": "DE",
}


def place_web_order(uow: UnitOfWork, client: TestClient, headers: dict[str, str]) -> UUID:
    """A shop with one product and a confirmed web order of 2 x 20.00 EUR + 4.90 shipping =
    44.90 EUR, placed through the API."""
    builders.location(uow, "wh-de")
    builders.channel(uow, "web", locations=("wh-de",))
    builders.pricing(uow)
    builders.product(uow, "TS-1", prices={"web": "20.00"})
    inventory.receive_stock(
        inventory.ReceiveStock(sku="TS-1", location="wh-de", quantity=5, actor="test"), uow=uow
    )
    body = {
        "channel": "web",
        "customer": {"email": "ada@example.com", "name": "Ada Lovelace", "locale": "de-DE"},
        "shipping_address": ADDRESS,
        "lines": [{"sku": "TS-1", "quantity": 2}],
    }
    placed = client.post("/v1/orders", json=body, headers=headers | {"Idempotency-Key": "o-1"})
    assert placed.status_code == 201, placed.text
    return UUID(placed.json()["id"])
