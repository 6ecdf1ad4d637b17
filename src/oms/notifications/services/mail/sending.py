"""Sending queued mail (the worker's mail loop)."""

from __future__ import annotations

from sqlalchemy import Engine

from oms.platform.background import Loop
from oms.platform.settings import Settings
from oms.shared.clock import Clock


def mail_loops(engine: Engine, settings: Settings, clock: Clock) -> list[tuple[str, Loop, float]]:
    """The background loops that send customer mail: (thread name, loop, interval)."""
    del engine, settings, clock
    return []
