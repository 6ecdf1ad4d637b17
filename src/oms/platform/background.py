"""Background loops (outbox relay, housekeeping, timers) and how to run them in threads."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Protocol

import structlog

log = structlog.get_logger("oms.background")


class Loop(Protocol):
    def run_until(self, stop: threading.Event, interval: float) -> None: ...


class Periodic:
    """Calls ``action`` every ``interval`` seconds until stopped; an error is logged, not fatal."""

    def __init__(self, name: str, action: Callable[[], object]) -> None:
        self.name = name
        self.action = action

    def run_until(self, stop: threading.Event, interval: float) -> None:
        while not stop.wait(interval):
            try:
                self.action()
            except Exception:
                log.exception("periodic_task_failed", task=self.name)


def start_in_thread(loop: Loop, interval: float, name: str) -> Callable[[], None]:
    """Run a loop in a daemon thread; returns a function that stops it and waits."""
    stop = threading.Event()
    thread = threading.Thread(target=loop.run_until, args=(stop, interval), name=name)
    thread.daemon = True
    thread.start()

    def _stop() -> None:
        stop.set()
        thread.join(timeout=10)

    return _stop
