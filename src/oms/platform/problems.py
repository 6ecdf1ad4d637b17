"""RFC 9457 problem details: the one mapping from errors to HTTP.

Every error a client can see leaves here as ``application/problem+json`` with a stable ``type``
URI and ``code``: domain errors by their branch of the tree in ``oms.shared.errors``, request
validation as 422 naming each field, a body that is not JSON as 400, unknown routes and methods
as 404/405. Anything unexpected becomes a bare 500 that leaks nothing; it is answered and logged
(as one JSON line) by ``observability.RequestContextMiddleware``, not by an exception handler,
because Starlette re-raises what its catch-all handler saw and the server would then print a
multi-line plain-text traceback beside the JSON logs.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from starlette.exceptions import HTTPException as StarletteHTTPException

from oms.shared.errors import (
    Conflict,
    DomainError,
    FieldProblem,
    Forbidden,
    Invalid,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
)

MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "https://oms.dev/problems/"

STATUS_BY_BRANCH: tuple[tuple[type[DomainError], int], ...] = (
    (NotFound, 404),
    (Invalid, 422),
    (Conflict, 409),
    (PreconditionFailed, 412),
    (PreconditionRequired, 428),
    (Forbidden, 403),
)


class FieldError(BaseModel):
    field: str
    message: str


class Problem(BaseModel):
    """The problem+json body (RFC 9457) with oms's extension members."""

    model_config = ConfigDict(extra="allow")

    type: str
    title: str
    status: int
    detail: str | None = None
    code: str
    instance: str | None = None
    errors: list[FieldError] | None = None


def status_for(error: DomainError) -> int:
    for branch, status in STATUS_BY_BRANCH:
        if isinstance(error, branch):
            return status
    return 400


class HTTPProblem(Exception):
    """An edge-level problem that is not a domain rule (missing key, bad token, body too big)."""

    def __init__(
        self, status: int, code: str, title: str, detail: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.title = title
        self.detail = detail
        self.headers = headers


def problem_body(status: int, code: str, title: str, detail: str | None) -> bytes:
    """A bare problem+json body, for the edge guards that answer before the app runs."""
    body = {"type": TYPE_BASE + code, "title": title, "status": status}
    return json.dumps(body | {"detail": detail, "code": code}, separators=(",", ":")).encode()


def problem_response(
    status: int,
    code: str,
    title: str,
    detail: str | None,
    *,
    request: Request | None = None,
    errors: list[FieldProblem] | None = None,
    headers: Mapping[str, str] | None = None,
    **extensions: Any,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": TYPE_BASE + code,
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
    }
    if request is not None:
        body["instance"] = request.url.path
    if errors:
        body["errors"] = [{"field": e.field, "message": e.message} for e in errors]
    body.update(extensions)
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def _field_path(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "header"):
        parts = parts[1:] if parts[0] == "body" else parts
    return ".".join(parts) or "body"


async def _domain_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    problems = exc.problems if isinstance(exc, Invalid) else None
    return problem_response(
        status_for(exc),
        exc.code,
        exc.title,
        exc.detail,
        request=request,
        errors=problems,
        **{k: v for k, v in exc.facts.items() if v is not None},
    )


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    undecodable = next((e for e in exc.errors() if e.get("type") == "json_invalid"), None)
    if undecodable is not None:
        reason = (undecodable.get("ctx") or {}).get("error", "it cannot be decoded")
        return problem_response(
            400, "bad-request", "Bad request", f"the body is not JSON: {reason}", request=request
        )
    problems = [
        FieldProblem(_field_path(err.get("loc", ())), str(err.get("msg", "invalid")))
        for err in exc.errors()
    ]
    return problem_response(
        422,
        "validation-failed",
        "Invalid request",
        "; ".join(f"{p.field}: {p.message}" for p in problems),
        request=request,
        errors=problems,
    )


async def _http_problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPProblem)
    return problem_response(
        exc.status, exc.code, exc.title, exc.detail, request=request, headers=exc.headers
    )


_HTTP_CODES = {
    400: ("bad-request", "Bad request"),
    401: ("unauthenticated", "Authentication required"),
    403: ("forbidden", "Forbidden"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    413: ("payload-too-large", "Request body too large"),
    429: ("too-many-requests", "Too many requests"),
}


async def _starlette_http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code, title = _HTTP_CODES.get(exc.status_code, ("http-error", "HTTP error"))
    detail = exc.detail if isinstance(exc.detail, str) else title
    if exc.status_code == 404 and detail == "Not Found":
        detail = f"no route matches {request.method} {request.url.path}"
    return problem_response(
        exc.status_code, code, title, detail, request=request, headers=exc.headers
    )


INTERNAL_ERROR = problem_body(
    500,
    "internal-error",
    "Internal server error",
    "an unexpected error occurred; it has been logged with this request's id",
)


def install(app: FastAPI) -> None:
    """Register the handlers that turn every error into problem+json."""
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPProblem, _http_problem)
    app.add_exception_handler(StarletteHTTPException, _starlette_http)


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries documenting problem+json for the given statuses."""
    descriptions = {
        400: "Bad request",
        401: "Missing or invalid API key",
        403: "The key's role lacks the permission",
        404: "Not found, or not visible to this key",
        409: "Conflict with the current state, or the same Idempotency-Key is in flight",
        410: "The response to this Idempotency-Key held personal data since erased",
        412: "Stale version or expected value",
        413: "Request body too large",
        422: "Invalid request; `errors` names each bad field",
        428: "A precondition header is required",
        429: "Too many requests; `Retry-After` says when to try again",
    }
    return {
        status: {
            "description": descriptions.get(status, "Problem"),
            "content": {MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for status in statuses
    }
