"""End-to-end helpers: run the real `oms` command, server and worker in subprocesses."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from oms.platform.database import normalise_url
from tests.conftest import require_postgres_url

OMS = str(Path(sys.executable).with_name("oms"))


@dataclass
class Cli:
    env: dict[str, str]

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [OMS, *args], env=self.env, capture_output=True, text=True, timeout=300, check=False
        )
        if check and result.returncode != 0:
            raise AssertionError(f"oms {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    """The `oms` command on a fresh embedded database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OMS_")}
    env["OMS_DATABASE_URL"] = f"sqlite:///{tmp_path / 'oms.db'}"
    env["OMS_MAIL_DIRECTORY"] = str(tmp_path / "mail")
    return Cli(env)


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A brand-new PostgreSQL database on the test server, dropped afterwards."""
    given = require_postgres_url()
    name = f"oms_e2e_{uuid.uuid4().hex[:12]}"
    server = create_engine(normalise_url(given), isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(given).set(database=name).render_as_string(hide_password=False)
    finally:
        with server.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(condition: Callable[[], bool], seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def pending_events(database_url: str) -> int:
    engine = create_engine(normalise_url(database_url))
    try:
        with engine.connect() as conn:
            return int(
                conn.execute(
                    text("SELECT count(*) FROM outbox WHERE published_at IS NULL")
                ).scalar_one()
            )
    finally:
        engine.dispose()


def _healthy(url: str) -> bool:
    try:
        return httpx.get(f"{url}/health", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


@contextmanager
def serving(cli: Cli, tmp_path: Path, *args: str) -> Iterator[str]:
    """`oms serve` on a free loopback port until the block ends; yields its base URL."""
    port = free_port()
    log_path = tmp_path / f"server-{port}.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [OMS, "serve", "--port", str(port), *args],
            env=cli.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            if not wait_for(lambda: _healthy(url)):
                raise AssertionError("server did not start:\n" + log_path.read_text())
            yield url
        finally:
            process.terminate()
            process.wait(timeout=20)


@contextmanager
def working(cli: Cli, tmp_path: Path) -> Iterator[None]:
    """`oms worker` relaying the outbox until the block ends."""
    with (tmp_path / "worker.log").open("w") as log:
        process = subprocess.Popen(
            [OMS, "worker"], env=cli.env, stdout=log, stderr=subprocess.STDOUT, text=True
        )
        try:
            yield
        finally:
            process.terminate()
            process.wait(timeout=20)


@dataclass
class Server:
    url: str
    log_path: Path

    def logs(self) -> str:
        return self.log_path.read_text()


@pytest.fixture
def server(cli: Cli, tmp_path: Path) -> Iterator[Server]:
    """`oms serve` (embedded mode) on the cli fixture's database; migrate it first."""
    with serving(cli, tmp_path) as url:
        port = url.rsplit(":", 1)[1]
        yield Server(url, tmp_path / f"server-{port}.log")
