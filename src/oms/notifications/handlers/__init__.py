"""Outbox consumers of the notifications context (each module declares its own)."""

from oms.notifications.handlers import mail, webhooks
from oms.platform.subscriptions import Subscription

SUBSCRIPTIONS: tuple[Subscription, ...] = mail.SUBSCRIPTIONS + webhooks.SUBSCRIPTIONS
