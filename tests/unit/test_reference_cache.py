"""The per-process reference cache: one version at a time, never a value of another version."""

from __future__ import annotations

import random
import threading

from oms.platform.reference import UNCACHED, ReferenceCache


def test_a_view_loads_once_and_then_answers_from_the_cache() -> None:
    cache = ReferenceCache()
    loads: list[str] = []

    def load() -> str:
        loads.append("x")
        return "value"

    assert cache.view(7).get(("k",), load) == "value"
    assert cache.view(7).get(("k",), load) == "value"
    assert loads == ["x"]
    assert (cache.hits, cache.misses) == (1, 1)


def test_a_moved_version_drops_everything() -> None:
    cache = ReferenceCache()
    cache.view(1).get(("k",), lambda: "old")
    assert cache.view(2).get(("k",), lambda: "new") == "new"
    assert cache.version == 2
    assert len(cache) == 1
    assert cache.drops == 1


def test_a_view_of_an_older_version_neither_reads_nor_stores_the_newer_entries() -> None:
    cache = ReferenceCache()
    old = cache.view(1)
    new = cache.view(2)  # another transaction saw a newer version meanwhile
    assert new.get(("k",), lambda: "new") == "new"
    assert old.get(("k",), lambda: "old") == "old"
    assert new.get(("k",), lambda: "never loaded") == "new"


def test_many_loads_only_what_is_missing_and_remembers_absences() -> None:
    cache = ReferenceCache()
    asked: list[list[str]] = []

    def load(keys: list[str]) -> dict[str, int]:
        asked.append(keys)
        return {key: len(key) for key in keys if key != "unknown"}

    view = cache.view(1)
    assert view.many("sku", ["a", "bb", "unknown"], load) == {"a": 1, "bb": 2}
    assert view.many("sku", ["a", "unknown", "ccc", "a"], load) == {"a": 1, "ccc": 3}
    assert asked == [["a", "bb", "unknown"], ["ccc"]]


def test_a_value_of_none_is_cached_as_such() -> None:
    cache = ReferenceCache()
    loads = []
    for _ in range(2):
        assert cache.view(1).get(("channel", "gone"), lambda: loads.append(1)) is None
    assert loads == [1]


def test_the_bound_empties_the_cache_instead_of_growing() -> None:
    cache = ReferenceCache(max_entries=3)
    view = cache.view(1)
    view.many("sku", ["a", "b", "c"], lambda keys: dict.fromkeys(keys, 1))
    view.many("sku", ["d"], lambda keys: dict.fromkeys(keys, 1))
    assert len(cache) == 1


def test_no_version_means_no_cache() -> None:
    cache = ReferenceCache()
    assert cache.view(None) is UNCACHED
    loads = []
    for _ in range(2):
        UNCACHED.get(("k",), lambda: loads.append(1))
    assert len(loads) == 2
    assert len(cache) == 0


def test_threads_never_see_a_value_of_another_version() -> None:
    """Values are (version, key): whatever any thread gets must be of its own view's version."""
    cache = ReferenceCache(max_entries=50)
    wrong: list[tuple[int, object]] = []

    def work(seed: int) -> None:
        rng = random.Random(seed)
        for _ in range(3000):
            version = rng.choice((1, 2, 3))
            view = cache.view(version)
            key = rng.randrange(20)
            got = view.get(("k", key), lambda v=version, k=key: (v, k))  # type: ignore[misc]
            many = view.many("m", [key, key + 1], lambda keys, v=version: {k: v for k in keys})  # type: ignore[misc]
            if got != (version, key) or set(many.values()) != {version}:
                wrong.append((version, got))

    threads = [threading.Thread(target=work, args=(seed,)) for seed in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert wrong == []
