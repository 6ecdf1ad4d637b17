"""Fixtures for integration tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from tests.invariants import assert_ledger_balances


@pytest.fixture
def balanced_ledger(engine: Engine) -> Iterator[None]:
    """Use in a module to end each test by checking the stock ledger's invariants."""
    yield
    assert_ledger_balances(engine)
