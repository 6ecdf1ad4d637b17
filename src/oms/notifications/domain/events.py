"""Events of the notifications context (none yet: what it sends is recorded on the order
timeline and in its own delivery rows, not as facts other contexts act on)."""

from __future__ import annotations

from oms.shared.events import Event

EVENTS: tuple[type[Event], ...] = ()
