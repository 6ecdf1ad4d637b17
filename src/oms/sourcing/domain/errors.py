"""Errors of the sourcing context: facts, never HTTP."""

from __future__ import annotations

from oms.shared.errors import Conflict, PreconditionFailed


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


class NoReturnLocation(Conflict):
    """No active location serves the channel, so nothing can receive its returns."""

    code = "no-return-location"
    title = "No location receives returns"

    def __init__(self, channel: str) -> None:
        super().__init__(
            f"channel {channel} has no active location to receive returns", channel=channel
        )
