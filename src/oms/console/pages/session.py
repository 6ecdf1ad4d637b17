"""Signing in and out, and changing one's password.

A login spends from two throttles before the password is even checked: 10 attempts a minute
from one address, and the account's own lockout (5 failures: 15 minutes) behind it. A successful
login always starts a new session with a new token (a cookie planted before the login is never
promoted: no session fixation) and ends the one the browser held.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData

from oms import auth
from oms.auth import ChangePassword, LoginRefused
from oms.console.shell import COOKIE, ConsoleRequires, Public, Staff, attempt, form_data, render
from oms.console.shell.forms import FormErrors, text
from oms.console.shell.guard import Visitor, uow_of
from oms.platform.problems import HTTPProblem
from oms.platform.throttling import Budget, client_address, spend

router = APIRouter(prefix="/console", include_in_schema=False)


def logins_per_client(request: Request) -> Budget:
    """``OMS_LOGIN_ATTEMPTS_PER_MINUTE`` (10) logins a minute from one address: typing
    mistakes, never guessing."""
    per_minute = request.app.state.settings.login_attempts_per_minute
    return Budget("console.login.client", burst=per_minute, period=60.0)


Form = Annotated[FormData, Depends(form_data)]
Anyone = Annotated[Visitor, Depends(Public())]
Signed = Annotated[Staff, Depends(ConsoleRequires(None))]


def safe_next(target: str | None) -> str:
    """Where to go after the login: a console path only (never another site)."""
    if not target:
        return "/console"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/console") or "\\" in target:
        return "/console"
    return target


def same_origin(request: Request) -> None:
    """A login posted from another site is refused (the browser names the page's origin)."""
    origin = request.headers.get("origin")
    if origin and origin != "null" and urlsplit(origin).netloc != request.url.netloc:
        raise HTTPProblem(403, "cross-origin", "Forbidden", "the form was posted from another site")


def set_session_cookie(response: Response, request: Request, token: str) -> None:
    settings = request.app.state.settings
    response.set_cookie(
        COOKIE,
        token,
        max_age=settings.session_absolute_hours * 3600,
        path="/console",
        secure=settings.console_secure_cookie,
        httponly=True,
        samesite="lax",
    )


@router.get("/login")
def login_form(request: Request, _visitor: Anyone, next: str = "/console") -> Response:
    context = {"next": safe_next(next), "email": "", "errors": None}
    return render(request, "console/login.html", context)


@router.post("/login")
def log_in(request: Request, _visitor: Anyone, form: Form) -> Response:
    same_origin(request)
    spend(request, logins_per_client(request), client_address(request))
    email, password = text(form, "email"), form.get("password")
    target = safe_next(text(form, "next"))
    uow = uow_of(request)
    rules = auth.access_rules(request.app.state.settings)
    try:
        user = auth.authenticate_staff_user(
            email, password if isinstance(password, str) else "", uow=uow, rules=rules
        )
    except LoginRefused as refused:
        errors = FormErrors(refused.detail, {"password": refused.detail}, refused.code)
        return render(
            request,
            "console/login.html",
            {"next": target, "email": email, "errors": errors},
            status=401,
        )
    previous = request.cookies.get(COOKIE)
    if previous:
        auth.revoke_session(previous, uow=uow)
    opened = auth.open_session(
        user, uow=uow, user_agent=request.headers.get("user-agent"), rules=rules
    )
    response = RedirectResponse(target, status_code=303)
    set_session_cookie(response, request, opened.token)
    return response


@router.post("/logout")
def log_out(request: Request, _staff: Signed) -> Response:
    token = request.cookies.get(COOKIE)
    if token:
        auth.revoke_session(token, uow=uow_of(request))
    response = RedirectResponse("/console/login", status_code=303)
    response.delete_cookie(COOKIE, path="/console")
    return response


@router.get("/password")
def password_form(request: Request, _staff: Signed) -> Response:
    return render(request, "console/password.html", {"errors": None, "done": False})


@router.post("/password")
def change_password(request: Request, staff: Signed, form: Form) -> Response:
    def values(name: str) -> str:
        value = form.get(name)
        return value if isinstance(value, str) else ""

    if values("new_password") != values("confirm_password"):
        differ = FormErrors(
            "the two new passwords differ", {"confirm_password": "the two new passwords differ"}
        )
        context = {"errors": differ, "done": False}
        return render(request, "console/password.html", context, status=422)
    command = ChangePassword(
        user_id=staff.user.id,
        current_password=values("current_password"),
        new_password=values("new_password"),
        keep_session_id=staff.session.id,
    )
    rules = auth.access_rules(request.app.state.settings)
    _, errors = attempt(lambda: auth.change_password(command, uow=uow_of(request), rules=rules))
    if errors is not None and errors.code == "current-password-wrong":
        errors = FormErrors(errors.message, {"current_password": errors.message}, errors.code)
    return render(
        request,
        "console/password.html",
        {"errors": errors, "done": errors is None},
        status=200 if errors is None else 422,
    )
