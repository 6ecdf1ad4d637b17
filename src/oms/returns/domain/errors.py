"""Errors of returns and return policies: facts, never HTTP (``oms.platform.problems`` maps them).

NotFound   ReturnNotFound
Invalid    ReturnRefused (one problem per refused line), ReturnPolicyInvalid (one per field),
           UnknownReturnLine, UnitsBeyondReturn
Conflict   ReturnChanged (and IllegalTransition from the return lifecycle)
"""

from __future__ import annotations

from uuid import UUID

from oms.shared.errors import Conflict, FieldProblem, Invalid, NotFound


class ReturnNotFound(NotFound):
    code = "return-not-found"
    title = "Return not found"

    def __init__(self, reference: str) -> None:
        super().__init__(f"no return {reference}", return_id=reference)


class ReturnRefused(Invalid):
    """Lines of a return request the order or the policy does not allow, each with its reason
    (``lines.0.quantity``: "2 units asked, 1 can still be returned")."""

    code = "return-refused"
    title = "Return refused"

    def __init__(self, problems: list[FieldProblem]) -> None:
        detail = "; ".join(f"{p.field}: {p.message}" for p in problems)
        super().__init__(f"the return cannot be accepted: {detail}", problems=problems)


class ReturnPolicyInvalid(Invalid):
    code = "return-policy-invalid"
    title = "Invalid return policy"

    def __init__(self, problems: list[FieldProblem]) -> None:
        detail = "; ".join(f"{p.field}: {p.message}" for p in problems)
        super().__init__(f"the return policy is invalid: {detail}", problems=problems)


class UnknownReturnLine(Invalid):
    code = "unknown-return-line"
    title = "Line not in this return"

    def __init__(self, reference: str, line_id: UUID, *, field: str = "lines") -> None:
        super().__init__(
            f"return {reference} has no line {line_id}", field=field, line=str(line_id)
        )


class UnitsBeyondReturn(Invalid):
    """More units received or inspected on a line than the return allows."""

    code = "units-beyond-return"
    title = "More units than the return holds"

    def __init__(
        self, reference: str, line_id: UUID, asked: int, left: int, *, field: str = "lines"
    ) -> None:
        super().__init__(
            f"{asked} units of line {line_id} asked, {left} left on return {reference}",
            field=field,
            line=str(line_id),
            asked=asked,
            left=left,
        )


class ReturnChanged(Conflict):
    """Saved over a version someone else changed meanwhile (a lost update refused)."""

    code = "return-changed"
    title = "Return changed meanwhile"

    def __init__(self, reference: str) -> None:
        super().__init__(f"return {reference} changed meanwhile; retry")
