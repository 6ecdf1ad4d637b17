"""Errors of the sourcing context: facts, never HTTP."""

from __future__ import annotations

from oms.shared.errors import PreconditionFailed


class RulesChanged(PreconditionFailed):
    """Another change stored the channel's next rules version first."""

    code = "stale-version"
    title = "The record has changed"

    def __init__(self, channel: str, version: int) -> None:
        super().__init__(
            f"the sourcing rules of {channel} changed after version {version} was read; "
            "reload and retry",
            expected_versions=[version],
        )
