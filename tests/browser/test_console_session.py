"""Signing in and out of the console in a real browser."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import PASSWORD, Live, Shots, log_in


def test_a_staff_user_logs_in_sees_their_desks_and_logs_out(
    page: Page, live: Live, shots: Shots, csp_errors: list[str]
) -> None:
    page.goto(f"{live.url}/console/orders")
    expect(page).to_have_url(re.compile(r"/console/login\?next=/console/orders"))
    page.get_by_label("Email").fill(live.emails["csr"])
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.get_by_label("Email", exact=True)).to_have_value(live.emails["csr"])
    shots("login refused")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/console/orders$"))
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Orders")).to_be_visible()
    expect(nav.get_by_role("link", name="Finance")).to_have_count(0)  # payments:finance
    page.get_by_text(live.emails["csr"].split("@")[0]).first.click()
    page.get_by_role("link", name="Change password").click()
    shots("change password")
    page.get_by_text(live.emails["csr"].split("@")[0]).first.click()
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/console/login$"))
    page.goto(f"{live.url}/console")
    expect(page).to_have_url(re.compile(r"/console/login"))


def test_the_keyboard_reaches_the_login_form(page: Page, live: Live) -> None:
    page.goto(f"{live.url}/console/login")
    expect(page.get_by_label("Email")).to_be_focused()
    page.keyboard.type(live.emails["admin"])
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/console$"))
    log_in(page, live, "admin")
