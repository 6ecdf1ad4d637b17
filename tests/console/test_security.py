"""The console's own defences, tried the way an attacker would: forms posted without the
session's CSRF token, a session token planted before the login, stolen cookies after a logout,
open redirects, cross-site login posts and password guessing."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from oms.console.shell import COOKIE
from tests.console.conftest import BASE_URL, PASSWORD, StaffFor


def browser(app: FastAPI) -> TestClient:
    return TestClient(app, base_url=BASE_URL, follow_redirects=False)


def test_a_form_without_the_sessions_csrf_token_is_refused_and_changes_nothing(
    staff_for: StaffFor,
) -> None:
    csr, other = staff_for("csr"), staff_for("csr")
    change = {
        "current_password": PASSWORD,
        "new_password": "a new long passphrase",
        "confirm_password": "a new long passphrase",
    }
    for token in (None, "forged", other.csrf):
        fields = dict(change) if token is None else {**change, "csrf": token}
        answer = csr.post("/console/password", fields, csrf=False)
        assert answer.status_code == 403, token
        assert "text/html" in answer.headers["content-type"]
    for header in ("forged", other.csrf):
        answer = csr.client.post("/console/password", data=change, headers={"X-CSRF-Token": header})
        assert answer.status_code == 403
    assert csr.log_in().status_code == 303, "the password must be unchanged"
    assert csr.post("/console/password", change).status_code == 200


def test_a_session_token_planted_before_the_login_is_never_promoted(
    app: FastAPI, staff_for: StaffFor
) -> None:
    attacker = staff_for("marketing")
    planted = attacker.client.cookies[COOKIE]
    with browser(app) as victim:
        victim.cookies.set(COOKIE, planted)
        csr = staff_for("csr")
        answer = victim.post("/console/login", data={"email": csr.user.email, "password": PASSWORD})
        assert answer.status_code == 303
        issued = answer.cookies[COOKIE]
        assert issued != planted
        victim.cookies.clear()
        victim.cookies.set(COOKIE, issued)
        assert victim.get("/console/password").status_code == 200
    # The planted session was ended by the login that replaced it: the attacker holds nothing.
    assert attacker.get("/console/password").status_code == 303
    with browser(app) as stranger:
        stranger.cookies.set(COOKIE, "attacker-chosen-token")
        assert stranger.get("/console/password").headers["location"].startswith("/console/login")


def test_the_cookie_is_secure_http_only_same_site_and_scoped_to_the_console(
    app: FastAPI, staff_for: StaffFor
) -> None:
    csr = staff_for("csr")
    with browser(app) as fresh:
        answer = fresh.post("/console/login", data={"email": csr.user.email, "password": PASSWORD})
    cookie = answer.headers["set-cookie"]
    for flag in ("HttpOnly", "Secure", "SameSite=lax", "Path=/console"):
        assert flag in cookie
    page = csr.get("/console/password")
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["cache-control"] == "no-store"


def test_a_logout_ends_the_session_on_the_server(app: FastAPI, staff_for: StaffFor) -> None:
    csr = staff_for("csr")
    stolen = csr.client.cookies[COOKIE]
    assert csr.post("/console/logout").headers["location"] == "/console/login"
    with browser(app) as thief:
        thief.cookies.set(COOKIE, stolen)
        assert thief.get("/console/password").status_code == 303


def test_the_login_never_redirects_off_the_console_nor_accepts_another_sites_post(
    app: FastAPI, staff_for: StaffFor
) -> None:
    csr = staff_for("csr")
    with browser(app) as fresh:
        for target in ("https://evil.example/", "//evil.example", "/\\evil.example", "/track"):
            answer = fresh.post(
                "/console/login",
                data={"email": csr.user.email, "password": PASSWORD, "next": target},
            )
            assert answer.headers["location"] == "/console", target
        answer = fresh.post(
            "/console/login",
            data={"email": csr.user.email, "password": PASSWORD},
            headers={"Origin": "https://evil.example"},
        )
        assert answer.status_code == 403


def test_wrong_passwords_say_the_same_for_unknown_emails_and_are_throttled(
    app: FastAPI, staff_for: StaffFor
) -> None:
    csr = staff_for("csr")
    with browser(app) as guesser:
        wrong = guesser.post("/console/login", data={"email": csr.user.email, "password": "nope"})
        unknown = guesser.post(
            "/console/login", data={"email": "who@x.example", "password": "nope"}
        )
        assert wrong.status_code == unknown.status_code == 401
        assert csr.user.email in wrong.text, "the typed email stays in the form"
        statuses = [
            guesser.post(
                "/console/login", data={"email": "who@x.example", "password": "x"}
            ).status_code
            for _ in range(10)
        ]
        assert statuses[-1] == 429
        assert "retry-after" in {
            name.lower()
            for name in guesser.post(
                "/console/login", data={"email": "who@x.example", "password": "x"}
            ).headers
        }
