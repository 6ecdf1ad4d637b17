"""Customer value's errors: facts, not HTTP (``oms.platform.problems`` maps each branch)."""

from __future__ import annotations

from uuid import UUID

from oms.shared.errors import NotFound


class NoCustomerValue(NotFound):
    code = "no-customer-value"
    title = "No customer value yet"

    def __init__(self, customer_id: UUID) -> None:
        super().__init__(
            f"customer {customer_id} has no score yet: only customers with completed orders are "
            "scored, by a run (POST /v1/customer-value/runs, oms clv run) that could fit their "
            "currency",
            customer_id=str(customer_id),
        )


class RunNotFound(NotFound):
    code = "customer-value-run-not-found"
    title = "No such customer value run"

    def __init__(self, job_id: UUID) -> None:
        super().__init__(f"no customer value run {job_id}", job_id=str(job_id))
