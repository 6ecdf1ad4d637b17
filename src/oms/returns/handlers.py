"""Outbox consumers of the returns context."""

from __future__ import annotations

from oms.platform.subscriptions import Subscription

SUBSCRIPTIONS: tuple[Subscription, ...] = ()
