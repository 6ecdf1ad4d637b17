"""What every settings form shares: fields read with every problem collected at once (so one
submission names all that is wrong, as the API's 422 does), the services' problems put next to
the fields the page shows, the version a form was read at, and post/redirect/get.

A form is read into ``Typed`` values (what goes back into the form when it is refused) while its
problems pile up; ``done`` raises them as one ``Invalid``. The service is then called through
``attempt_form``, which turns any domain error into ``FormErrors`` and the status the API would
answer (422 invalid, 409 conflict, 412 stale version).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any, TypeVar
from urllib.parse import urlencode
from uuid import UUID

from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData

from oms.console.shell import FormErrors
from oms.platform.problems import status_for
from oms.shared.errors import DomainError, FieldProblem, Invalid, NotFound
from oms.shared.versions import ExpectedVersion

T = TypeVar("T")
E = TypeVar("E", bound=StrEnum)


class FormInvalid(Invalid):
    """The form's own problems, already named by the form's inputs (never renamed)."""


class FormReader:
    """Reads a posted form field by field; a bad field is a problem, not an exception, and
    ``values`` keeps what was typed for the form shown again."""

    def __init__(self, form: FormData) -> None:
        self.form = form
        self.problems: list[FieldProblem] = []
        self.values: dict[str, Any] = {}

    def problem(self, name: str, message: str) -> None:
        self.problems.append(FieldProblem(name, message))

    def text(self, name: str, *, required: bool = False, max_length: int | None = None) -> str:
        """A text field, trimmed."""
        raw = self.form.get(name)
        value = raw.strip() if isinstance(raw, str) else ""
        self.values[name] = value
        if required and not value:
            self.problem(name, "must not be blank")
        elif max_length is not None and len(value) > max_length:
            self.problem(name, f"must be at most {max_length} characters")
        return value

    def optional(self, name: str, *, max_length: int | None = None) -> str | None:
        return self.text(name, max_length=max_length) or None

    def flag(self, name: str) -> bool:
        """A checkbox: ticked when sent with any value."""
        value = isinstance(self.form.get(name), str)
        self.values[name] = value
        return value

    def many(self, name: str) -> list[str]:
        """Every value of a repeated field (ticked checkboxes), in form order."""
        found = [v.strip() for v in self.form.getlist(name) if isinstance(v, str) and v.strip()]
        self.values[name] = found
        return found

    def whole(
        self,
        name: str,
        *,
        minimum: int | None = None,
        maximum: int | None = None,
        required: bool = False,
    ) -> int | None:
        """A whole number, or None when blank."""
        raw = self.text(name)
        if not raw:
            if required:
                self.problem(name, "enter a whole number")
            return None
        try:
            value = int(raw)
        except ValueError:
            self.problem(name, "must be a whole number")
            return None
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            self.problem(name, f"must be between {minimum} and {maximum}")
            return None
        return value

    def decimal(self, name: str) -> Decimal | None:
        """A decimal number (``19.99``), or None when blank."""
        raw = self.text(name)
        if not raw:
            return None
        try:
            value = Decimal(raw)
        except InvalidOperation:
            self.problem(name, "must be a number such as 19.99")
            return None
        if not value.is_finite():
            self.problem(name, "must be a finite number")
            return None
        return value

    def choice(self, name: str, kind: type[E], *, default: E | None = None) -> E | None:
        """One of an enumeration's values (a select); blank gives ``default``."""
        raw = self.text(name)
        if not raw:
            if default is None:
                self.problem(name, "choose one")
            else:
                self.values[name] = default.value
            return default
        try:
            return kind(raw)
        except ValueError:
            self.problem(name, f"must be one of {', '.join(k.value for k in kind)}")
            return default

    def version(self, name: str = "version") -> ExpectedVersion | None:
        """The version the form was read at (its ``If-Match``): a change made since is refused
        (412) instead of being silently overwritten. Absent: any version."""
        raw = self.text(name)
        if not raw:
            return None
        if not raw.isdigit() or len(raw) > 18:
            self.problem(name, "is not a version")
            return None
        return ExpectedVersion(versions=frozenset({int(raw)}))

    def done(self, detail: str = "the form has invalid fields") -> None:
        """Raise every problem found so far as one ``Invalid``."""
        if self.problems:
            raise FormInvalid(detail, problems=list(self.problems))


def attempt_form(
    action: Callable[[], T],
    *,
    rename: Callable[[str], str] | None = None,
    fields: Mapping[str, str] | None = None,
) -> tuple[T | None, FormErrors | None, int]:
    """Run a service call; a domain error comes back as form errors with the status the API
    answers. ``rename`` maps a service's field path to the page's input name; ``fields`` maps
    an error code without field problems (``channel-not-found``) to the input it is about (a
    422 then: the form named something that does not exist)."""
    try:
        return action(), None, 200
    except DomainError as error:
        return None, errors_of(error, rename=rename, fields=fields), _status(error, fields)


def errors_of(
    error: DomainError,
    *,
    rename: Callable[[str], str] | None = None,
    fields: Mapping[str, str] | None = None,
) -> FormErrors:
    problems: list[FieldProblem] = getattr(error, "problems", [])
    if isinstance(error, FormInvalid):
        rename = None
    found: dict[str, str] = {}
    for problem in problems:
        name = rename(problem.field) if rename else problem.field
        found.setdefault(name, problem.message)
    if fields and error.code in fields:
        found.setdefault(fields[error.code], error.detail)
    return FormErrors(error.detail, found, error.code)


def _status(error: DomainError, fields: Mapping[str, str] | None) -> int:
    if isinstance(error, NotFound) and fields and error.code in fields:
        return 422
    return status_for(error)


def refuse(name: str, message: str) -> FormErrors:
    """Errors the page finds itself (one field)."""
    return FormErrors(message, {name: message}, Invalid.code)


def redirect(path: str, done: str, **query: str) -> RedirectResponse:
    """Post/redirect/get: the page again, with ``?done=`` naming the flash message to show."""
    return RedirectResponse(f"{path}?{urlencode({**query, 'done': done})}", status_code=303)


def prefix_of(levels: int) -> Callable[[str], str]:
    """A ``rename`` that keeps the first ``levels`` parts of a dotted path (``countries.3`` →
    ``countries`` with 1)."""

    def rename(field: str) -> str:
        return ".".join(field.split(".")[:levels])

    return rename


def id_cursor(raw: str | None, what: str) -> UUID | None:
    """A list's ``after`` cursor: the id of the last row shown (``what`` names it in the error)."""
    if not raw:
        return None
    try:
        return UUID(raw)
    except ValueError:
        raise Invalid(f"after must be {what}", field="after") from None
