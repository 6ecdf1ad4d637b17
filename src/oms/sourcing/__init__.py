"""Sourcing: which location each order's units come from, by each channel's versioned rules, and
why (every decision is explained).

Public interface for other contexts; everything else in this package is private.
"""

from oms.shared.events import Event

__all__ = ["EVENTS"]

EVENTS: tuple[type[Event], ...] = ()
