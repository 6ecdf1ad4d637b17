"""The payments context's tables; importing this registers them all on ``metadata``."""

from oms.payments.tables import credit, ledger, notifications, refund_policy

__all__ = ["credit", "ledger", "notifications", "refund_policy"]
