"""Logs a collector can parse: one JSON object per line, whatever happens.

A 500 used to print a multi-line plain-text traceback beside the JSON lines, and two workers
writing to one stderr could interleave inside a line. Both run here in real processes, as
``oms serve`` runs them, with stderr read back as a log collector reads it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ONE_FAILING_REQUEST = """
import sys
from fastapi.testclient import TestClient
from oms.app.http import create_app
from oms.platform.database import create_database_engine
from oms.platform.observability import configure_logging
from oms.platform.settings import Settings

configure_logging("info", "json")
engine = create_database_engine(f"sqlite:///{sys.argv[1]}")
app = create_app(Settings(), engine=engine, run_relay=False)

@app.get("/boom")
def boom() -> None:
    raise RuntimeError("kaboom\\nwith a second line")

# raise_server_exceptions=True: the test fails if anything escapes the app (it would be printed
# as a plain traceback by the server).
with TestClient(app, raise_server_exceptions=True) as client:
    response = client.get("/boom", headers={"X-Request-ID": "req-1"})
    print(response.status_code, response.headers["content-type"], response.json()["code"])
"""

MANY_LONG_LINES = """
import sys
import structlog
from oms.platform.observability import configure_logging

configure_logging("info", "json")
log = structlog.get_logger("load")
for n in range(int(sys.argv[2])):
    log.info("line", writer=sys.argv[1], n=n, padding=sys.argv[1] * 3000)
"""


LOGGED_ERRORS = """
import logging
import structlog
from oms.platform.observability import configure_logging

configure_logging("info", "json")
try:
    raise ValueError("x" * 20_000)
except ValueError:
    structlog.get_logger("relay").exception("batch_failed")
    logging.getLogger("uvicorn.error").error("Exception in ASGI application", exc_info=True)
logging.getLogger("uvicorn.error").warning("Invalid HTTP request received.")
"""


def _python(script: str, *args: str, stderr: Any = subprocess.PIPE) -> subprocess.Popen[bytes]:
    env = os.environ | {"PYTHONPATH": os.pathsep.join(sys.path)}
    return subprocess.Popen(
        [sys.executable, "-c", script, *args], stdout=subprocess.PIPE, stderr=stderr, env=env
    )


def _records(text: str) -> list[dict[str, Any]]:
    lines = [line for line in text.splitlines() if line]
    records = []
    for line in lines:
        record = json.loads(line)  # every line is one whole JSON object
        assert isinstance(record, dict)
        records.append(record)
    return records


def test_a_500_writes_one_json_line_and_no_traceback(tmp_path: Path) -> None:
    process = _python(ONE_FAILING_REQUEST, str(tmp_path / "oms.db"))
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err.decode()
    assert out.decode().split() == ["500", "application/problem+json", "internal-error"]
    records = _records(err.decode())
    errors = [r for r in records if r.get("event") == "unhandled_error"]
    assert len(errors) == 1
    (error,) = errors
    assert error["request_id"] == "req-1"
    assert error["error_type"] == "builtins.RuntimeError"
    assert error["error"] == "kaboom\nwith a second line"
    assert any(frame.endswith("in boom") for frame in error["frames"])
    access = [r for r in records if r.get("event") == "request"]
    assert [(r["path"], r["status"]) for r in access] == [("/boom", 500)]


def test_two_processes_writing_to_one_stderr_never_interleave_within_a_line() -> None:
    read, write = os.pipe()
    try:
        writers = [_python(MANY_LONG_LINES, name, "1500", stderr=write) for name in ("a", "b")]
    finally:
        os.close(write)
    with os.fdopen(read, "rb") as pipe:
        text = pipe.read().decode()
    for writer in writers:
        assert writer.wait(timeout=120) == 0
    records = _records(text)
    assert sorted(r["writer"] for r in records) == ["a"] * 1500 + ["b"] * 1500
    assert all(r["padding"] == r["writer"] * 3000 for r in records)


def test_errors_logged_by_oms_or_by_the_server_stay_one_bounded_json_line() -> None:
    process = _python(LOGGED_ERRORS)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 0, err.decode()
    lines = err.decode().splitlines()
    assert all(len(line.encode()) < 4096 for line in lines), "under PIPE_BUF: written whole"
    records = _records(err.decode())
    assert [r["event"] for r in records] == [
        "batch_failed",
        "Exception in ASGI application",
        "Invalid HTTP request received.",
    ]
    for record in records[:2]:
        assert record["error_type"] == "builtins.ValueError"
        assert len(record["error"]) == 500
        assert "exception" not in record
    assert records[1]["logger"] == "uvicorn.error"


BROKER_CLIENT_CHATTER = """
import logging
from oms.platform.observability import configure_logging

configure_logging("info", "json")
logging.getLogger("pika.adapters.blocking_connection").info("Created channel=1")
logging.getLogger("nats.aio.client").info("connected")
logging.getLogger("pika.connection").warning("Socket closed")
"""


def test_broker_clients_log_warnings_only_at_the_info_level() -> None:
    process = _python(BROKER_CLIENT_CHATTER)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 0, err.decode()
    records = _records(err.decode())
    assert [(r["logger"], r["event"]) for r in records] == [("pika.connection", "Socket closed")]
