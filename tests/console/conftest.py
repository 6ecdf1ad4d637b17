"""Console fixtures: staff users signed in through the login form, as a browser would be.

``staff_for("csr")`` creates a staff user of that role (``location="wh-de"`` binds a warehouse
user to a location), signs in at ``/console/login`` and hands back a client whose ``post``
carries the session's CSRF token in the form, as every console form does.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import httpx2 as httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from oms import auth
from oms.app import demo
from oms.platform.unit_of_work import UnitOfWork
from tests import demo_snapshot

PASSWORD = "correct horse battery staple"
BASE_URL = "https://testserver"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


class ConsoleClient:
    """A browser's view of the console: cookies kept, redirects not followed (tests read them)."""

    def __init__(self, client: TestClient, user: auth.StaffUser) -> None:
        self.client = client
        self.user = user
        self.csrf = ""

    def log_in(self, password: str = PASSWORD) -> httpx.Response:
        answer = self.client.post(
            "/console/login", data={"email": self.user.email, "password": password}
        )
        if answer.status_code == 303:
            self.csrf = self.csrf_of(self.client.get("/console/password").text)
        return answer

    @staticmethod
    def csrf_of(html: str) -> str:
        found = CSRF.search(html)
        assert found, "the page has no CSRF field"
        return found.group(1)

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.client.get(path, **kwargs)

    def post(
        self, path: str, data: dict[str, Any] | None = None, *, csrf: bool = True, **kwargs: Any
    ) -> httpx.Response:
        """Post a form as the page would (with the session's CSRF token unless ``csrf=False``)."""
        fields = dict(data or {})
        if csrf:
            fields.setdefault("csrf", self.csrf)
        return self.client.post(path, data=fields, **kwargs)

    def htmx(self, path: str, **kwargs: Any) -> httpx.Response:
        """A GET as htmx sends it (the page answers with a fragment)."""
        headers = {"HX-Request": "true", **kwargs.pop("headers", {})}
        return self.client.get(path, headers=headers, **kwargs)


StaffFor = Callable[..., ConsoleClient]


@pytest.fixture
def staff_for(app: FastAPI, engine: Engine) -> Iterator[StaffFor]:
    """``staff_for("csr", location=None, locale="en")``: a signed-in console client."""
    opened: list[TestClient] = []
    count = 0

    def make(role: str, *, location: str | None = None, locale: str = "en") -> ConsoleClient:
        nonlocal count
        count += 1
        user = auth.create_staff_user(
            auth.CreateStaffUser(
                email=f"{role}{count}@staff.example",
                role=auth.Role(role),
                password=PASSWORD,
                location_code=location,
                locale=locale,
            ),
            uow=UnitOfWork(engine),
        )
        client = TestClient(
            app, base_url=BASE_URL, raise_server_exceptions=False, follow_redirects=False
        )
        client.__enter__()
        opened.append(client)
        console = ConsoleClient(client, user)
        answer = console.log_in()
        assert answer.status_code == 303, answer.text
        return console

    yield make
    for client in opened:
        client.__exit__(None, None, None)


@pytest.fixture
def demo_merchant(
    engine: Engine, uow: UnitOfWork, tmp_path_factory: pytest.TempPathFactory
) -> demo.Summary:
    """The demo merchant (channels, locations, catalogue, stock, customers, orders, payments,
    waiting fulfilment orders, delivered orders to return) in the test's database: loaded by
    the first test of the backend, put back row for row for the others."""
    return demo_snapshot.merchant(engine, uow, tmp_path_factory)
