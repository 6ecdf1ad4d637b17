"""The notifications context's background work, started by the worker (``oms/app/tasks.py``):
sending queued mail and delivering webhooks, each in loops of its own so that a slow SMTP
server or webhook endpoint never holds back the outbox relay."""

from __future__ import annotations

from sqlalchemy import Engine

from oms.notifications.services.mail.sending import mail_loops
from oms.notifications.services.webhooks.dispatching import webhook_loops
from oms.platform.background import Loop
from oms.platform.settings import Settings
from oms.shared.clock import Clock


def background_work(
    engine: Engine, settings: Settings, clock: Clock
) -> list[tuple[str, Loop, float]]:
    """Every loop of this context: (thread name, loop, interval in seconds)."""
    return [*mail_loops(engine, settings, clock), *webhook_loops(engine, settings, clock)]
