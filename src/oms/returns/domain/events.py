"""Events of the returns context (filled in by its owner; see the contract)."""

from __future__ import annotations

from oms.shared.events import Event

EVENTS: tuple[type[Event], ...] = ()
