"""Importing a real sample of the UCI Online Retail file (its first 15,000 lines and the credit
notes of those customers from the rest of the year) on SQLite and PostgreSQL: the counts
match figures computed here from the sample itself, a rerun changes nothing, totals add up, the
orders read through the orders context, no stock moves; the API's upload, job, poll and
rejects; bad uploads refused."""

from __future__ import annotations

import csv
import io
import lzma
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from oms import orders
from oms.app import tasks
from oms.history.domain.reading import ImportFormat
from oms.history.services import ImportHistory, import_history
from oms.history.tables import history_credits, history_documents
from oms.inventory.tables import stock_movements
from oms.orders.tables import order_charges, order_lines
from oms.orders.tables import orders as orders_table
from oms.platform import jobs
from oms.platform.unit_of_work import UnitOfWork
from oms.returns.tables.returns import return_lines, returns
from oms.shared.clock import SystemClock

DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "online_retail.csv.xz"
FIRST = 15_000
LATER_CREDITS = 400
NOT_GOODS = {"POST", "DOT", "C2", "D", "M", "BANK CHARGES", "AMAZONFEE", "CRUK", "S", "B"}


@pytest.fixture(scope="module")
def sample() -> bytes:
    """The first lines of the real file, plus later credit notes of the same customers."""
    if not DATA.exists():
        pytest.skip(f"the real dataset is absent ({DATA})")
    text = lzma.decompress(DATA.read_bytes()).decode("utf-8")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header, first, rest = rows[0], rows[1 : FIRST + 1], rows[FIRST + 1 :]
    customers = {row[6] for row in first if row[6]}
    later = [r for r in rest if r[0].startswith("C") and r[6] in customers][:LATER_CREDITS]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, *first, *later])
    return out.getvalue().encode("utf-8")


def _rows(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"), newline="")))


def _expected(content: bytes) -> dict[str, Any]:
    """Figures of the sample, computed here without the importer's code."""
    rows = _rows(content)
    sales = [r for r in rows if r["InvoiceNo"][0].isdigit() and int(r["Quantity"]) > 0]
    return {
        "orders": len({r["InvoiceNo"] for r in sales}),
        "order_lines": sum(1 for r in sales if r["StockCode"].upper() not in NOT_GOODS),
        "charges": sum(1 for r in sales if r["StockCode"].upper() in NOT_GOODS),
        "rejects": sum(1 for r in rows if r["InvoiceNo"][0].isdigit() and int(r["Quantity"]) < 0),
        "customers": len({r["CustomerID"] for r in rows if r["CustomerID"]}),
        "quantity": sum(int(r["Quantity"]) for r in rows),
        "amount": sum(Decimal(r["UnitPrice"]) * int(r["Quantity"]) for r in rows),
        "documents": len({r["InvoiceNo"] for r in rows}),
    }


def _import(engine: Engine, content: bytes) -> dict[str, Any]:
    outcome = import_history(
        ImportHistory(
            content=content,
            file_name="sample.csv",
            format=ImportFormat.ONLINE_RETAIL,
            channel=None,
            actor="test",
        ),
        uow=UnitOfWork(engine),
    )
    return {"summary": outcome.summary, "rejects": outcome.rejects_csv}


def _count(engine: Engine, table: Any) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


TABLES = (orders_table, order_lines, order_charges, returns, return_lines, history_credits)


def test_a_real_sample_imports_with_the_figures_of_the_sample(
    engine: Engine, sample: bytes
) -> None:
    expected = _expected(sample)
    done = _import(engine, sample)
    summary = done["summary"]
    assert summary["channel_created"] is True
    assert summary["file"]["documents"] == expected["documents"]
    assert summary["file"]["quantity"] == expected["quantity"]
    assert Decimal(summary["file"]["amount"]) == expected["amount"]
    imported = summary["imported"]
    assert imported["orders"] == expected["orders"] == _count(engine, orders_table)
    assert imported["order_lines"] == expected["order_lines"] == _count(engine, order_lines)
    assert imported["charges"] == expected["charges"] == _count(engine, order_charges)
    assert imported["rejects"] == expected["rejects"]
    assert imported["customers_created"] == expected["customers"] + 1  # and the guest
    assert imported["returns"] > 0
    assert imported["returns"] == _count(engine, returns)
    assert imported["credits"] == _count(engine, history_credits)
    # every unit and every penny of the file is somewhere: sold, charged, returned, credited
    # or rejected (the rounding of fractions of a penny said apart)
    with engine.connect() as conn:
        units = conn.execute(select(func.sum(order_lines.c.quantity))).scalar_one()
        charged = conn.execute(select(func.sum(order_charges.c.quantity))).scalar_one() or 0
        given_back = conn.execute(select(func.sum(return_lines.c.quantity))).scalar_one()
        credited = conn.execute(select(func.sum(history_credits.c.quantity))).scalar_one()
    assert (
        units + charged - given_back + credited + imported["rejected_units"] == expected["quantity"]
    )
    assert Decimal(imported["net_minor"]) - Decimal(imported["rounding_minor"]) == (
        expected["amount"] * 100
        - sum(
            Decimal(r["UnitPrice"]) * int(r["Quantity"]) * 100
            for r in _rows(sample)
            if r["InvoiceNo"][0].isdigit() and int(r["Quantity"]) < 0
        )
    )
    lines = done["rejects"].splitlines()
    assert lines[0] == "row,document,field,reason"
    assert len(lines) == 1 + expected["rejects"]
    for row in list(csv.reader(lines))[1:]:
        assert row[2] == "Quantity"
        assert row[3].startswith("negative quantity outside a credit note")


def test_rerunning_the_same_file_changes_nothing(engine: Engine, sample: bytes) -> None:
    _import(engine, sample)
    before = [_count(engine, table) for table in TABLES]
    again = _import(engine, sample)["summary"]
    assert again["channel_created"] is False
    assert again["imported"]["orders"] == 0
    assert again["imported"]["documents_skipped"] == _count(engine, history_documents)
    assert [_count(engine, table) for table in TABLES] == before


def test_imported_orders_add_up_and_read_through_the_orders_context(
    engine: Engine, sample: bytes
) -> None:
    _import(engine, sample)
    with engine.connect() as conn:
        lines = dict(
            conn.execute(
                select(order_lines.c.order_id, func.sum(order_lines.c.total_minor)).group_by(
                    order_lines.c.order_id
                )
            ).all()
        )
        charges = dict(
            conn.execute(
                select(order_charges.c.order_id, func.sum(order_charges.c.amount_minor)).group_by(
                    order_charges.c.order_id
                )
            ).all()
        )
        totals = conn.execute(select(orders_table.c.id, orders_table.c.total_minor)).all()
        returned_id = conn.execute(select(returns.c.order_id).limit(1)).scalar_one()
        moved = conn.execute(select(func.count()).select_from(stock_movements)).scalar_one()
    assert moved == 0
    for order_id, total in totals:
        assert lines.get(order_id, 0) + charges.get(order_id, 0) == total
    uow = UnitOfWork(engine)
    order = orders.get_order(returned_id, uow=uow)
    assert order.status is orders.OrderStatus.COMPLETED
    assert order.return_status in (
        orders.OrderReturnStatus.PARTIALLY_RETURNED,
        orders.OrderReturnStatus.RETURNED,
    )
    assert all(line.delivered_quantity == line.quantity for line in order.lines)
    order.check_invariants()
    assert order.number.startswith("H-")


def _generic(*rows: str) -> bytes:
    header = (
        "order_id,kind,placed_at,customer_id,email,name,country,currency,sku,product_name,"
        "quantity,unit_price,line_kind,original_order_id"
    )
    return "\n".join([header, *rows]).encode()


def test_the_generic_format_imports_orders_charges_and_a_matched_credit(engine: Engine) -> None:
    from oms import channels

    channels.create_channel(
        channels.CreateChannel(
            code="shop", name="Shop", kind=channels.ChannelKind.WEB, currency="EUR",
            default_locale="de-DE",
        ),
        uow=UnitOfWork(engine),
    )  # fmt: skip
    content = _generic(
        "1001,order,2024-03-01T10:00:00+01:00,c1,ann@example.com,Ann,DE,EUR,MUG-1,Mug,2,9.99,product,",
        "1001,order,2024-03-01T10:00:00+01:00,c1,ann@example.com,Ann,DE,EUR,SHIP,Postage,1,4.90,shipping,",
        "1001,order,2024-03-01T10:00:00+01:00,c1,ann@example.com,Ann,DE,EUR,WELCOME,Welcome,1,2.00,discount,",
        "R-1,credit,2024-03-05T09:00:00Z,c1,ann@example.com,Ann,DE,EUR,MUG-1,Mug,-1,9.99,product,1001",
        "1002,order,not-a-date,c1,ann@example.com,Ann,DE,EUR,MUG-1,Mug,1,9.99,product,",
    )
    outcome = import_history(
        ImportHistory(
            content=content, file_name="g.csv", format=ImportFormat.GENERIC, channel="shop",
            actor="test",
        ),
        uow=UnitOfWork(engine),
    )  # fmt: skip
    imported = outcome.summary["imported"]
    assert (imported["orders"], imported["order_lines"], imported["charges"]) == (1, 1, 2)
    assert (imported["returns"], imported["units_returned"], imported["credits"]) == (1, 1, 0)
    assert outcome.rejects_csv.splitlines()[1].startswith("6,1002,placed_at,")
    with engine.connect() as conn:
        row = conn.execute(select(orders_table)).one()
    assert (row.subtotal_minor, row.shipping_minor, row.discount_minor) == (1998, 490, 200)
    assert row.total_minor == 1998 + 490 - 200
    assert (row.currency, row.customer_email, row.amount_refunded_minor) == (
        "EUR", "ann@example.com", 999,
    )  # fmt: skip
    assert row.placed_at.isoformat() == "2024-03-01T09:00:00+00:00"


def test_the_generic_formats_category_files_the_products_it_creates(engine: Engine) -> None:
    from oms import catalog, channels

    uow = UnitOfWork(engine)
    channels.create_channel(
        channels.CreateChannel(
            code="shop",
            name="Shop",
            kind=channels.ChannelKind.WEB,
            currency="EUR",
            default_locale="en",
        ),
        uow=uow,
    )
    header = "order_id,placed_at,currency,sku,product_name,category,quantity,unit_price"
    content = "\n".join([
        header,
        "7,2024-03-01T10:00:00Z,EUR,MUG-1,Mug, Home>Kitchen ,1,9.99",
        "7,2024-03-01T10:00:00Z,EUR,PEN-1,Pen,,1,1.50",
        "8,2024-03-02T10:00:00Z,EUR,CUP-1,Cup,Home > > Kitchen,1,3.00",
    ]).encode()  # fmt: skip
    outcome = import_history(
        ImportHistory(
            content=content, file_name="c.csv", format=ImportFormat.GENERIC, channel="shop",
            actor="test",
        ),
        uow=uow,
    )  # fmt: skip
    assert outcome.summary["imported"]["orders"] == 1
    assert outcome.rejects_csv.splitlines()[1].startswith("4,8,category,")
    filed = {
        v.sku: p.category
        for p in catalog.list_products(uow=uow, after=None, limit=10)
        for v in p.variants
    }
    assert filed == {"MUG-1": "Home > Kitchen", "PEN-1": None}


def _wait_for_job(engine: Engine, job_id: str) -> None:
    runner = jobs.Runner(engine, tasks.job_handlers(engine, SystemClock()))
    runner()


def test_an_upload_is_queued_run_by_the_worker_and_polled_to_its_summary(
    engine: Engine, client: TestClient, admin: dict[str, str], sample: bytes
) -> None:
    head = b"\n".join(sample.split(b"\n")[:2001])
    created = client.post(
        "/v1/imports",
        headers=admin,
        files={"file": ("head.csv", head, "text/csv")},
        data={"format": "online-retail"},
    )
    assert created.status_code == 202, created.text
    job = created.json()
    assert job["status"] == "queued"
    _wait_for_job(engine, job["id"])
    polled = client.get(f"/v1/imports/{job['id']}", headers=admin).json()
    assert polled["status"] == "succeeded", polled
    assert polled["progress"]["done"] == polled["progress"]["total"] == 2000
    assert polled["summary"]["imported"]["orders"] == _expected(head)["orders"]
    rejects = client.get(polled["rejects_url"], headers=admin)
    assert rejects.status_code == 200
    assert rejects.text.startswith("row,document,field,reason")


@pytest.mark.parametrize(
    ("content", "format_", "code"),
    [
        (b"InvoiceNo,StockCode\n1,2\n", "online-retail", "history-missing-columns"),
        (b"\x00\x01\x02binary", "online-retail", "history-not-a-csv"),
        (b"a,b\n", "shopify", "history-unknown-format"),
    ],
)
def test_a_bad_upload_is_refused_with_a_problem(
    client: TestClient, admin: dict[str, str], content: bytes, format_: str, code: str
) -> None:
    response = client.post(
        "/v1/imports",
        headers=admin,
        files={"file": ("f.csv", content, "text/csv")},
        data={"format": format_},
    )
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == code


def test_imports_need_the_import_permission(client: TestClient, key_for: Any) -> None:
    response = client.post(
        "/v1/imports",
        headers=key_for("csr"),
        files={"file": ("f.csv", b"x", "text/csv")},
        data={"format": "generic"},
    )
    assert response.status_code == 403


def test_writing_widens_sqlites_page_cache_for_the_import_only(engine: Engine) -> None:
    from oms.history.repository.writes import SQLITE_CACHE_KIB, _sqlite_cache_widened

    with engine.connect() as conn:
        if conn.dialect.name != "sqlite":
            pytest.skip("a SQLite setting")
        before = conn.exec_driver_sql("PRAGMA cache_size").scalar_one()
        with _sqlite_cache_widened(conn):
            assert conn.exec_driver_sql("PRAGMA cache_size").scalar_one() == -SQLITE_CACHE_KIB
        assert conn.exec_driver_sql("PRAGMA cache_size").scalar_one() == before


def test_an_import_that_fails_while_writing_leaves_nothing_and_the_collector_on(
    engine: Engine,
) -> None:
    """A line whose amount no BIGINT holds fails the write: nothing of the file stays, and
    Python's garbage collector (paused for the import) is on again."""
    import gc

    from oms import channels

    channels.create_channel(
        channels.CreateChannel(
            code="shop", name="Shop", kind=channels.ChannelKind.WEB, currency="EUR",
            default_locale="de-DE",
        ),
        uow=UnitOfWork(engine),
    )  # fmt: skip
    content = _generic(
        "1001,order,2024-03-01T10:00:00Z,c1,ann@example.com,Ann,DE,EUR,MUG-1,Mug,2,9.99,,",
        "1002,order,2024-03-01T11:00:00Z,c1,ann@example.com,Ann,DE,EUR,MUG-1,Mug,"
        "2000000000,99999999999,,",
    )
    assert gc.isenabled()
    with pytest.raises(Exception):  # noqa: B017, PT011 - the driver's own overflow error
        import_history(
            ImportHistory(
                content=content, file_name="g.csv", format=ImportFormat.GENERIC,
                channel="shop", actor="test",
            ),
            uow=UnitOfWork(engine),
        )  # fmt: skip
    assert gc.isenabled()
    assert [_count(engine, table) for table in TABLES] == [0] * len(TABLES)
    assert _count(engine, history_documents) == 0
