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


# -- load_all: complete kinds -------------------------------------------------------------


class _Loads:
    def __init__(self, everything: dict[str, int] | None) -> None:
        self.everything = everything
        self.all_calls = 0
        self.asked: list[list[str]] = []

    def load(self, keys: list[str]) -> dict[str, int]:
        self.asked.append(keys)
        return {key: len(key) for key in keys if key != "unknown"}

    def load_all(self) -> dict[str, int] | None:
        self.all_calls += 1
        return None if self.everything is None else dict(self.everything)


def test_a_complete_kind_answers_unknown_keys_without_loading() -> None:
    cache = ReferenceCache()
    loads = _Loads({"a": 1, "bb": 2, "ccc": 3})
    view = cache.view(1)
    assert view.many("sku", ["a", "nope"], loads.load, loads.load_all) == {"a": 1}
    assert cache.is_complete(1, "sku")
    assert view.many("sku", ["bb", "other", "nope"], loads.load, loads.load_all) == {"bb": 2}
    assert cache.view(1).many("sku", ["ccc", "x"], loads.load, loads.load_all) == {"ccc": 3}
    assert loads.all_calls == 1
    assert loads.asked == []
    assert len(cache) == 3


def test_load_all_is_not_called_when_every_key_is_cached() -> None:
    cache = ReferenceCache()
    loads = _Loads({"a": 1})
    view = cache.view(1)
    view.many("sku", ["a"], loads.load)
    assert view.many("sku", ["a"], loads.load, loads.load_all) == {"a": 1}
    assert loads.all_calls == 0


def test_a_kind_too_big_falls_back_to_loading_per_key_and_is_not_asked_again() -> None:
    cache = ReferenceCache()
    loads = _Loads(None)
    view = cache.view(1)
    assert view.many("sku", ["a", "unknown"], loads.load, loads.load_all) == {"a": 1}
    assert view.many("sku", ["bb", "unknown"], loads.load, loads.load_all) == {"bb": 2}
    assert not cache.is_complete(1, "sku")
    assert loads.all_calls == 1
    assert loads.asked == [["a", "unknown"], ["bb"]]


def test_completeness_is_per_kind() -> None:
    cache = ReferenceCache()
    loads = _Loads({"a": 1})
    view = cache.view(1)
    view.many("sku", ["a"], loads.load, loads.load_all)
    assert view.many("other", ["zz"], loads.load) == {"zz": 2}
    assert not cache.is_complete(1, "other")


def test_a_moved_version_drops_completeness() -> None:
    cache = ReferenceCache()
    loads = _Loads({"a": 1})
    cache.view(1).many("sku", ["a"], loads.load, loads.load_all)
    loads.everything = {"a": 1, "new": 3}
    view = cache.view(2)
    assert not cache.is_complete(2, "sku")
    assert view.many("sku", ["new"], loads.load, loads.load_all) == {"new": 3}
    assert loads.all_calls == 2


def test_clear_drops_completeness() -> None:
    cache = ReferenceCache()
    loads = _Loads({"a": 1})
    cache.view(1).many("sku", ["a"], loads.load, loads.load_all)
    cache.clear()
    loads.everything = {"a": 1, "new": 3}
    assert not cache.is_complete(1, "sku")
    assert cache.view(1).many("sku", ["new"], loads.load, loads.load_all) == {"new": 3}
    assert loads.all_calls == 2


def test_the_bound_drops_completeness_with_the_entries() -> None:
    cache = ReferenceCache(max_entries=3)
    loads = _Loads({"a": 1, "b": 1})
    view = cache.view(1)
    view.many("sku", ["a"], loads.load, loads.load_all)
    assert cache.is_complete(1, "sku")
    view.many("other", ["x", "y"], lambda keys: dict.fromkeys(keys, 1))  # overflows: empties
    assert not cache.is_complete(1, "sku")
    loads.everything = {"a": 1, "b": 1, "c": 1}
    assert view.many("sku", ["c"], loads.load, loads.load_all) == {"c": 1}
    assert loads.all_calls == 2


def test_a_whole_set_larger_than_the_cache_is_not_kept() -> None:
    cache = ReferenceCache(max_entries=2)
    loads = _Loads({"a": 1, "b": 1, "c": 1})
    view = cache.view(1)
    assert view.many("sku", ["a", "unknown"], loads.load, loads.load_all) == {"a": 1}
    assert not cache.is_complete(1, "sku")
    assert view.many("sku", ["bb"], loads.load, loads.load_all) == {"bb": 2}
    assert loads.all_calls == 1
    assert loads.asked == [["bb"]]


def test_a_view_of_an_older_version_loads_per_key_and_marks_nothing() -> None:
    cache = ReferenceCache()
    old = cache.view(1)
    cache.view(2)
    loads = _Loads({"a": 1})
    assert old.many("sku", ["a"], loads.load, loads.load_all) == {"a": 1}
    assert loads.all_calls == 0
    assert not cache.is_complete(2, "sku")
    assert len(cache) == 0


def test_without_a_cache_load_all_is_not_used() -> None:
    loads = _Loads({"a": 1})
    assert UNCACHED.many("sku", ["a", "unknown"], loads.load, loads.load_all) == {"a": 1}
    assert loads.all_calls == 0


def test_a_kind_completed_by_another_view_meanwhile_still_finds_its_keys() -> None:
    cache = ReferenceCache()
    loads = _Loads({"a": 1, "bb": 2})
    view = cache.view(1)
    entries_before = cache.lookup_many  # the other thread completes between lookup and check

    def lookup_then_complete(version: int | None, keys: list[object]) -> list[object]:
        found = entries_before(version, keys)  # type: ignore[arg-type]
        cache.store_complete(1, "sku", {("sku", "a"): 1, ("sku", "bb"): 2})
        return found

    cache.lookup_many = lookup_then_complete  # type: ignore[method-assign]
    assert view.many("sku", ["a", "nope"], loads.load, loads.load_all) == {"a": 1}
    assert loads.all_calls == 0


def test_threads_that_miss_together_load_the_whole_kind_once() -> None:
    cache = ReferenceCache()
    started = threading.Event()
    release = threading.Event()
    calls: list[int] = []

    def load_all() -> dict[str, int]:
        calls.append(1)
        started.set()
        release.wait(5)
        return {"a": 1, "bb": 2}

    def never(keys: list[str]) -> dict[str, int]:
        raise AssertionError(f"per-key load of {keys} while the whole kind loads")

    results: list[dict[str, int]] = []

    def buyer(sku: str) -> None:
        results.append(cache.view(1).many("sku", [sku, "nope"], never, load_all))

    first = threading.Thread(target=buyer, args=("a",))
    first.start()
    assert started.wait(5)
    others = [threading.Thread(target=buyer, args=(sku,)) for sku in ("a", "bb", "bb")]
    for thread in others:
        thread.start()
    release.set()
    for thread in [first, *others]:
        thread.join(5)
    assert calls == [1]
    assert sorted(map(sorted, results)) == [["a"], ["a"], ["bb"], ["bb"]]


def test_preload_completes_a_kind_once_and_says_whether_it_could() -> None:
    cache = ReferenceCache()
    loads = _Loads({"a": 1})
    view = cache.view(1)
    assert view.preload("sku", loads.load_all)
    assert view.preload("sku", loads.load_all)
    assert loads.all_calls == 1
    assert view.many("sku", ["a", "nope"], loads.load, loads.load_all) == {"a": 1}
    assert loads.asked == []
    too_big = _Loads(None)
    assert not view.preload("other", too_big.load_all)
    assert not cache.is_complete(1, "other")
    assert UNCACHED.preload("sku", loads.load_all) is False
