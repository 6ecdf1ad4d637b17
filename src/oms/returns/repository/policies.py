"""Return policies on SQLAlchemy Core, behind the ``POLICIES`` port.

A policy is one JSON document per channel with a version for ``If-Match``; a channel without a
row has the default policy at version 0. Writes are one conditional statement each: the first
``INSERT`` (version 1) conflicts with a concurrent first write, an ``UPDATE`` names the version
it replaces; either way a lost update is refused with ``StaleVersion`` (412).
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.exc import IntegrityError

from oms.platform.unit_of_work import Port
from oms.returns.domain.policy import ReturnPolicy
from oms.returns.tables.policies import return_policies
from oms.shared.versions import StaleVersion


class Policies(Protocol):
    def get(self, channel: str, *, currency: str) -> ReturnPolicy:
        """The channel's policy (the default at version 0 if it never set one); ``currency``
        is the channel's, the currency of its fixed amounts."""
        ...

    def put(
        self, channel: str, policy: ReturnPolicy, *, expected: int, actor: str, at: datetime
    ) -> ReturnPolicy:
        """Store ``policy`` over version ``expected``; the stored policy (version + 1)."""
        ...


class SqlPolicies:
    """``Policies`` on one connection (one transaction)."""

    def __init__(self, connection: Connection) -> None:
        self.c = connection

    def get(self, channel: str, *, currency: str) -> ReturnPolicy:
        row = self.c.execute(
            select(return_policies.c.policy, return_policies.c.version).where(
                return_policies.c.channel_code == channel
            )
        ).first()
        if row is None:
            return ReturnPolicy.default(currency)
        return ReturnPolicy.parse(row.policy, currency=currency, version=row.version)

    def put(
        self, channel: str, policy: ReturnPolicy, *, expected: int, actor: str, at: datetime
    ) -> ReturnPolicy:
        document = policy.document()
        values = {
            "policy": document,
            "version": expected + 1,
            "updated_at": at,
            "updated_by": actor,
        }
        t = return_policies
        if expected == 0:
            try:
                with self.c.begin_nested():
                    self.c.execute(insert(t).values(channel_code=channel, **values))
            except IntegrityError:
                raise _stale(channel, expected) from None
        else:
            written = self.c.execute(
                update(t).where(t.c.channel_code == channel, t.c.version == expected).values(values)
            ).rowcount
            if written != 1:
                raise _stale(channel, expected)
        return ReturnPolicy.parse(document, currency=policy.currency, version=expected + 1)


def _stale(channel: str, expected: int) -> StaleVersion:
    """Another writer stored a version over ``expected`` since it was read (a lost update)."""
    return StaleVersion("return policy", channel, expected=[expected])


POLICIES: Port[Policies] = Port("returns.policies", SqlPolicies)
