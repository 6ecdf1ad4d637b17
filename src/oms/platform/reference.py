"""Reference data in memory, invalidated exactly (docs/decisions/0008-reference-data-cache.md).

Reference data is what orders are placed *with*, not what they change: channels and the
locations serving them, variants and their prices, tax rates, shipping zones, hold rules and the
stock settings of SKUs. It changes rarely and is read by every placement, so each process keeps
what it has read in a ``ReferenceCache``.

The rule that keeps it exact: the database holds one number, ``reference_version.version``, and
every change to any table in ``REFERENCE_TABLES`` replaces it, in the changing transaction, by a
trigger (so no writer can forget: services, bulk loads, the demo, migrations and psql alike). A
transaction reads the number once, on its first use of reference data (``Transaction.reference``)
and BEFORE loading anything; if it moved, the process drops everything it cached. Data loaded
after reading a version is never older than that version (under READ COMMITTED too), so nothing
stale is ever served under a version that a later change has replaced.

The number is a fresh random 63-bit value, not a counter: a counter would come back to a value
seen before when a changing transaction rolls back after a reader in its own process cached its
uncommitted data, or when the table is emptied or restored from a backup.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Iterable, Mapping
from typing import Any, Final, TypeVar, cast
from weakref import WeakKeyDictionary

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Connection,
    Engine,
    SmallInteger,
    Table,
    event,
    select,
)

from oms.platform.database import metadata

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

REFERENCE_TABLES: Final = (
    "channels",
    "channel_locations",
    "locations",
    "products",
    "product_variants",
    "variant_prices",
    "inventory_items",
    "hold_rules",
    "tax_rates",
    "shipping_zones",
    "shipping_zone_countries",
    "shipping_rates",
    "sourcing_rules",
)
"""Every table whose changes must move the version: the one list (migration 0008 froze a copy).
A table added here needs its triggers in a new migration; tests/integration/
test_reference_cache.py fails while any listed table lacks them."""

LIVE_COLUMNS: Final[Mapping[str, tuple[str, ...]]] = {
    "inventory_items": ("backordered", "updated_at"),
}
"""Columns of a reference table that are live data: an UPDATE that changes only these leaves the
version alone. ``inventory_items.backordered`` (units waiting per SKU, kept by triggers on
``order_lines``) moves with every backordered placement; moving the version with it would drop
every process's cache on each such order. The cache never holds these columns."""

reference_version = Table(
    "reference_version",
    metadata,
    Column("id", SmallInteger, primary_key=True, autoincrement=False),
    Column("version", BigInteger, nullable=False),
    CheckConstraint("id = 1", name="one_row"),
)
"""One row (id 1): the version of all reference data, replaced by triggers on every change."""

# -- the triggers (frozen copies in migration 0008; the DDL here builds test and fresh schemas) --

_SQLITE_BUMP = (
    "INSERT INTO reference_version (id, version) VALUES (1, random()) "
    "ON CONFLICT (id) DO UPDATE SET version = random()"
)


def sqlite_triggers(table: str, watched: Iterable[str] = ()) -> tuple[str, ...]:
    """SQLite has no statement triggers: one row trigger per operation. With ``watched``
    columns, an UPDATE moves the version only when it sets one of them."""
    columns = ", ".join(watched)
    return tuple(
        f"CREATE TRIGGER IF NOT EXISTS {table}_reference_{op.lower()} AFTER "
        f"{op}{f' OF {columns}' if op == 'UPDATE' and columns else ''} ON {table} "
        f"BEGIN {_SQLITE_BUMP}; END"
        for op in ("INSERT", "UPDATE", "DELETE")
    )


POSTGRESQL_FUNCTION = (
    "CREATE OR REPLACE FUNCTION reference_version_bump() RETURNS trigger "
    "LANGUAGE plpgsql AS $$ BEGIN "
    "IF TG_OP = 'TRUNCATE' THEN NULL; "
    "ELSIF NOT EXISTS (SELECT FROM changed) THEN RETURN NULL; "
    "END IF; "
    "INSERT INTO reference_version (id, version) "
    "VALUES (1, floor(random() * 9007199254740991)::bigint) "
    "ON CONFLICT (id) DO UPDATE SET version = excluded.version; "
    "RETURN NULL; END $$"
)
"""Replace the version, unless the statement changed no row (``INSERT ... ON CONFLICT DO
NOTHING`` that found every row, an UPDATE or DELETE matching none)."""


POSTGRESQL_FUNCTION_UNLESS_LIVE = (
    "CREATE OR REPLACE FUNCTION reference_version_bump_unless_live() RETURNS trigger "
    "LANGUAGE plpgsql AS $$ BEGIN "
    "IF NOT EXISTS (SELECT to_jsonb(n) - TG_ARGV FROM changed AS n "
    "EXCEPT ALL SELECT to_jsonb(o) - TG_ARGV FROM before AS o) THEN RETURN NULL; END IF; "
    "INSERT INTO reference_version (id, version) "
    "VALUES (1, floor(random() * 9007199254740991)::bigint) "
    "ON CONFLICT (id) DO UPDATE SET version = excluded.version; "
    "RETURN NULL; END $$"
)
"""The UPDATE trigger of a table with ``LIVE_COLUMNS`` (its arguments): replace the version
only when some row changed in a column that is not live."""


def postgresql_triggers(table: str) -> tuple[str, ...]:
    """One statement trigger per operation; the transition table tells whether rows changed."""
    transition = {"INSERT": "NEW", "UPDATE": "NEW", "DELETE": "OLD"}
    live = LIVE_COLUMNS.get(table)
    update = (
        f"CREATE OR REPLACE TRIGGER {table}_reference_update AFTER UPDATE ON {table} "
        "REFERENCING OLD TABLE AS before NEW TABLE AS changed FOR EACH STATEMENT "
        f"EXECUTE FUNCTION reference_version_bump_unless_live({', '.join(map(repr, live))})"
        if live
        else None
    )
    return (
        *(
            update
            if op == "UPDATE" and update is not None
            else f"CREATE OR REPLACE TRIGGER {table}_reference_{op.lower()} AFTER {op} ON {table} "
            f"REFERENCING {rows} TABLE AS changed "
            "FOR EACH STATEMENT EXECUTE FUNCTION reference_version_bump()"
            for op, rows in transition.items()
        ),
        f"CREATE OR REPLACE TRIGGER {table}_reference_truncate AFTER TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION reference_version_bump()",
    )


_SEED = {
    "sqlite": "INSERT OR IGNORE INTO reference_version (id, version) VALUES (1, random())",
    "postgresql": "INSERT INTO reference_version (id, version) "
    "VALUES (1, floor(random() * 9007199254740991)::bigint) ON CONFLICT DO NOTHING",
}
"""The first version of a new schema (random too: a new database never repeats an old one)."""


def trigger_names(table: str, dialect: str) -> tuple[str, ...]:
    ops = ("insert", "update", "delete", *(("truncate",) if dialect == "postgresql" else ()))
    return tuple(f"{table}_reference_{op}" for op in ops)


def _create_triggers(target: Any, connection: Connection, **_: Any) -> None:
    """After ``metadata.create_all``: the triggers on every reference table, the first version."""
    dialect = connection.dialect.name
    statements: list[str] = []
    if dialect == "postgresql":
        statements += [POSTGRESQL_FUNCTION, POSTGRESQL_FUNCTION_UNLESS_LIVE]
    for table in REFERENCE_TABLES:
        if table in target.tables:
            watched = _watched(target.tables[table], LIVE_COLUMNS.get(table))
            statements.extend(
                postgresql_triggers(table)
                if dialect == "postgresql"
                else sqlite_triggers(table, watched)
            )
    statements.append(_SEED[dialect])
    for statement in statements:
        connection.exec_driver_sql(statement)


def _watched(table: Table, live: tuple[str, ...] | None) -> tuple[str, ...]:
    """The columns whose UPDATE moves the version (empty: any UPDATE does)."""
    return () if not live else tuple(c.name for c in table.columns if c.name not in live)


def _drop_function(_target: Any, connection: Connection, **_: Any) -> None:
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("DROP FUNCTION IF EXISTS reference_version_bump()")
        connection.exec_driver_sql("DROP FUNCTION IF EXISTS reference_version_bump_unless_live()")


event.listen(metadata, "after_create", _create_triggers)
event.listen(metadata, "after_drop", _drop_function)

# -- the per-process cache -------------------------------------------------------------------

_VERSION = select(reference_version.c.version).where(reference_version.c.id == 1)


def read_version(connection: Connection) -> int | None:
    """The version of reference data this transaction sees (None: no row, nothing is cached)."""
    return cast(int | None, connection.execute(_VERSION).scalar())


PRELOAD_BOUND: Final = 50_000
"""The most rows of one kind a ``load_all`` loads whole (repositories return None past it)."""


class _Absent:
    """Cached knowledge that a key has no value (an unknown SKU, a price not set)."""

    __slots__ = ()


ABSENT: Final = _Absent()


class ReferenceView:
    """Reference data as one transaction sees it: cached entries of its version, or loads.

    Values must be immutable (frozen dataclasses, tuples, frozensets): every thread of the
    process shares them. A view never stores what it loaded once the process's cache has moved
    to another version, and never reads entries of another version.
    """

    __slots__ = ("_cache", "version")

    def __init__(self, cache: ReferenceCache | None, version: int | None) -> None:
        self._cache = cache
        self.version = version

    def get(self, key: Hashable, load: Callable[[], V]) -> V:
        """The value under ``key`` (a tuple starting with its kind), loading it on a miss."""
        cache = self._cache
        if cache is None:
            return load()
        found = cache.lookup(self.version, key)
        if found is not ABSENT:
            return cast(V, found)
        value = load()
        cache.store(self.version, {key: value})
        return value

    def many(
        self,
        kind: str,
        keys: Iterable[K],
        load: Callable[[list[K]], Mapping[K, V]],
        load_all: Callable[[], Mapping[K, V] | None] | None = None,
    ) -> dict[K, V]:
        """Values of ``keys`` that have one; the missing keys are loaded in one call, and that
        they have no value is cached too.

        With ``load_all``, the first miss of ``kind`` in this version calls it once instead: a
        mapping is the whole kind (every entry is stored and the kind is *complete*: a later
        miss means "no value", without loading); None (too many to hold) falls back to ``load``.
        """
        wanted = list(dict.fromkeys(keys))
        cache = self._cache
        if cache is None:
            return dict(load(wanted)) if wanted else {}
        found: dict[K, V] = {}
        missing: list[K] = []
        entries = cache.lookup_many(self.version, [(kind, key) for key in wanted])
        for key, entry in zip(wanted, entries, strict=True):
            if entry is ABSENT:
                missing.append(key)
            elif entry is not _NONE:
                found[key] = cast(V, entry)
        if not missing:
            return found
        if load_all is not None:
            whole = self._from_whole_kind(kind, missing, load_all)
            if whole is not None:
                found.update(whole)
                return found
        loaded = load(missing)
        cache.store(self.version, {(kind, key): loaded.get(key, _NONE) for key in missing})
        found.update((key, loaded[key]) for key in missing if key in loaded)
        return found

    def _from_whole_kind(
        self, kind: str, missing: list[K], load_all: Callable[[], Mapping[K, V] | None]
    ) -> dict[K, V] | None:
        """The values of ``missing`` from the whole kind (loading it if nobody has in this
        version); None when the kind is too big to load whole: load per key."""
        cache = self._cache
        assert cache is not None
        keys: list[Hashable] = [(kind, key) for key in missing]
        # state and entries read together: another thread may have completed the kind (or
        # dropped it) since the caller's lookup
        state, entries = cache.kind_lookup(self.version, kind, keys)
        if state is None:
            complete, loaded = self._load_whole(kind, load_all)
            if loaded is not None:  # this thread loaded it (kept, or too big to keep)
                return {key: loaded[key] for key in missing if key in loaded}
            if not complete:
                return None
            state, entries = cache.kind_lookup(self.version, kind, keys)  # loaded meanwhile
        if state != _COMPLETE:
            return None
        return {
            key: cast(V, entry)
            for key, entry in zip(missing, entries, strict=True)
            if entry is not ABSENT and entry is not _NONE
        }

    def preload(self, kind: str, load_all: Callable[[], Mapping[K, V] | None]) -> bool:
        """Load the whole of ``kind`` now unless it is complete (or known too big) in this
        version: a server warms its cache before it reports ready. True if it is complete."""
        cache = self._cache
        if cache is None:
            return False
        return self._load_whole(kind, load_all)[0]

    def _load_whole(
        self, kind: str, load_all: Callable[[], Mapping[K, V] | None]
    ) -> tuple[bool, Mapping[K, V] | None]:
        """Load the whole of ``kind`` unless that is done: whether it is complete now, and the
        whole set if this thread loaded it. One thread at a time: threads that miss together
        while it loads wait for it instead of each loading the catalogue again."""
        cache = self._cache
        assert cache is not None
        everything: Mapping[K, V] | None = None
        with cache.loading(kind):
            if cache.kind_state(self.version, kind) is None:
                everything = load_all()
                if everything is None:
                    cache.mark_too_big(self.version, kind)
                else:
                    cache.store_complete(
                        self.version, kind, {(kind, key): v for key, v in everything.items()}
                    )
        return cache.is_complete(self.version, kind), everything


_COMPLETE: Final = "complete"
_TOO_BIG: Final = "too big"


class _None:
    __slots__ = ()


_NONE: Final = _None()
"""Stored for a key ``many`` looked up and the database did not have."""

UNCACHED: Final = ReferenceView(None, None)
"""A view that always loads (fake transactions, a database without the version row)."""


class ReferenceCache:
    """One process's reference data, all of one version; shared by every thread.

    ``max_entries`` bounds memory: past it the cache is emptied and refills with what is read
    (a catalogue larger than the bound costs reads, never stale data).
    """

    def __init__(self, *, max_entries: int = 200_000) -> None:
        self.max_entries = max_entries
        self._lock = threading.Lock()
        self._version: int | None = None
        self._entries: dict[Hashable, object] = {}
        self._kinds: dict[str, str] = {}
        """Kinds whose whole set was asked for in this version: complete, or too big."""
        self._loads: dict[str, threading.Lock] = {}
        """One lock per kind, held while a thread loads the whole kind."""
        self.hits = 0
        self.misses = 0
        self.drops = 0
        """How many times the cache emptied itself (a moved version, or the bound)."""

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def version(self) -> int | None:
        return self._version

    def view(self, version: int | None) -> ReferenceView:
        """The view of a transaction that read ``version``; drops everything if it moved."""
        if version is None:
            return UNCACHED
        with self._lock:
            if version != self._version:
                if self._entries:
                    self.drops += 1
                self._entries = {}
                self._kinds = {}
                self._version = version
        return ReferenceView(self, version)

    def clear(self) -> None:
        with self._lock:
            self._entries = {}
            self._kinds = {}
            self._version = None

    def lookup(self, version: int | None, key: Hashable) -> object:
        with self._lock:
            if version != self._version:
                self.misses += 1
                return ABSENT
            found = self._entries.get(key, ABSENT)
            if found is ABSENT:
                self.misses += 1
            else:
                self.hits += 1
            return found

    def lookup_many(self, version: int | None, keys: list[Hashable]) -> list[object]:
        with self._lock:
            if version != self._version:
                self.misses += len(keys)
                return [ABSENT] * len(keys)
            entries = self._entries
            found = [entries.get(key, ABSENT) for key in keys]
            missed = found.count(ABSENT)
            self.misses += missed
            self.hits += len(found) - missed
            return found

    def store(self, version: int | None, values: Mapping[Hashable, object]) -> None:
        """Keep ``values`` loaded under ``version``, unless the cache has moved on since."""
        with self._lock:
            if version != self._version:
                return
            if len(self._entries) + len(values) > self.max_entries:
                self.drops += 1
                self._entries = {}
                self._kinds = {}
            self._entries.update(values)

    def kind_state(self, version: int | None, kind: str) -> str | None:
        """Whether ``kind`` is complete in ``version`` (``"complete"``), known too big to load
        whole (``"too big"``), or not tried yet (None)."""
        with self._lock:
            if version != self._version:
                return _TOO_BIG  # a view of an older version: load per key, store nothing
            return self._kinds.get(kind)

    def kind_lookup(
        self, version: int | None, kind: str, keys: list[Hashable]
    ) -> tuple[str | None, list[object]]:
        """``kind_state`` and, if the kind is complete, the entries under ``keys`` (one lock)."""
        with self._lock:
            if version != self._version:
                return _TOO_BIG, []
            state = self._kinds.get(kind)
            if state != _COMPLETE:
                return state, []
            return state, [self._entries.get(key, ABSENT) for key in keys]

    def loading(self, kind: str) -> threading.Lock:
        """The lock to hold while loading the whole of ``kind``."""
        with self._lock:
            return self._loads.setdefault(kind, threading.Lock())

    def is_complete(self, version: int | None, kind: str) -> bool:
        return self.kind_state(version, kind) == _COMPLETE

    def store_complete(
        self, version: int | None, kind: str, values: Mapping[Hashable, object]
    ) -> None:
        """Keep the whole set of ``kind`` and mark it complete, unless the cache has moved on,
        or the set does not fit under ``max_entries`` (then it is not kept)."""
        with self._lock:
            if version != self._version:
                return
            if len(values) > self.max_entries:
                self._kinds.setdefault(kind, _TOO_BIG)
                return
            if len(self._entries) + len(values) > self.max_entries:
                self.drops += 1
                self._entries = {}
                self._kinds = {}
            self._entries.update(values)
            self._kinds[kind] = _COMPLETE

    def mark_too_big(self, version: int | None, kind: str) -> None:
        """Remember that the whole set of ``kind`` is too big: misses load per key."""
        with self._lock:
            if version == self._version:
                self._kinds.setdefault(kind, _TOO_BIG)


_BY_ENGINE: WeakKeyDictionary[Engine, ReferenceCache] = WeakKeyDictionary()
_BY_ENGINE_LOCK = threading.Lock()


def cache_for(engine: Engine) -> ReferenceCache:
    """The process's one cache for the database behind ``engine``."""
    found = _BY_ENGINE.get(engine)
    if found is not None:
        return found
    with _BY_ENGINE_LOCK:
        found = _BY_ENGINE.get(engine)
        if found is None:
            found = _BY_ENGINE[engine] = ReferenceCache()
        return found
