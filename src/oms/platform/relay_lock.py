"""Locks that let one relay pass run at a time per database, across every process.

The relay's pass (fan-out and the shared subscribers) has one lock; each dedicated subscriber's
loop has one of its own, derived from its consumer name, so they run beside each other but never
twice at once (``oms serve --workers 2`` and ``oms worker`` processes all start relays).
"""

from __future__ import annotations

import fcntl
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, text


@dataclass(frozen=True, slots=True)
class PassLock:
    """Lets one pass at a time run per database: the relay's, or one dedicated subscriber's.

    PostgreSQL: a session advisory lock on ``key``, so any number of ``oms worker`` and ``oms
    serve`` processes may run relays. SQLite: an exclusive lock on a file beside the database
    (``oms serve --workers 2`` starts a relay in each worker process); flock locks belong to
    the open file, so two loops of one process exclude each other too.
    """

    key: int
    suffix: str

    @classmethod
    def of_subscriber(cls, consumer: str) -> PassLock:
        """A dedicated subscriber's lock: a 64-bit key hashed from its name (stable across
        processes and releases), and ``<database>-relay-<consumer>.lock``."""
        digest = hashlib.blake2b(consumer.encode(), digest_size=8, person=b"oms-relay").digest()
        return cls(int.from_bytes(digest, "big", signed=True), f"-relay-{consumer}.lock")

    @contextmanager
    def held(self, engine: Engine) -> Iterator[bool]:
        """Whether this pass may run; the lock is held until the block ends."""
        if engine.dialect.name == "postgresql":
            with engine.connect() as guard:
                locked = guard.execute(
                    text("SELECT pg_try_advisory_lock(:key)"), {"key": self.key}
                ).scalar_one()
                guard.commit()
                try:
                    yield bool(locked)
                finally:
                    if locked:
                        guard.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": self.key})
                        guard.commit()
            return
        path = engine.url.database
        if not path or path == ":memory:":
            yield True
            return
        with Path(f"{path}{self.suffix}").open("a") as lock_file:
            try:
                fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(lock_file, fcntl.LOCK_UN)


RELAY_LOCK = PassLock(0x6F6D73_0001, "-relay.lock")
"""The relay's pass: "oms" + 1 as the advisory lock id."""
