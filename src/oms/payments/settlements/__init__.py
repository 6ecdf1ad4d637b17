"""Billing reconciliation: settlement files matched against the payments ledger (H5).

A sub-context of payments: its own domain, tables, repository, services, API and command. What
payments' public interface lists from here: ``EVENTS`` (the event types it records)."""

from oms.payments.settlements.domain.events import ReconciliationRecorded
from oms.shared.events import Event

EVENTS: tuple[type[Event], ...] = (ReconciliationRecorded,)
"""Recorded by every reconciliation run; ``oms.payments.EVENTS`` should include them."""

__all__ = ["EVENTS", "ReconciliationRecorded"]
