"""Outbox consumers of notifications: mail."""

from __future__ import annotations

from oms.platform.subscriptions import Subscription

SUBSCRIPTIONS: tuple[Subscription, ...] = ()
