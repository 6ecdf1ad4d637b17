"""Customer value's use cases: the holdout check of the model on a history of purchases."""

from oms.customer_value.services.checking import Period, check, periods_of

__all__ = ["Period", "check", "periods_of"]
