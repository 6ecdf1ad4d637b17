"""Checks that every package under ``src/oms`` sits inside the boundaries that guard it.

A new context is a package beside ``orders``; nothing guards it until someone lists it in the
import-linter contracts (``pyproject.toml``), mounts its router (``oms/app/http.py``) and imports
its tables into the schema registry (``oms/app/schema.py``, which Alembic and the tests build the
schema from). Forgetting one of those is silent: the code works, the guard just is not there.
These functions find what was forgotten; each takes the package to look at as an argument, so
the tests can show them a fake package too (the test of the test).

Kinds of top-level package: the backbone (``shared``, ``platform``) and the composition roots
(``app``, ``console``, ``migrations``) are named below; every other package is a context. A
package inside a context that is not one of its layers is a sub-context (``orders.pricing``) and
needs its own place in the layer contract. Wildcards in the contracts (``oms.**.domain``) cover
every context by construction; lists that name contexts one by one must name all of them.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterable, Mapping, Sequence
from importlib import import_module
from pathlib import Path
from typing import Any

BACKBONE = frozenset({"shared", "platform"})
ROOTS = frozenset({"app", "console", "migrations"})
NOT_LISTS_OF_CONTEXTS = frozenset(
    {"layers", "exhaustive_ignores", "ignore_imports", "allowed_importers"}
)
"""``allowed_importers`` names a chosen few on purpose (the composition roots and the contexts
that read or write the whole schema set-wise, ADR 0014), never every context."""


def children(source: Path, package: str) -> list[str]:
    """Names of the modules and packages directly inside ``package`` (found under ``source``)."""
    directory = source.joinpath(*package.split("."))
    names = {p.stem for p in directory.glob("*.py") if p.stem != "__init__"}
    names |= {p.name for p in directory.iterdir() if (p / "__init__.py").is_file()}
    return sorted(names)


def contexts(source: Path, root: str) -> list[str]:
    """Every top-level package of ``root`` that is neither backbone nor a composition root."""
    return [
        f"{root}.{name}"
        for name in children(source, root)
        if source.joinpath(root, name, "__init__.py").is_file() and name not in BACKBONE | ROOTS
    ]


def layer_names(contracts: Iterable[Mapping[str, Any]]) -> set[str]:
    """The layer names of every layers contract: ``"(api) | (cli)"`` gives api and cli."""
    names: set[str] = set()
    for contract in contracts:
        for layer in contract.get("layers", []):
            for part in layer.replace("|", " ").replace(":", " ").split():
                names.add(part.strip("()"))
    return names


def sub_contexts(source: Path, root: str, contracts: Sequence[Mapping[str, Any]]) -> list[str]:
    """Packages inside a context (at any depth) that are not layers: ``orders.pricing``."""
    layers = layer_names(contracts)
    found: list[str] = []
    pending = contexts(source, root)
    while pending:
        container = pending.pop()
        for name in children(source, container):
            nested = f"{container}.{name}"
            is_package = source.joinpath(*nested.split("."), "__init__.py").is_file()
            if is_package and name not in layers:
                found.append(nested)
                pending.append(nested)
    return sorted(found)


def unlisted_in_contracts(
    source: Path, root: str, contracts: Sequence[Mapping[str, Any]]
) -> list[str]:
    """What the import-linter contracts miss, one sentence per gap."""
    every = set(contexts(source, root))
    nested = set(sub_contexts(source, root, contracts))
    gaps: list[str] = []
    for contract in contracts:
        name = contract.get("name", contract.get("type", "?"))
        for field, values in contract.items():
            if field in NOT_LISTS_OF_CONTEXTS or not isinstance(values, list):
                continue
            if contract.get("type") == "layers" and field == "containers":
                continue  # checked below, sub-contexts included
            named = {v for v in values if isinstance(v, str) and v in every}
            if named:
                gaps += [f"{name}: {field} lacks {c}" for c in sorted(every - named)]
        if contract.get("type") == "layers":
            gaps += _layer_gaps(source, contract, contracts, every, nested)
    return gaps


def _layer_gaps(
    source: Path,
    contract: Mapping[str, Any],
    contracts: Sequence[Mapping[str, Any]],
    every: set[str],
    nested: set[str],
) -> list[str]:
    """A layers contract either ranks the contexts themselves (then it names every one) or
    layers the inside of its containers (then every context and sub-context is a container and
    every module inside one is in a layer)."""
    name = contract.get("name", "layers")
    if "containers" not in contract:
        return [f"{name}: layers lack {c}" for c in sorted(every - layer_names([contract]))]
    layers = layer_names(contracts)
    containers = set(contract.get("containers", []))
    gaps = [f"{name}: containers lacks {c}" for c in sorted((every | nested) - containers)]
    for container in sorted(containers & (every | nested)):
        for child in children(source, container):
            if child not in layers and f"{container}.{child}" not in containers | nested:
                gaps.append(f"{name}: {container}.{child} is in no layer")
    return gaps


def unrouted_apis(
    openapi: Mapping[str, Any], source: Path, root: str, contracts: Sequence[Mapping[str, Any]]
) -> list[str]:
    """Contexts whose ``api.router`` has operations the app does not serve.

    What the app serves is read from its OpenAPI document (``app.openapi()``): the one view of
    the mounted routes that FastAPI keeps stable across versions."""
    served = {
        (method.upper(), path)
        for path, operations in openapi.get("paths", {}).items()
        for method in operations
    }
    gaps: list[str] = []
    for context in contexts(source, root) + sub_contexts(source, root, contracts):
        if "api" not in children(source, context):
            continue
        router = getattr(import_module(f"{context}.api"), "router", None)
        if router is None:
            gaps.append(f"{context}.api has no `router`")
            continue
        missing = [
            f"{method} {route.path_format}"
            for route in router.routes
            if getattr(route, "include_in_schema", False)
            for method in sorted(route.methods - {"HEAD"})
            if (method, route.path_format) not in served
        ]
        if missing:
            gaps.append(f"{context}.api.router is not mounted by the app ({missing[0]}, ...)")
    return sorted(gaps)


def unregistered_tables(root: str, registry: str, metadata: str, path: Sequence[Path]) -> list[str]:
    """Tables that exist in ``root``'s modules but not after importing ``registry`` alone.

    Runs in a fresh interpreter (``path`` first on ``sys.path``), since in this one every module
    may already be imported. ``metadata`` is ``"module:attribute"`` of the shared MetaData."""
    found = subprocess.run(
        [sys.executable, "-c", _FIND_TABLES, root, registry, metadata, *map(str, path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if found.returncode != 0:
        raise RuntimeError(f"could not import every module of {root}:\n{found.stderr}")
    return [
        f"table {table} ({where}) is not imported by {registry}"
        for table, where in json.loads(found.stdout)
    ]


_FIND_TABLES = """
import importlib, json, pkgutil, sys
from sqlalchemy import Table
root, registry, metadata = sys.argv[1:4]
sys.path[:0] = sys.argv[4:]
importlib.import_module(registry)
module_name, attribute = metadata.split(":")
meta = getattr(importlib.import_module(module_name), attribute)
registered = set(meta.tables)
unregistered = {}
roots = tuple(f"{root}.{name}" for name in ("app", "console", "migrations"))
for info in pkgutil.walk_packages(importlib.import_module(root).__path__, root + "."):
    if info.name.startswith(roots):
        continue
    for value in vars(importlib.import_module(info.name)).values():
        if isinstance(value, Table) and value.metadata is meta and value.name not in registered:
            unregistered.setdefault(value.name, info.name)
print(json.dumps(sorted(unregistered.items())))
"""
