"""``SUPPRESSIONS``: addresses a mail server refused for good (``mail_suppressions``).

Kept by key (``address_key``: a SHA-256 of the lower-cased address), never the address: the
list must outlive the customer's erasure (a re-registered address that bounces should not be
written to again blindly) without holding anything personal.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol
from uuid import UUID

from sqlalchemy import Connection, select
from sqlalchemy.dialects import postgresql, sqlite

from oms.notifications.domain.messages import address_key
from oms.notifications.tables.mail import mail_suppressions as t
from oms.platform.unit_of_work import Port


class Suppressions(Protocol):
    def suppressed(self, address: str) -> bool:
        """Whether ``address`` was refused for good before."""
        ...

    def suppress(self, address: str, *, reason: str, message_id: UUID, at: datetime) -> None:
        """Remember ``address`` as refused (the first refusal's reason is kept)."""
        ...


class SqlSuppressions:
    def __init__(self, connection: Connection) -> None:
        self.c = connection

    def suppressed(self, address: str) -> bool:
        key = address_key(address)
        found = self.c.execute(select(t.c.address_key).where(t.c.address_key == key)).first()
        return found is not None

    def suppress(self, address: str, *, reason: str, message_id: UUID, at: datetime) -> None:
        dialect = postgresql if self.c.dialect.name == "postgresql" else sqlite
        self.c.execute(
            dialect.insert(t)
            .values(
                address_key=address_key(address),
                reason=reason[:500],
                message_id=message_id,
                recorded_at=at,
            )
            .on_conflict_do_nothing(index_elements=["address_key"])
        )


SUPPRESSIONS: Port[Suppressions] = Port("notifications.suppressions", SqlSuppressions)
