"""``python -m bench.console --smoke`` runs to its end: every console page it times answers 200
on the demo merchant and with history added, and prints the line runs are compared by. Its
figures mean nothing (three requests a page); the timings are `make bench`'s."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAGES = {
    "dashboard", "orders", "order page", "customers", "customer 360", "inventory", "inventory sku",
    "fulfilment queue", "pick list", "fulfilment order", "returns", "finance", "reconciliation",
    "settings channels", "settings staff", "customer order page",
}  # fmt: skip


def test_every_timed_page_answers_and_has_its_line(tmp_path: Path) -> None:
    results = tmp_path / "console.json"
    env = {name: value for name, value in os.environ.items() if not name.startswith("OMS_")}
    done = subprocess.run(
        [sys.executable, "-m", "bench.console", "--smoke", "--json", str(results)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    rows = json.loads(results.read_text())
    assert {row["dataset"] for row in rows} == {"demo", "+500"}
    assert {row["page"] for row in rows} >= PAGES
    assert [row for row in rows if row["status"] != 200] == []
    lines = [line for line in done.stdout.splitlines() if line.startswith("CONSOLE_MS ")]
    assert len(lines) == len(rows)
    assert all(
        re.fullmatch(r"CONSOLE_MS sqlite \S+ \S+ median=[\d.]+ p95=[\d.]+ status=200", line)
        for line in lines
    )
