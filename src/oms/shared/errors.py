"""Domain errors: they carry facts, never HTTP.

The tree, by meaning (``oms.platform.problems`` maps each branch to one HTTP status)::

    DomainError
    ├── NotFound            the thing does not exist, or is not yours to see
    ├── Invalid             the request breaks a rule about its own content (names fields)
    ├── Conflict            the request is fine but the current state refuses it
    │   └── IllegalTransition
    ├── PreconditionFailed  the caller's view of the state is stale (If-Match, expected value)
    ├── PreconditionRequired the caller must say which version it expects
    └── Forbidden           the caller may not do this at all

Each concrete error has a stable kebab-case ``code``; clients switch on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """One bad field: a dotted path into the request (``lines.2.sku``) and why."""

    field: str
    message: str


class DomainError(Exception):
    """Base of every error the domain raises on purpose."""

    code: ClassVar[str] = "domain-error"
    title: ClassVar[str] = "The request cannot be carried out"

    def __init__(self, detail: str, **facts: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.facts = facts


class NotFound(DomainError):
    code = "not-found"
    title = "Not found"


class Invalid(DomainError):
    """Bad content; ``problems`` names every bad field at once."""

    code = "invalid"
    title = "Invalid request"

    def __init__(
        self,
        detail: str,
        *,
        field: str | None = None,
        problems: list[FieldProblem] | None = None,
        **facts: Any,
    ) -> None:
        super().__init__(detail, **facts)
        found = list(problems or [])
        if field is not None:
            found.insert(0, FieldProblem(field, detail))
        self.problems = found


class Conflict(DomainError):
    code = "conflict"
    title = "Conflict with the current state"


class IllegalTransition(Conflict):
    code = "illegal-transition"
    title = "Illegal state transition"


class PreconditionFailed(DomainError):
    code = "precondition-failed"
    title = "Precondition failed"


class PreconditionRequired(DomainError):
    code = "precondition-required"
    title = "Precondition required"


class Forbidden(DomainError):
    code = "forbidden"
    title = "Forbidden"


def collect(problems: list[FieldProblem], detail: str = "the request has invalid fields") -> None:
    """Raise one ``Invalid`` naming every problem found, if any."""
    if problems:
        raise Invalid(detail, problems=problems)
