"""Forms: the posted fields, and a domain error turned into messages next to each field (the
typed values go back into the form, so nothing is lost)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from fastapi import Request
from starlette.datastructures import FormData

from oms.shared.errors import DomainError, FieldProblem, Invalid

T = TypeVar("T")
NUL = "\x00"


@dataclass(frozen=True, slots=True)
class FormErrors:
    """What went wrong: a sentence for the form, and a message per field name."""

    message: str
    fields: dict[str, str] = field(default_factory=dict)
    code: str = "invalid"

    @classmethod
    def of(cls, error: DomainError) -> FormErrors:
        problems: list[FieldProblem] = getattr(error, "problems", [])
        fields: dict[str, str] = {}
        for problem in problems:
            fields.setdefault(problem.field, problem.message)
        return cls(error.detail, fields, error.code)

    def get(self, name: str) -> str | None:
        return self.fields.get(name)


def N_(message: str) -> str:  # noqa: N802 (gettext's name for a marker)
    """Mark an English text written in Python for extraction (``make console-messages``); the
    template translates it when it shows it (``_(done)``)."""
    return message


def attempt(action: Callable[[], T]) -> tuple[T | None, FormErrors | None]:
    """Run a service call; a domain error comes back as form errors instead of a page."""
    try:
        return action(), None
    except DomainError as error:
        return None, FormErrors.of(error)


async def form_data(request: Request) -> FormData:
    """The posted form (parsed once; the CSRF check read the same). A NUL character in any
    text field is refused here: PostgreSQL text cannot hold it."""
    form = await request.form()
    bad = [
        FieldProblem(name, "must not contain NUL characters")
        for name, value in form.multi_items()
        if isinstance(value, str) and NUL in value
    ]
    if bad:
        raise Invalid("a field contains a NUL character", problems=bad)
    return form


def text(form: FormData, name: str) -> str:
    """A text field, trimmed ('' when absent or a file)."""
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def optional(form: FormData, name: str) -> str | None:
    return text(form, name) or None


def integer(form: FormData, name: str, *, default: int | None = None) -> int:
    """An integer field; a wrong one is ``Invalid`` naming it."""
    raw = text(form, name)
    if not raw and default is not None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise Invalid(f"{name} must be a whole number", field=name) from None
