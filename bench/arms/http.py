"""The whole stack: ``oms serve`` in a subprocess, driven over loopback by the load generator
(``bench.loadgen``) in another process, with a real channel API key from ``oms apikey create``.

The server runs with the production defaults (JSON access logs at ``info``, to a file here)
except the outbox relay, which is switched off as in server mode, where ``oms worker`` runs it
in its own process: relaying happens after commit and is not part of placing an order.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import httpx

from bench.databases import Database
from bench.measure import Measurement

OMS = str(Path(sys.executable).with_name("oms"))


@dataclass(frozen=True, slots=True)
class Load:
    """What the load generator is asked to do."""

    skus: list[str]
    buyers: int
    seed: int
    concurrency: int
    warmup: float
    seconds: float
    hot: bool = False


def _environment(db: Database) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith("OMS_")}
    env |= {"OMS_DATABASE_URL": db.url, "OMS_EMBEDDED_RELAY": "false"}
    return env


def api_key(db: Database) -> str:
    """A channel key for ``web``, created by the real command; its secret."""
    done = subprocess.run(  # noqa: S603 (our own command, fixed arguments)
        [OMS, "apikey", "create", "--role", "channel", "--channel", "web", "--name", "bench"],
        env=_environment(db),
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip().splitlines()[-1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _healthy(url: str) -> bool:
    try:
        return httpx.get(f"{url}/health", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


@dataclass(frozen=True, slots=True)
class Server:
    url: str
    pid: int

    def cpu_seconds(self) -> float | None:
        """CPU time the server and its worker processes used so far (None without /proc)."""
        try:
            return sum(_cpu_seconds(pid) for pid in _tree(self.pid))
        except OSError:
            return None


def _tree(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [pid, *(p for child in children for p in _tree(int(child)))]


def _cpu_seconds(pid: int) -> float:
    """User and system time of one process, from ``/proc/<pid>/stat`` (fields 14 and 15)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def server(db: Database, workers: int) -> Iterator[Server]:
    """``oms serve --workers N`` on a free loopback port until the block ends."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile("w+") as log:
        process = subprocess.Popen(  # noqa: S603 (our own command, fixed arguments)
            [OMS, "serve", "--port", str(port), "--workers", str(workers)],
            env=_environment(db),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 60
            while not _healthy(url):
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise RuntimeError(f"oms serve did not start:\n{log.read()[-3000:]}")
                time.sleep(0.2)
            yield Server(url, process.pid)
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def drive(url: str, secret: str, load: Load, tick: Callable[[float], None]) -> dict[str, Any]:
    """Run the load generator against ``url``; its report (see ``bench.loadgen``)."""
    plan = {"url": url, "secret": secret} | asdict(load)
    with tempfile.NamedTemporaryFile("w", suffix=".json") as file, tempfile.TemporaryFile() as out:
        json.dump(plan, file)
        file.flush()
        process = subprocess.Popen(  # noqa: S603 (this interpreter, our own module)
            [sys.executable, "-m", "bench.loadgen", file.name], stdout=out, cwd=_root()
        )
        started = time.monotonic()
        while process.poll() is None:
            tick(min(1.0, (time.monotonic() - started) / (load.warmup + load.seconds)))
            time.sleep(0.2)
        if process.returncode != 0:
            raise RuntimeError(f"the load generator failed with exit code {process.returncode}")
        out.seek(0)
        report: dict[str, Any] = json.load(out)
    return report


def _root() -> str:
    return str(Path(__file__).resolve().parents[2])


def measurement(report: dict[str, Any], server_cpu_seconds: float | None) -> Measurement:
    """The load generator's report as a measurement like the in-process arms', with the CPU
    each acknowledged order cost the server and the load generator."""
    failed = sum(n for status, n in report["statuses"].items() if status != "201")
    placed = len(report["acknowledged"])
    cpu = {"client": report["cpu_seconds"]}
    if server_cpu_seconds is not None:
        cpu["server"] = server_cpu_seconds
    return Measurement(
        orders=report["orders"],
        seconds=report["seconds"],
        latencies_ms=report["latencies_ms"],
        errors=failed,
        first_error=report["first_error"],
        placed=placed,
        cpu_ms_per_order={name: s * 1000 / max(1, placed) for name, s in cpu.items()},
        acknowledged_keys=placed,
        wrong_replays=report["wrong_replays"],
    )
