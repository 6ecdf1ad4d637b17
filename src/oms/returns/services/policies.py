"""Reading and setting a channel's return policy (``GET/PUT /v1/channels/{code}/return-policy``).

The policy's amounts are in the channel's currency, so the channel is read first (404 for a
channel that does not exist or that a channel key may not see). A change names the version it
was made from (``If-Match``): a stale one is refused with 412 before anything is written, and
the repository's conditional write refuses a writer that raced past the check.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from oms import channels
from oms.platform.unit_of_work import UnitOfWork
from oms.returns.domain.events import ReturnPolicyChanged
from oms.returns.domain.policy import ReturnPolicy
from oms.returns.repository.policies import POLICIES
from oms.shared.versions import ExpectedVersion, check_expected


@dataclass(frozen=True, slots=True, kw_only=True)
class SetReturnPolicy:
    channel: str
    document: Mapping[str, Any]
    """The policy as JSON values (its shape checked at the edge)."""
    expected: ExpectedVersion | None
    actor: str


def get_return_policy(
    channel_code: str, *, uow: UnitOfWork, visible_to: str | None = None
) -> ReturnPolicy:
    """The channel's return policy: the default at version 0 when it never set one."""
    channel = channels.get_channel(channel_code, uow=uow, visible_to=visible_to)
    with uow.read() as tx:
        return tx.repo(POLICIES).get(channel.code, currency=channel.currency)


def set_return_policy(command: SetReturnPolicy, *, uow: UnitOfWork) -> ReturnPolicy:
    """Replace the channel's return policy whole; 422 names every bad field, 412 a stale
    ``If-Match``."""
    channel = channels.get_channel(command.channel, uow=uow)
    with uow.begin() as tx:
        repo = tx.repo(POLICIES)
        current = repo.get(channel.code, currency=channel.currency)
        check_expected(command.expected, "return policy", channel.code, current.version)
        policy = ReturnPolicy.parse(
            command.document, currency=channel.currency, version=current.version
        )
        stored = repo.put(
            channel.code, policy, expected=current.version, actor=command.actor, at=tx.now
        )
        tx.record(
            ReturnPolicyChanged(
                aggregate_id=channel.id,
                channel=channel.code,
                version=stored.version,
                actor=command.actor,
                occurred_at=tx.now,
            )
        )
    return stored
