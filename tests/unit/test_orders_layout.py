"""The shape issue 7 gave the orders services, checked so that it stays: use cases read top-down.

A use case (placement, holding, ...) never imports another use case; the steps several of them
share (validation, sourcing, repricing, the revision of a change) import no use case; no service
touches the database (no SQLAlchemy, no connection) or hides an import behind TYPE_CHECKING; and
the order has no generic way to rewrite its fields.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from oms.orders.domain import Order

SERVICES = Path(__file__).parents[2] / "src" / "oms" / "orders" / "services"
PACKAGE = "oms.orders.services"
USE_CASES = {
    "placement",
    "holding",
    "cancellation",
    "backorders",
    "queries",
    "erasure",
    "changes.previews",
    "changes.confirmation",
    "payments",
    "fulfilment",
    "rerouting",
    "returns",
    "linking",
    "numbers",
    "desk",
    "insight",
    "references",
}
STEPS = {
    "validation",
    "sourcing",
    "repricing",
    "changes.revision",
    "hold_rules",
    "completion",
}


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(SERVICES).with_suffix("").parts)


MODULES = {
    module_name(path): path for path in sorted(SERVICES.rglob("*.py")) if path.name != "__init__.py"
}


def imported(path: Path) -> set[str]:
    """Modules of the services package that ``path`` imports (``from pkg import module`` too)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            for name in [node.module] + [f"{node.module}.{a.name}" for a in node.names]:
                if name.startswith(PACKAGE + "."):
                    found.add(name.removeprefix(PACKAGE + "."))
        elif isinstance(node, ast.Import):
            found |= {
                a.name.removeprefix(PACKAGE + ".")
                for a in node.names
                if a.name.startswith(PACKAGE + ".")
            }
    return {name for name in found if name in MODULES}


def test_every_services_module_is_a_use_case_or_a_step() -> None:
    assert set(MODULES) <= USE_CASES | STEPS, set(MODULES) - USE_CASES - STEPS


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_services_module_imports_a_use_case(name: str) -> None:
    assert imported(MODULES[name]) & USE_CASES == set()


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_services_module_touches_the_database(name: str) -> None:
    text = MODULES[name].read_text()
    for word in ("sqlalchemy", "connection", "IntegrityError", "TYPE_CHECKING"):
        assert word not in text, f"{name} mentions {word}"


def test_the_order_has_no_generic_way_to_rewrite_its_fields() -> None:
    assert not hasattr(Order, "with_changes")
