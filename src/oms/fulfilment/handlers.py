"""Outbox consumers of the fulfilment context."""

from __future__ import annotations

from oms.platform.subscriptions import Subscription

SUBSCRIPTIONS: tuple[Subscription, ...] = ()
