"""Faults on a schedule: SIGKILL a deployment's processes, stop PostgreSQL the hard way."""

from __future__ import annotations

import random
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from tests.faults.deployment import Deployment


@dataclass(frozen=True, slots=True)
class Kill:
    """SIGKILL ``target`` after it has served ``uptime`` seconds, then start it again."""

    uptime: float
    target: str


def kill_schedule(rng: random.Random, targets: list[str], *, kills: int) -> list[Kill]:
    """``kills`` kills of each target in a random order, each at a random moment of service."""
    order = [target for target in targets for _ in range(kills)]
    rng.shuffle(order)
    return [Kill(rng.uniform(1.0, 4.0), target) for target in order]


def run_schedule(deployment: Deployment, schedule: list[Kill]) -> list[str]:
    """Carry out the kills, each followed by a restart; returns what happened, for messages."""
    began = time.monotonic()
    happened: list[str] = []
    for kill in schedule:
        time.sleep(kill.uptime)
        killed_at = time.monotonic() - began
        deployment.kill(kill.target)
        deployment.start(kill.target)
        back_at = time.monotonic() - began
        happened.append(f"{kill.target} killed at {killed_at:.1f}s, back at {back_at:.1f}s")
    return happened


def _cluster() -> list[str]:
    (version,) = (p.name for p in Path("/etc/postgresql").iterdir())
    return ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main"]


def postgres_cluster_available(url: str | None) -> bool:
    """Whether the test server at ``url`` is this machine's one Debian cluster (``main``),
    which we may stop and start."""
    directory = Path("/etc/postgresql")
    return (
        url is not None
        and make_url(url).host in ("127.0.0.1", "localhost")
        and shutil.which("pg_ctlcluster") is not None
        and directory.is_dir()
        and [(p / "main").is_dir() for p in directory.iterdir()] == [True]
    )


def _pg_ctlcluster(action: str, *options: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*_cluster(), action, *options], capture_output=True, text=True, timeout=60, check=False
    )


@contextmanager
def postgres_kept_running() -> Iterator[None]:
    """Whatever happens inside, PostgreSQL is running again when the block ends."""
    try:
        yield
    finally:
        if _pg_ctlcluster("status").returncode != 0:
            _pg_ctlcluster("start")


def crash_postgres(down_seconds: float) -> None:
    """Stop PostgreSQL with an immediate shutdown (no checkpoint: crash recovery on start),
    keep it down for a while, then start it again."""
    stopped = _pg_ctlcluster("stop", "-m", "immediate")
    assert stopped.returncode == 0, stopped.stderr
    time.sleep(down_seconds)
    started = _pg_ctlcluster("start")
    assert started.returncode == 0, started.stderr
