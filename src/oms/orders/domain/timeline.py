"""The order's timeline: who did what, when, with the values before and after."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True, kw_only=True)
class TimelineEntry:
    at: datetime
    actor: str
    kind: str
    summary: str
    details: dict[str, Any] = field(default_factory=dict)
    """``{"before": ..., "after": ...}`` and other facts, JSON-ready."""
