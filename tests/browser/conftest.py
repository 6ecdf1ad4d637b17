"""Browser tests: the real server (`oms serve` in a subprocess) on a database holding the demo
merchant, driven by Debian's Chromium through Playwright, on SQLite and on PostgreSQL.

Every page a test visits is screenshotted into ``screenshots/`` (kept out of git) and checked
with axe-core: a serious or critical accessibility violation fails the test.
"""

from __future__ import annotations

import os
import re
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from oms import auth
from oms.app import demo
from oms.platform.database import create_database_engine, normalise_url
from oms.platform.unit_of_work import UnitOfWork
from tests.conftest import require_postgres_url
from tests.e2e.conftest import OMS, _healthy, free_port, wait_for

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
PASSWORD = "correct horse battery staple"
BLOCKING = {"serious", "critical"}

STAFF = {
    "admin": (auth.Role.ADMIN, None, "en"),
    "csr": (auth.Role.CSR, None, "en"),
    "warehouse": (auth.Role.WAREHOUSE, "wh-de", "en"),
    "finance": (auth.Role.FINANCE, None, "en"),
}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make chromium` installs Debian's Chromium")
    return {**browser_type_launch_args, "executable_path": CHROMIUM}


@dataclass
class Live:
    """A served oms with the demo merchant and one staff login per desk."""

    backend: str
    url: str
    engine: Engine
    summary: demo.Summary
    settlement_dir: Path
    emails: dict[str, str] = field(default_factory=dict)

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.engine)


def _database(backend: str, folder: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'oms.db'}"
        return
    given = require_postgres_url()
    name = f"oms_browser_{uuid.uuid4().hex[:10]}"
    server = create_engine(normalise_url(given), isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(given).set(database=name).render_as_string(hide_password=False)
    finally:
        with server.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def live(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Live]:
    backend = request.param
    folder = tmp_path_factory.mktemp(f"live-{backend}")
    databases = _database(backend, folder)
    url = next(databases)
    env = {k: v for k, v in os.environ.items() if not k.startswith("OMS_")}
    env |= {
        "OMS_DATABASE_URL": url,
        "OMS_MAIL_DIRECTORY": str(folder / "mail"),
        "OMS_CONSOLE_SECURE_COOKIE": "false",  # plain http on the loopback
        # Every flow of the run logs in from 127.0.0.1: the per-address budget is for people.
        "OMS_LOGIN_ATTEMPTS_PER_MINUTE": "1000",
    }
    subprocess.run([OMS, "db", "upgrade"], env=env, check=True, capture_output=True, timeout=300)
    engine = create_database_engine(url)
    summary = demo.load(UnitOfWork(engine), settlement_dir=folder)
    live = Live(backend, "", engine, summary, folder)
    for name, (role, location, locale) in STAFF.items():
        user = auth.create_staff_user(
            auth.CreateStaffUser(
                email=f"{name}@browser.example",
                role=role,
                password=PASSWORD,
                location_code=location,
                locale=locale,
            ),
            uow=UnitOfWork(engine),
        )
        live.emails[name] = user.email
    port = free_port()
    log_path = folder / "server.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [OMS, "serve", "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT
        )
        live.url = f"http://127.0.0.1:{port}"
        try:
            if not wait_for(lambda: _healthy(live.url), seconds=60):
                raise AssertionError("server did not start:\n" + log_path.read_text())
            yield live
        finally:
            process.terminate()
            process.wait(timeout=20)
            engine.dispose()
            next(databases, None)


class Shots:
    """Screenshots named ``<backend>-<flow>-<nn>-<what>.png`` and an axe check of each page."""

    def __init__(self, page: Page, backend: str, flow: str) -> None:
        self.page, self.backend, self.flow, self.count = page, backend, flow, 0
        SCREENSHOTS.mkdir(exist_ok=True)

    def __call__(self, what: str) -> None:
        self.count += 1
        self.page.wait_for_load_state("networkidle")
        name = re.sub(r"[^a-z0-9-]+", "-", what.lower()).strip("-")
        path = SCREENSHOTS / f"{self.backend}-{self.flow}-{self.count:02d}-{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        results = Axe().run(self.page)
        blocking = [
            f"{v['id']} ({v['impact']}): {v['help']} — "
            + "; ".join(node["target"][0] for node in v["nodes"][:3])
            for v in results.response["violations"]
            if v.get("impact") in BLOCKING
        ]
        assert blocking == [], f"{what}: accessibility violations on {self.page.url}"


@pytest.fixture
def shots(request: pytest.FixtureRequest, page: Page, live: Live) -> Shots:
    flow = request.node.originalname.removeprefix("test_")[:40]
    return Shots(page, live.backend, flow)


def log_in(page: Page, live: Live, who: str) -> None:
    page.goto(f"{live.url}/console/login")
    page.get_by_label("Email").fill(live.emails[who])
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).not_to_have_url(re.compile(r"/console/login"))


@pytest.fixture
def csp_errors(page: Page) -> Iterator[list[str]]:
    """Console messages the browser logs for a blocked script or style (a CSP violation)."""
    seen: list[str] = []
    page.on(
        "console",
        lambda message: (
            seen.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    yield seen
    assert seen == [], "the pages broke their own Content-Security-Policy"
