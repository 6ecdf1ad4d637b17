"""Errors on console and customer pages are pages, not problem+json: the API's handlers stay
for every other path. A lost session sends the browser to the login form (an htmx request gets
``HX-Redirect``); a missing permission, a refused CSRF token or an unknown record gets a page in
the reader's language with the same status the API would answer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from oms.console.shell.guard import ConsoleForbidden, LoginNeeded, login_path, public_context
from oms.console.shell.templating import render
from oms.platform.problems import HTTPProblem, status_for
from oms.shared.errors import DomainError

Handler = Callable[[Request, Exception], Awaitable[Response]]
PREFIXES = ("/console", "/track")


def is_page(request: Request) -> bool:
    path = request.url.path
    return any(path == prefix or path.startswith(prefix + "/") for prefix in PREFIXES)


def error_page(
    request: Request,
    status: int,
    title: str,
    detail: str,
    headers: dict[str, str] | None = None,
) -> Response:
    if getattr(request.state, "staff", None) is None:
        public_context(request)
    template = "track/error.html" if request.url.path.startswith("/track") else "console/error.html"
    return render(
        request,
        template,
        {"status": status, "title": title, "detail": detail},
        status=status,
        headers=headers,
    )


async def _login_needed(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, LoginNeeded)
    target = login_path(exc.next_path if request.method == "GET" else "/console")
    if request.headers.get("HX-Request") == "true":
        return Response(status_code=401, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


async def _forbidden(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ConsoleForbidden)
    return error_page(request, 403, "Forbidden", f"Your role lacks {exc.permission.value}.")


def _for_pages(original: Handler, page: Callable[[Request, Exception], Response]) -> Handler:
    async def handle(request: Request, exc: Exception) -> Response:
        if is_page(request):
            return page(request, exc)
        return await original(request, exc)

    return handle


def _domain_page(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DomainError)
    return error_page(request, status_for(exc), exc.title, exc.detail)


def _problem_page(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPProblem)
    return error_page(request, exc.status, exc.title, exc.detail, exc.headers)


def _http_page(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    titles = {404: "Not found", 405: "Method not allowed"}
    return error_page(
        request, exc.status_code, titles.get(exc.status_code, "Error"), str(exc.detail)
    )


def _validation_page(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    fields = "; ".join(
        f"{'.'.join(str(part) for part in error['loc'][1:])}: {error['msg']}"
        for error in exc.errors()
    )
    return error_page(request, 422, "Invalid request", fields)


def install(app: FastAPI) -> None:
    """Put the page handlers in front of the API's (which ``problems.install`` registered)."""
    app.add_exception_handler(LoginNeeded, _login_needed)
    app.add_exception_handler(ConsoleForbidden, _forbidden)
    for kind, page in (
        (DomainError, _domain_page),
        (HTTPProblem, _problem_page),
        (StarletteHTTPException, _http_page),
        (RequestValidationError, _validation_page),
    ):
        original = app.exception_handlers[kind]
        app.add_exception_handler(kind, _for_pages(original, page))  # type: ignore[arg-type]
