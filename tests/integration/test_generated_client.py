"""A client generated from the served OpenAPI document places, reads and cancels an order.

This is what a new integrator does: run ``openapi-python-client`` against ``/openapi.json``
and call the API through the generated code. The generator runs as a subprocess on the document
a live server on a loopback port serves (no network beyond it), with ``--fail-on-warning``: a
model or an operation it has to drop (as ``POST /v1/orders`` once was, over two schemas titled
``CustomerIn``) fails the test. Every call below goes through the generated package.
"""

from __future__ import annotations

import importlib
import shutil
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from tests.conftest import IN_CI, KeyMaker
from tests.integration.test_orders_api import ADDRESS, shop  # noqa: F401 (fixture)

GENERATOR = Path(sys.executable).with_name("openapi-python-client")
PACKAGE = "oms_client"


@pytest.fixture
def server(app: FastAPI) -> Iterator[str]:
    """The test's app served by uvicorn on a free loopback port, in a thread."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 15
    while not running.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield url
    finally:
        running.should_exit = True
        thread.join(timeout=15)


@pytest.fixture
def generated(server: str, tmp_path: Path) -> Iterator[ModuleType]:
    """The package ``openapi-python-client`` generates from the server's ``/openapi.json``."""
    if not GENERATOR.exists() and shutil.which("openapi-python-client") is None:
        if IN_CI:
            pytest.fail("openapi-python-client is not installed (it is in the dev extra)")
        pytest.skip("openapi-python-client is not installed")
    config = tmp_path / "generator.yaml"
    config.write_text(
        f"post_hooks: []\npackage_name_override: {PACKAGE}\n"
        "content_type_overrides:\n  application/pdf: application/octet-stream\n"
    )
    # The document is fetched here, not by the generator: it reads ``--url`` with httpx's default
    # 5 s timeout, and building the schema of the whole API on a loaded 2-core machine can take
    # longer than that (CI once failed so). It is still the served document, byte for byte.
    served = httpx.get(f"{server}/openapi.json", timeout=120)
    assert served.status_code == 200, served.text
    document = tmp_path / "openapi.json"
    document.write_bytes(served.content)
    result = subprocess.run(
        [
            str(GENERATOR) if GENERATOR.exists() else "openapi-python-client",
            "generate",
            "--path",
            str(document),
            "--meta",
            "none",
            "--config",
            str(config),
            "--output-path",
            str(tmp_path / PACKAGE),
            "--fail-on-warning",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    sys.path.insert(0, str(tmp_path))
    _forget_generated()
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(tmp_path))
        _forget_generated()


def _forget_generated() -> None:
    """Each test generates its own package under the same name: drop the previous import."""
    for name in [n for n in sys.modules if n == PACKAGE or n.startswith(f"{PACKAGE}.")]:
        del sys.modules[name]


def _module(name: str) -> Any:
    return importlib.import_module(f"{PACKAGE}.{name}")


@pytest.mark.usefixtures("shop")
def test_a_generated_client_places_reads_and_cancels_an_order(
    generated: ModuleType, server: str, key_for: KeyMaker
) -> None:
    models = _module("models")
    place_order = _module("api.orders.place_order")
    get_order = _module("api.orders.get_order")
    cancel_order = _module("api.orders.cancel_order")
    secret = key_for("admin")["Authorization"].removeprefix("Bearer ")
    client = generated.AuthenticatedClient(base_url=server, token=secret)

    body = models.OrderIn(
        channel="web",
        customer=models.BuyerIn(email="ada@example.com", name="Ada Lovelace"),
        shipping_address=models.AddressIn.from_dict(ADDRESS),
        lines=[models.OrderLineIn(sku="TS-1", quantity=2)],
    )
    placed = place_order.sync_detailed(client=client, body=body, idempotency_key=str(uuid.uuid4()))
    assert placed.status_code == 201, placed.content
    order = placed.parsed
    assert isinstance(order, models.OrderOut)
    assert isinstance(order.id, uuid.UUID)
    assert order.status == models.OrderStatus.CONFIRMED
    assert order.totals.total.amount == "44.90"  # two shirts at 20.00 and standard shipping

    read = get_order.sync_detailed(client=client, order_id=order.id)
    assert read.status_code == 200
    assert read.parsed.number == order.number
    assert read.headers["ETag"] == f'"{order.version}"'
    unchanged = get_order.sync_detailed(
        client=client, order_id=order.id, if_none_match=read.headers["ETag"]
    )
    assert (unchanged.status_code, unchanged.content) == (304, b"")

    cancelled = cancel_order.sync(
        client=client, order_id=order.id, body=models.CancelIn(reason="customer asked")
    )
    assert isinstance(cancelled, models.OrderOut)
    assert cancelled.status == models.OrderStatus.CANCELLED
    assert cancelled.lines[0].cancelled_quantity == 2


@pytest.mark.usefixtures("shop")
def test_a_generated_client_reads_problems_as_problems(
    generated: ModuleType, server: str, key_for: KeyMaker
) -> None:
    """A refusal arrives as the generated ``Problem`` model, with its stable code."""
    models = _module("models")
    get_order = _module("api.orders.get_order")
    secret = key_for("admin")["Authorization"].removeprefix("Bearer ")
    client = generated.AuthenticatedClient(base_url=server, token=secret)
    missing = get_order.sync(client=client, order_id=uuid.uuid4())
    assert isinstance(missing, models.Problem)
    assert missing.code == "order-not-found"
    assert httpx.get(f"{server}/health").json()["status"] == "ok"
