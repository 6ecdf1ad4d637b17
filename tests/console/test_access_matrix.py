"""Every console page declares one guard, and every role reaches exactly the pages its
permissions allow: the console and the API read one permission table (``ROLE_PERMISSIONS``).

The walk fills path parameters with values that parse and posts forms with the session's CSRF
token, so a 403 here can only come from the guard: the record itself is unknown (404) or the
form is empty (422), which says the role got past the permission check.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute

from oms.auth import ROLE_PERMISSIONS, Role
from oms.console.shell import ConsoleRequires, Public
from oms.platform.http_semantics import each_route
from oms.platform.security import Permission
from oms.platform.unit_of_work import UnitOfWork
from tests import builders
from tests.console.conftest import BASE_URL, StaffFor

PUBLIC_CONSOLE = {("GET", "/console/login"), ("POST", "/console/login")}
"""The only console pages without a session; every /track page is the customer's."""

STAFF_ROLES = [role for role in Role if role is not Role.CHANNEL]
"""Channel keys are for storefronts; a staff user is never a channel."""


def pages(app: FastAPI) -> Iterator[tuple[str, str, APIRoute]]:
    for route in each_route(app.routes):
        original = getattr(route, "original_route", route)
        if not isinstance(original, APIRoute):
            continue
        path = route.path_format
        if path.startswith(("/console", "/track")):
            for method in sorted(route.methods - {"HEAD"}):
                yield method, path, route


def guards(route: APIRoute) -> list[Any]:
    found = []
    stack = list(route.dependant.dependencies)
    while stack:
        dependency = stack.pop()
        if isinstance(dependency.call, ConsoleRequires | Public):
            found.append(dependency.call)
        stack.extend(dependency.dependencies)
    return found


def concrete(path: str) -> str:
    """Path parameters that parse but name nothing: a UUID for ids, a code-like word else."""

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        return str(uuid.uuid4()) if name.endswith("id") else "NO-SUCH-" + name.upper()

    return re.sub(r"\{([^}:]+)(?::[^}]*)?\}", fill, path)


def test_every_page_declares_exactly_one_guard(app: FastAPI) -> None:
    found = list(pages(app))
    assert len(found) > 20, "the walk must reach every desk's pages"
    wrong = []
    for method, path, route in found:
        declared = guards(route)
        if len(declared) != 1:
            wrong.append(f"{method} {path}: {declared}")
            continue
        public = isinstance(declared[0], Public)
        should_be_public = path.startswith("/track") or (method, path) in PUBLIC_CONSOLE
        if public != should_be_public:
            wrong.append(f"{method} {path}: {declared[0]!r}")
    assert wrong == []


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_each_role_reaches_exactly_the_pages_its_permissions_allow(
    role: Role, app: FastAPI, uow: UnitOfWork, staff_for: StaffFor
) -> None:
    builders.location(uow, "wh-de")
    builders.channel(uow, "web", locations=("wh-de",))
    console = staff_for(role.value)
    wrong = []
    for method, path, route in pages(app):
        (guard,) = guards(route)
        if not isinstance(guard, ConsoleRequires) or path == "/console/logout":
            continue
        if method == "GET":
            status = console.get(concrete(path)).status_code
        else:
            status = console.post(concrete(path), {}).status_code
        permission: Permission | None = guard.permission
        allowed = permission is None or permission in ROLE_PERMISSIONS[role]
        if allowed and status in (401, 403):
            wrong.append(f"{method} {path} should be allowed, got {status}")
        if not allowed and status != 403:
            wrong.append(f"{method} {path} needs {permission}, should be 403, got {status}")
        if status >= 500:
            wrong.append(f"{method} {path} failed with {status}")
    assert wrong == []


def test_pages_without_a_session_send_the_browser_to_the_login(app: FastAPI) -> None:
    from fastapi.testclient import TestClient

    with TestClient(app, base_url=BASE_URL, follow_redirects=False) as browser:
        wrong = {}
        for method, path, route in pages(app):
            if not isinstance(guards(route)[0], ConsoleRequires):
                continue
            answer = browser.request(method, concrete(path))
            location = answer.headers.get("location", "")
            if answer.status_code != 303 or not location.startswith("/console/login"):
                wrong[f"{method} {path}"] = (answer.status_code, location)
        assert wrong == {}
        fragment = browser.get("/console", headers={"HX-Request": "true"})
        assert fragment.status_code == 401
        assert fragment.headers["HX-Redirect"] == "/console/login?next=/console"
