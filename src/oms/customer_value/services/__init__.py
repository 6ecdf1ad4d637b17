"""Customer value's use cases: the holdout check, scoring runs (jobs), reading the scores."""

from oms.customer_value.services.checking import Period, check, periods_of
from oms.customer_value.services.jobs import (
    SCORE_RUN,
    request_run,
    run_job,
    schedule_due,
    score_run_handler,
)
from oms.customer_value.services.scoring import RunSummary, score_customers
from oms.customer_value.services.values import customer_value, list_customer_values

__all__ = [
    "SCORE_RUN",
    "Period",
    "RunSummary",
    "check",
    "customer_value",
    "list_customer_values",
    "periods_of",
    "request_run",
    "run_job",
    "schedule_due",
    "score_customers",
    "score_run_handler",
]
