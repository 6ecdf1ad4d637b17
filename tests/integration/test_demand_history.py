"""Demand read from the database after the history import equals demand read from the file:
the same weekly series per SKU, on both databases (the sale and credit lines of a few real
stock codes)."""

from __future__ import annotations

import csv
import io
import lzma
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine

from oms.demand.services.runs import demand_from_database, demand_from_file
from oms.history.domain.reading import ImportFormat
from oms.history.services import ImportHistory, import_history
from oms.platform.unit_of_work import UnitOfWork

DATASET = Path(__file__).resolve().parents[3] / "shared" / "data" / "online_retail.csv.xz"
CODES = {"85123A", "22423", "84879", "21212", "23084", "22086"}


@pytest.fixture(scope="module")
def subset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not DATASET.exists():
        pytest.skip(f"the real dataset is absent ({DATASET})")
    text = lzma.decompress(DATASET.read_bytes()).decode("utf-8")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    kept = [rows[0], *(row for row in rows[1:] if row[1] in CODES)]
    path = tmp_path_factory.mktemp("demand") / "subset.csv"
    with path.open("w", newline="") as out:
        csv.writer(out, lineterminator="\n").writerows(kept)
    return path


def test_the_database_and_the_file_give_the_same_weekly_demand(
    engine: Engine, subset: Path
) -> None:
    import_history(
        ImportHistory(
            content=subset.read_bytes(),
            file_name=subset.name,
            format=ImportFormat.ONLINE_RETAIL,
            channel=None,
            actor="test",
        ),
        uow=UnitOfWork(engine),
    )
    from_db = demand_from_database(UnitOfWork(engine))
    from_file = demand_from_file(subset)
    assert (from_db.first_week, from_db.last_week) == (from_file.first_week, from_file.last_week)
    assert sorted(from_db.units.index) == sorted(CODES)
    pd.testing.assert_frame_equal(from_db.units, from_file.units, check_names=False)
    assert int(from_db.units.to_numpy().sum()) > 10_000
