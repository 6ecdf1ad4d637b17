"""A process's background work: relay events to publishers and consumers, keep house, release
holds that are due. Embedded mode runs it inside `oms serve`; server mode in `oms worker`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import Engine

from oms import orders
from oms.platform import background, outbox
from oms.platform.housekeeping import Housekeeper
from oms.platform.outbox import Message
from oms.platform.settings import Settings
from oms.platform.subscriptions import Subscribers
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.clock import Clock, SystemClock

HOLD_TIMER_SECONDS = 30.0


def relay(engine: Engine, clock: Clock | None = None) -> outbox.Relay:
    """The relay with every publisher and in-process consumer of this deployment."""
    clock = clock or SystemClock()

    def backorders(message: Message) -> None:
        orders.handle_stock_event(message, uow=UnitOfWork(engine, clock))

    consumers = Subscribers({"inventory.": [backorders]})
    return outbox.Relay(engine, [outbox.LogPublisher(), consumers], clock=clock)


def start(
    engine: Engine, settings: Settings, clock: Clock | None = None, *, with_relay: bool = True
) -> list[Callable[[], None]]:
    """Start the loops in threads; returns their stop functions."""
    clock = clock or SystemClock()
    housekeeper = Housekeeper(
        engine,
        clock=clock,
        idempotency_retention=timedelta(hours=settings.idempotency_retention_hours),
    )
    holds = background.Periodic(
        "release-due-holds", lambda: orders.release_due_holds(uow=UnitOfWork(engine, clock))
    )
    stops = [
        background.start_in_thread(
            housekeeper, settings.housekeeping_interval_seconds, "housekeeping"
        ),
        background.start_in_thread(holds, HOLD_TIMER_SECONDS, "hold-timer"),
    ]
    if with_relay:
        stops.append(
            background.start_in_thread(
                relay(engine, clock), settings.relay_interval_seconds, "relay"
            )
        )
    return stops
