"""Outbox consumers of the payments context (H3 fills this module)."""

from oms.platform.subscriptions import Subscription

SUBSCRIPTIONS: tuple[Subscription, ...] = ()
