"""A deployment of real `oms` processes on a fresh database, to kill and restart at will.

A deployment is what a merchant runs: on SQLite one embedded `oms serve` (it relays events
in-process); on PostgreSQL `oms serve --workers 2` without the embedded relay plus one `oms worker`.
Each process starts in its own process group, so a kill takes its uvicorn children with it, as a
crash of the machine or container would.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import httpx
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from oms.platform.database import create_database_engine, normalise_url
from tests.e2e.conftest import OMS, Cli, free_port, wait_for

LEASE_SECONDS = 3
"""Idempotency lease of the deployment: a key whose request died is taken over after this."""

START_SECONDS = 30.0


class Daemon:
    """One long-running `oms` command that can be started, SIGKILLed and started again."""

    def __init__(self, args: tuple[str, ...], env: dict[str, str], log_path: Path) -> None:
        self.args = args
        self.env = env
        self.log_path = log_path
        self.process: subprocess.Popen[str] | None = None
        self.log: IO[str] | None = None

    def start(self) -> None:
        """Start the command in a new process group, appending its output to the log."""
        self.log = self.log_path.open("a")
        self.process = subprocess.Popen(
            [OMS, *self.args],
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )

    def kill(self) -> None:
        """SIGKILL the whole process group: no shutdown handler, no flush, nothing runs."""
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError):  # the whole group is gone already
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=20)
            self.process = None
        if self.log is not None:
            self.log.close()
            self.log = None


@dataclass
class Deployment:
    """A migrated database with the demo merchant, and the processes that serve it."""

    database_url: str
    env: dict[str, str]
    workdir: Path
    admin: dict[str, str] = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    daemons: dict[str, Daemon] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def dialect(self) -> str:
        return make_url(normalise_url(self.database_url)).get_backend_name()

    def prepare(self) -> None:
        """Migrate, load the demo merchant and keep the admin key it prints last."""
        cli = Cli(self.env)
        cli.run("db", "upgrade")
        key = cli.run("demo", "load").stdout.strip().splitlines()[-1]
        self.admin = {"Authorization": f"Bearer {key}"}
        serve = ("serve", "--port", str(self.port))
        if self.dialect == "sqlite":
            self.daemons["server"] = Daemon(serve, self.env, self.workdir / "server.log")
        else:
            self.env["OMS_EMBEDDED_RELAY"] = "false"
            self.daemons["server"] = Daemon(
                (*serve, "--workers", "2"), self.env, self.workdir / "server.log"
            )
            self.daemons["worker"] = Daemon(("worker",), self.env, self.workdir / "worker.log")

    def start(self, name: str) -> None:
        """Start one process; the server counts as started once it answers /health."""
        self.daemons[name].start()
        if name == "server" and not wait_for(self.healthy, START_SECONDS):
            raise AssertionError(f"the server did not come back:\n{self.logs()}")

    def start_all(self) -> None:
        for name in self.daemons:
            self.start(name)

    def kill(self, name: str) -> None:
        self.daemons[name].kill()

    def kill_all(self) -> None:
        for daemon in self.daemons.values():
            daemon.kill()

    def running(self, name: str) -> bool:
        """Whether the process is alive (it was not killed and did not exit)."""
        process = self.daemons[name].process
        return process is not None and process.poll() is None

    def healthy(self) -> bool:
        try:
            return httpx.get(f"{self.url}/health", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    def engine(self) -> Engine:
        return create_database_engine(self.database_url)

    def logs(self) -> str:
        return "\n".join(
            f"--- {name}.log (tail) ---\n" + "\n".join(d.log_path.read_text().splitlines()[-40:])
            for name, d in self.daemons.items()
            if d.log_path.exists()
        )


def environment(database_url: str, workdir: Path) -> dict[str, str]:
    """The processes' environment: this one without OMS_ settings, plus the test's own (the
    customers' mail goes to the test's folder as .eml files)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OMS_")}
    env |= {
        "OMS_DATABASE_URL": database_url,
        "OMS_MAIL_DIRECTORY": str(workdir / "mail"),
        "OMS_IDEMPOTENCY_LEASE_SECONDS": str(LEASE_SECONDS),
        "OMS_RELAY_INTERVAL_SECONDS": "0.2",
        "OMS_LOG_LEVEL": "warning",
    }
    return env
