"""Customer value: lifetime value and churn probability per customer (BG/NBD + Gamma-Gamma),
with their holdout check. Public interface: scoring runs as jobs of kind ``SCORE_RUN`` (the
worker's handler and schedule), and reading the scores (one customer's, the filtered list).

``pymc_marketing`` is imported only when a run fits a model, never by importing this package.
"""

from oms.customer_value.domain.errors import NoCustomerValue, RunNotFound
from oms.customer_value.domain.scores import CustomerValue, Holdout, ValueOrder
from oms.customer_value.services import (
    SCORE_RUN,
    customer_value,
    list_customer_values,
    request_run,
    run_job,
    schedule_due,
    score_run_handler,
)

__all__ = [
    "SCORE_RUN",
    "CustomerValue",
    "Holdout",
    "NoCustomerValue",
    "RunNotFound",
    "ValueOrder",
    "customer_value",
    "list_customer_values",
    "request_run",
    "run_job",
    "schedule_due",
    "score_run_handler",
]
