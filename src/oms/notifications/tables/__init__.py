"""The notifications context's tables (registered on the shared metadata when imported)."""

from oms.notifications.tables import mail, webhooks

__all__ = ["mail", "webhooks"]
