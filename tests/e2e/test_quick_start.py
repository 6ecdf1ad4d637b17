"""The quick start, as a new user runs it: migrate, load the demo twice, create keys, serve."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx

import oms
from tests.e2e.conftest import Cli, Server, pending_events, serving, wait_for, working


def test_the_demo_loads_once_and_prints_a_working_admin_key(cli: Cli) -> None:
    cli.run("db", "upgrade")
    first = cli.run("demo", "load")
    second = cli.run("demo", "load")
    first_key = first.stdout.strip().splitlines()[-1]
    second_key = second.stdout.strip().splitlines()[-1]
    assert first_key.startswith("oms_")
    assert second_key.startswith("oms_")
    assert "already loaded" in second.stderr
    assert f"Mail:      .eml files in {cli.env['OMS_MAIL_DIRECTORY']}" in first.stdout


def test_apikey_create_prints_the_key_alone_on_the_last_line(cli: Cli) -> None:
    cli.run("db", "upgrade")
    result = cli.run("apikey", "create", "--role", "warehouse", "--name", "Scanner 7")
    last = result.stdout.strip().splitlines()[-1]
    assert last.startswith("oms_")
    assert len(last) == 47
    listed = cli.run("apikey", "list").stdout
    assert "warehouse" in listed
    assert last not in listed


def test_a_channel_key_for_an_unknown_channel_is_a_readable_error(cli: Cli) -> None:
    cli.run("db", "upgrade")
    result = cli.run(
        "apikey", "create", "--role", "channel", "--channel", "nope", "--name", "x", check=False
    )
    assert result.returncode == 2
    assert "no channel has code 'nope'" in result.stderr


def test_the_served_demo_answers_with_docs_health_and_data(cli: Cli, server: Server) -> None:
    cli.run("db", "upgrade")
    key = cli.run("demo", "load").stdout.strip().splitlines()[-1]
    headers = {"Authorization": f"Bearer {key}"}
    assert httpx.get(f"{server.url}/health").json()["status"] == "ok"
    assert httpx.get(f"{server.url}/docs").status_code == 200
    spec = httpx.get(f"{server.url}/openapi.json").json()
    assert "/v1/inventory/{sku}" in spec["paths"]
    channels = httpx.get(f"{server.url}/v1/channels", headers=headers).json()
    assert {c["code"] for c in channels["items"]} == {
        "web",
        "app",
        "marketplace",
        "pos",
        "phone",
        "kiosk",
    }
    locations = httpx.get(f"{server.url}/v1/locations", headers=headers).json()
    assert {loc["code"] for loc in locations["items"]} == {
        "wh-de",
        "wh-us",
        "store-berlin",
        "store-paris",
    }


def test_logs_are_json_with_request_ids_and_never_contain_keys(cli: Cli, server: Server) -> None:
    cli.run("db", "upgrade")
    key = (
        cli.run("apikey", "create", "--role", "admin", "--name", "ops")
        .stdout.strip()
        .splitlines()[-1]
    )
    httpx.get(
        f"{server.url}/v1/customers?q=someone@example.com",
        headers={"Authorization": f"Bearer {key}"},
    )
    httpx.get(f"{server.url}/v1/channels", headers={"Authorization": "Bearer oms_wrong"})
    logs = server.logs()
    assert key not in logs
    assert "oms_wrong" not in logs
    assert "someone@example.com" not in logs
    access = [
        json.loads(line)
        for line in logs.splitlines()
        if line.startswith("{") and '"request"' in line
    ]
    assert access
    assert all(entry["request_id"] for entry in access)


def test_server_mode_on_postgresql_with_two_workers_and_a_separate_relay(
    cli: Cli, postgres_url: str, tmp_path: Path
) -> None:
    cli.env["OMS_DATABASE_URL"] = postgres_url
    cli.env["OMS_EMBEDDED_RELAY"] = "false"
    cli.run("db", "upgrade")
    key = cli.run("demo", "load").stdout.strip().splitlines()[-1]
    with serving(cli, tmp_path, "--workers", "2") as url, working(cli, tmp_path):
        headers = {"Authorization": f"Bearer {key}"}
        assert httpx.get(f"{url}/health").json()["database"] == "postgresql"
        for _ in range(10):
            assert httpx.get(f"{url}/v1/channels", headers=headers).status_code == 200
        sku = httpx.get(f"{url}/v1/inventory?location=wh-de&limit=1", headers=headers).json()
        assert sku["items"]
        received = httpx.post(
            f"{url}/v1/inventory/receipts",
            json={
                "sku": sku["items"][0]["sku"],
                "location": "wh-de",
                "quantity": 5,
                "reference": "PO-1",
            },
            headers=headers | {"Idempotency-Key": "po-1"},
        )
        assert received.status_code == 201
        assert wait_for(lambda: pending_events(postgres_url) == 0)


def test_oms_version_prints_the_package_version(cli: Cli) -> None:
    assert cli.run("--version").stdout.strip() == f"oms {oms.__version__}"


def test_the_server_says_once_at_start_which_database_workers_and_relay_it_runs(
    cli: Cli, server: Server
) -> None:
    starts = [
        json.loads(line)
        for line in server.logs().splitlines()
        if line.startswith("{") and '"oms serving"' in line
    ]
    assert len(starts) == 1
    assert starts[0] | {"timestamp": None} == {
        "event": "oms serving",
        "level": "info",
        "version": oms.__version__,
        "database": "sqlite",
        "workers": 1,
        "relay": "embedded",
        "timestamp": None,
    }


def test_the_demo_without_faker_installed_says_which_extra_to_install(cli: Cli) -> None:
    cli.run("db", "upgrade")
    without_faker = (
        "import sys; sys.modules['faker'] = None; sys.argv = ['oms', 'demo', 'load']; "
        "from oms.app.cli import main; main()"
    )
    result = subprocess.run(
        [sys.executable, "-c", without_faker],
        env=cli.env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert "pip install 'oms[demo]'" in result.stderr
