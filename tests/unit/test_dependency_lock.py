"""The lock files agree with pyproject.toml, so `make install` (which resolves nothing) cannot
quietly install a set that pyproject.toml no longer describes. `make lock` repairs a failure."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
DEV_LOCK = ROOT / "requirements" / "dev.lock"
RUNTIME_LOCK = ROOT / "requirements" / "runtime.lock"
PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[^\s;\\]+)")


def pins(lock: Path) -> dict[str, str]:
    """Package name -> pinned version, for every requirement line of a lock file."""
    found: dict[str, str] = {}
    for line in lock.read_text().splitlines():
        if match := PIN.match(line):
            found[canonicalize_name(match["name"])] = match["version"]
    return found


def requirements(*extras: str) -> list[Requirement]:
    wanted = [Requirement(text) for text in PROJECT["dependencies"]]
    for extra in extras:
        wanted += [Requirement(text) for text in PROJECT["optional-dependencies"][extra]]
    return [r for r in wanted if canonicalize_name(r.name) != PROJECT["name"]]


@pytest.mark.parametrize(
    ("lock", "extras"), [(DEV_LOCK, ("demo", "dev")), (RUNTIME_LOCK, ())], ids=["dev", "runtime"]
)
def test_every_declared_dependency_is_locked_at_a_version_it_allows(
    lock: Path, extras: tuple[str, ...]
) -> None:
    locked = pins(lock)
    stale = []
    for requirement in requirements(*extras):
        version = locked.get(canonicalize_name(requirement.name))
        if version is None or not requirement.specifier.contains(version, prereleases=True):
            stale.append(f"{requirement} (locked: {version or 'missing'})")
    assert not stale, f"{lock.name} is out of date, run `make lock`: {stale}"


def test_the_runtime_lock_pins_the_same_versions_as_the_dev_lock() -> None:
    dev, runtime = pins(DEV_LOCK), pins(RUNTIME_LOCK)
    differ = {name: (version, dev.get(name)) for name, version in runtime.items()}
    assert {n: v for n, v in differ.items() if v[0] != v[1]} == {}


def test_the_runtime_lock_leaves_out_the_demo_and_the_dev_tools() -> None:
    runtime = pins(RUNTIME_LOCK)
    assert "faker" not in runtime
    assert "pytest" not in runtime


def test_every_locked_package_carries_hashes() -> None:
    for lock in (DEV_LOCK, RUNTIME_LOCK):
        blocks = re.split(r"\n(?=[A-Za-z0-9])", lock.read_text())
        unhashed = [b.split()[0] for b in blocks if PIN.match(b) and "--hash=sha256:" not in b]
        assert unhashed == [], f"{lock.name}: {unhashed}"
