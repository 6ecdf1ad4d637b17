"""The benchmark's machinery runs: ``python -m bench --smoke`` on tiny data, on PostgreSQL and
SQLite, prints a line for every figure and finds every invariant intact.

The figures of a smoke run mean nothing (a fraction of a second per arm); this proves that
``make bench`` can run to its end and print what runs are compared by. Performance itself is
proven by the benchmark, never by timed assertions here.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from tests.conftest import require_postgres_url

ROOT = Path(__file__).resolve().parents[2]
FIGURES = (
    "RATIO placement_http_vs_raw_postgresql",
    "RATIO placement_service_vs_raw_postgresql",
    "RATIO placement_http_vs_raw_sqlite",
    "RATIO placement_1m_vs_10k_postgresql",
    "RATIO search_by_email_vs_raw_1m_postgresql",
    "P99_MS placement_http_postgresql",
    "P99_MS placement_http_sqlite",
    "P99_MS search_by_email_1m_postgresql",
    "P99_MS search_by_email_raw_1m_postgresql",
    "CPU_MS server_per_order_http_postgresql",
    "CPU_MS server_per_order_http_sqlite",
    "STATEMENTS placement",
    "STATEMENTS placement_sqlite",
)


@pytest.fixture(scope="module")
def smoke(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[str], dict[str, object]]:
    """One smoke run: its last lines and its results file."""
    test_url = make_url(require_postgres_url())
    url = test_url.set(database=f"{test_url.database}_bench_smoke")
    results = tmp_path_factory.mktemp("bench") / "smoke.json"
    env = {name: value for name, value in os.environ.items() if not name.startswith("OMS_")}
    env["OMS_BENCH_POSTGRES_URL"] = url.render_as_string(hide_password=False)
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--smoke", "--json", str(results)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done.stdout.splitlines(), json.loads(results.read_text())


def test_a_line_for_every_figure(smoke: tuple[list[str], dict[str, object]]) -> None:
    lines, _ = smoke
    for figure in FIGURES:
        found = [line for line in lines if line.startswith(f"{figure}=")]
        assert len(found) == 1, f"{figure}: {found}"
        assert re.fullmatch(rf"{figure}=\d+(\.\d+)?", found[0]), found[0]
    scale = [line for line in lines if line.startswith("SCALE placement_http_postgresql ")]
    assert len(scale) == 1
    assert re.fullmatch(r"SCALE placement_http_postgresql workers=1:\S+ 2:\S+ 4:\S+", scale[0])


def test_every_invariant_holds(smoke: tuple[list[str], dict[str, object]]) -> None:
    _, results = smoke
    arms = results["arms"]
    assert isinstance(arms, list)
    assert {(arm["database"], arm["scenario"], arm["arm"]) for arm in arms} >= {
        ("postgresql", "uniform", "raw"),
        ("postgresql", "uniform", "service"),
        ("postgresql", "uniform", "http"),
        ("postgresql", "1m", "service"),
        ("sqlite", "uniform", "http"),
    }
    for arm in arms:
        assert arm["invariants"]["ok"], arm
        assert arm["errors"] == 0, arm
        if not arm["arm"].startswith("http"):  # a server's first orders may outlast a window
            assert arm["orders"] > 0, arm


def test_the_invariant_check_catches_the_naive_oversell(
    smoke: tuple[list[str], dict[str, object]],
) -> None:
    _, results = smoke
    controls = results["controls"]
    assert isinstance(controls, dict)
    assert set(controls) == {"postgresql", "sqlite"}
    for control in controls.values():
        assert control["check_caught_it"], control


def test_statements_are_counted_on_both_databases(
    smoke: tuple[list[str], dict[str, object]],
) -> None:
    _, results = smoke
    counted = results["statements_per_placement"]
    assert isinstance(counted, dict)
    assert set(counted) == {"postgresql", "sqlite"}
    assert all(n > 0 for n in counted.values())
