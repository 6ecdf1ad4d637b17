"""Every package under src/oms is guarded: listed in every import contract, its routes served,
its tables in the schema registry. And the checks themselves catch a package that is not: a
fake package tree with a context nobody listed is reported by each of them."""

from __future__ import annotations

import json
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import create_engine

from oms.app.http import create_app
from oms.platform.settings import Settings
from tests.boundaries import (
    contexts,
    sub_contexts,
    unlisted_in_contracts,
    unregistered_tables,
    unrouted_apis,
)

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "src"
CONTRACTS: list[dict[str, Any]] = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"][
    "importlinter"
]["contracts"]


def test_the_checks_see_the_contexts_of_oms() -> None:
    assert {"oms.orders", "oms.inventory", "oms.auth"} <= set(contexts(SOURCE, "oms"))
    assert "oms.orders.pricing" in sub_contexts(SOURCE, "oms", CONTRACTS)
    assert "oms.platform" not in contexts(SOURCE, "oms")


def test_every_context_is_listed_in_every_import_contract() -> None:
    assert unlisted_in_contracts(SOURCE, "oms", CONTRACTS) == []


def test_every_context_with_routes_is_mounted_by_the_app() -> None:
    app = create_app(Settings(), engine=create_engine("sqlite://"), run_relay=False)
    assert unrouted_apis(app.openapi(), SOURCE, "oms", CONTRACTS) == []


def test_every_table_is_in_the_schema_registry_that_migrations_compare_with() -> None:
    registry = ("oms", "oms.app.schema", "oms.platform.database:metadata")
    assert unregistered_tables(*registry, [SOURCE]) == []


# The test of the test: a package like oms, with a context `loyalty` that nobody listed,
# mounted or registered, a sub-context `orders.shipping` and a stray module `orders.helpers`.

ROUTES = """
from fastapi import APIRouter
router = APIRouter()
@router.get("/v1/{name}")
def read() -> None: ...
"""
TABLE = """
from sqlalchemy import Column, Integer, Table
from fakeoms.platform.database import metadata
{name} = Table("{name}", metadata, Column("id", Integer, primary_key=True))
"""
FAKE_TREE = {
    "platform/database.py": "from sqlalchemy import MetaData\nmetadata = MetaData()\n",
    "app/schema.py": "from fakeoms.orders import tables\n",
    "orders/api.py": ROUTES.format(name="orders"),
    "orders/tables.py": TABLE.format(name="orders"),
    "orders/domain.py": "",
    "orders/helpers.py": "",
    "orders/shipping/api.py": ROUTES.format(name="shipments"),
    "loyalty/api.py": ROUTES.format(name="loyalty"),
    "loyalty/tables.py": TABLE.format(name="loyalty"),
}


@pytest.fixture(scope="module")
def fake_source(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    source = tmp_path_factory.mktemp("fake-source")
    for relative, text in FAKE_TREE.items():
        path = source / "fakeoms" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        for package in path.relative_to(source).parents:
            if package != Path("."):
                (source / package / "__init__.py").touch()
        path.write_text(text)
    sys.path.insert(0, str(source))
    try:
        yield source
    finally:
        sys.path.remove(str(source))
        for name in [m for m in sys.modules if m == "fakeoms" or m.startswith("fakeoms.")]:
            del sys.modules[name]


def fake_contracts() -> list[dict[str, Any]]:
    """oms's own contracts, as they would read for the fake package."""
    contracts: list[dict[str, Any]] = json.loads(
        json.dumps(CONTRACTS).replace('"oms.', '"fakeoms.')
    )
    return contracts


def test_the_contract_check_reports_an_unlisted_context_sub_context_and_stray_module(
    fake_source: Path,
) -> None:
    gaps = unlisted_in_contracts(fake_source, "fakeoms", fake_contracts())
    interface = "Contexts are reached only through their package interface"
    layers = "Layers inside each context"
    assert sorted(gaps) == sorted(
        [
            f"{interface}: containers lacks fakeoms.loyalty",
            f"{layers}: containers lacks fakeoms.loyalty",
            f"{layers}: containers lacks fakeoms.orders.shipping",
            f"{layers}: fakeoms.orders.helpers is in no layer",
            "Contexts depend downward: layers lack fakeoms.loyalty",
            "The backbone knows no context: forbidden_modules lacks fakeoms.loyalty",
            "Only the composition roots import the composition roots: "
            "source_modules lacks fakeoms.loyalty",
        ]
    )


def test_the_router_check_reports_routes_the_app_does_not_serve(fake_source: Path) -> None:
    from fakeoms.orders import api  # type: ignore[import-not-found]

    app = FastAPI()
    app.include_router(api.router)
    assert unrouted_apis(app.openapi(), fake_source, "fakeoms", fake_contracts()) == [
        "fakeoms.loyalty.api.router is not mounted by the app (GET /v1/loyalty, ...)",
        "fakeoms.orders.shipping.api.router is not mounted by the app (GET /v1/shipments, ...)",
    ]


def test_the_registry_check_reports_a_table_the_schema_does_not_import(fake_source: Path) -> None:
    registry = ("fakeoms", "fakeoms.app.schema", "fakeoms.platform.database:metadata")
    assert unregistered_tables(*registry, [fake_source]) == [
        "table loyalty (fakeoms.loyalty.tables) is not imported by fakeoms.app.schema"
    ]
