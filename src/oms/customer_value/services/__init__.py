"""Customer value's use cases: scoring runs (jobs), reading the scores. The holdout check
(``services.checking``) and the fit (``services.scoring``) need numpy and pandas, so they are
imported where a check or a run happens, never by the API or the console."""

from oms.customer_value.services.jobs import (
    SCORE_RUN,
    request_run,
    run_job,
    schedule_due,
    score_run_handler,
)
from oms.customer_value.services.values import customer_value, list_customer_values

__all__ = [
    "SCORE_RUN",
    "customer_value",
    "list_customer_values",
    "request_run",
    "run_job",
    "schedule_due",
    "score_run_handler",
]
