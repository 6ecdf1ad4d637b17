"""The order's timeline: who did what, when, with the values before and after."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

SUMMARY_LENGTH = 500
"""A summary is one line for people, stored in a column this wide; the facts live in
``details``, so a longer summary (a long note, hundreds of lines listed) is shortened."""


@dataclass(frozen=True, slots=True, kw_only=True)
class TimelineEntry:
    at: datetime
    actor: str
    kind: str
    summary: str
    details: dict[str, Any] = field(default_factory=dict)
    """``{"before": ..., "after": ...}`` and other facts, JSON-ready."""

    def __post_init__(self) -> None:
        if len(self.summary) > SUMMARY_LENGTH:
            object.__setattr__(self, "summary", self.summary[: SUMMARY_LENGTH - 1] + "…")
