"""Outbox consumers of notifications: webhooks."""

from __future__ import annotations

from oms.platform.subscriptions import Subscription

SUBSCRIPTIONS: tuple[Subscription, ...] = ()
