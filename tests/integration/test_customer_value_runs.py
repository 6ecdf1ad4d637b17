"""Customer value end to end on a slice of the real retail file, on SQLite and PostgreSQL: the
history import places a year of orders of 150 real customers (and some guests'), a scoring run
is asked for over the API and run by the worker's job handlers, and its stored scores are read
back through the value endpoint, the filtered list (keyset paged) and the console.

The run fits pymc-marketing's models twice per backend (the holdout check, then the whole
history), so the slice is imported and scored once per backend and every test here reads that
state; nothing in this module empties the database.
"""

from __future__ import annotations

import csv
import io
import lzma
import random
import re
import uuid
from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from oms import auth
from oms.app import tasks
from oms.app.http import create_app
from oms.customer_value.tables import customer_value_runs, customer_values
from oms.customers.tables import customers as customers_table
from oms.history.domain.reading import ImportFormat
from oms.history.services import ImportHistory, import_history
from oms.platform import jobs
from oms.platform.settings import Settings
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.clock import SystemClock
from tests.conftest import empty

DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "online_retail.csv.xz"
CUSTOMERS = 150
GUEST_INVOICES = 20
NOT_GOODS = {"POST", "DOT", "C2", "D", "M", "BANK CHARGES", "AMAZONFEE", "CRUK", "S", "B"}
PASSWORD = "correct horse battery staple"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@pytest.fixture(scope="module")
def sample() -> bytes:
    """Every line of 150 customers drawn at random, and the lines of 20 guest invoices."""
    if not DATA.exists():
        pytest.skip(f"the real dataset is absent ({DATA}; see ../shared/data/README.md)")
    with lzma.open(DATA, "rt", encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    known = sorted({row[6] for row in body if row[6]})
    chosen = set(random.Random(14).sample(known, CUSTOMERS))
    guests = sorted({row[0] for row in body if not row[6] and row[0][:1].isdigit()})
    guest_invoices = set(random.Random(14).sample(guests, GUEST_INVOICES))
    kept = [r for r in body if r[6] in chosen or (not r[6] and r[0] in guest_invoices)]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, *kept])
    return out.getvalue().encode("utf-8")


def purchase_days(content: bytes) -> dict[str, int]:
    """Days with a goods purchase per customer of the file, computed without the app's code."""
    days: dict[str, set[str]] = defaultdict(set)
    value: dict[str, float] = defaultdict(float)
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8"), newline="")))
    for row in rows:
        sold = row["InvoiceNo"][:1].isdigit() and int(row["Quantity"]) > 0
        if row["CustomerID"] and sold and row["StockCode"].upper() not in NOT_GOODS:
            value[row["InvoiceNo"]] += int(row["Quantity"]) * float(row["UnitPrice"])
    for row in rows:
        if value.get(row["InvoiceNo"], 0) > 0:
            day = datetime.strptime(row["InvoiceDate"], "%m/%d/%Y %H:%M").date().isoformat()
            days[row["CustomerID"]].add(day)
    return {customer: len(found) for customer, found in days.items()}


class Scored:
    """A backend after the import and one scoring run: its clients and what the run said."""

    def __init__(self, engine: Engine, client: TestClient, admin: dict[str, str]) -> None:
        self.engine = engine
        self.client = client
        self.admin = admin
        self.job: dict[str, Any] = {}

    def key(self, role: str) -> dict[str, str]:
        issued = auth.create_api_key(
            auth.CreateApiKey(name=f"test {role}", role=auth.Role(role)),
            uow=UnitOfWork(self.engine),
        )
        return {"Authorization": f"Bearer {issued.secret}"}

    def customer_id(self, source_id: str) -> str:
        with self.engine.connect() as conn:
            return str(
                conn.execute(
                    select(customers_table.c.id).where(
                        customers_table.c.email.like(f"customer-{source_id}@%")
                    )
                ).scalar_one()
            )


@pytest.fixture(scope="module")
def scored(database: Engine, sample: bytes) -> Iterator[Scored]:
    """The slice imported and scored once per backend, through the API and the worker."""
    empty(database)
    import_history(
        ImportHistory(
            content=sample,
            file_name="slice.csv",
            format=ImportFormat.ONLINE_RETAIL,
            channel=None,
            actor="test",
        ),
        uow=UnitOfWork(database),
    )
    app = create_app(Settings(), engine=database, run_relay=False)
    with TestClient(app, base_url="https://testserver", raise_server_exceptions=False) as client:
        state = Scored(database, client, {})
        state.admin = state.key("admin")
        asked = client.post("/v1/customer-value/runs", headers=state.admin)
        assert asked.status_code == 202, asked.text
        assert asked.json()["status"] == "queued"
        clock = SystemClock()
        ran = jobs.Runner(database, tasks.job_handlers(database, clock), clock)()
        assert ran == 1
        state.job = client.get(
            f"/v1/customer-value/runs/{asked.json()['id']}", headers=state.admin
        ).json()
        yield state


def test_the_run_succeeds_with_progress_and_scores_every_customer_who_bought(
    scored: Scored, sample: bytes
) -> None:
    job = scored.job
    assert job["status"] == "succeeded", job["error"]
    assert job["progress_done"] == job["progress_total"] > 0
    expected = purchase_days(sample)
    assert job["result"]["scored"] == len(expected)
    assert job["result"]["skipped"] == {}
    with scored.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(customer_values)).scalar() == len(
            expected
        )
        guests = conn.execute(
            select(func.count())
            .select_from(customer_values.join(customers_table))
            .where(customers_table.c.email.like("guest@%"))
        ).scalar()
    assert guests == 0, "guests are no customers to score"
    for source_id in sorted(expected)[:10]:
        answer = scored.client.get(
            f"/v1/customers/{scored.customer_id(source_id)}/value", headers=scored.admin
        )
        assert answer.status_code == 200
        (value,) = answer.json()["values"]
        assert value["purchases"] == expected[source_id], source_id


def test_each_score_records_its_model_version_and_holdout_check(scored: Scored) -> None:
    gbp = scored.job["result"]["currencies"]["GBP"]
    with scored.engine.connect() as conn:
        run = conn.execute(select(customer_value_runs)).one()
        rows = conn.execute(select(customer_values)).all()
    assert run.id == rows[0].run_id
    assert run.horizon_months == 12
    assert run.monthly_discount == 0.01
    holdout = run.holdout
    assert (holdout["calibration_from"], holdout["holdout_from"]) == ("2010-12-01", "2011-09-01")
    assert holdout["purchases_actual"] > 0
    # a sane band, not a tuned score: the model knows roughly how much these customers buy
    assert 0.25 * holdout["purchases_actual"] < holdout["model"]["purchases_predicted"]
    assert holdout["model"]["purchases_predicted"] < 4 * holdout["purchases_actual"]
    assert gbp["holdout_purchases_mae"] == holdout["model"]["purchases_mae"]
    for row in rows:
        assert row.model == "bg-nbd+gamma-gamma"
        assert row.model_version.startswith("pymc-marketing ")
        assert "oms.customer_value" in row.model_version
        assert row.holdout_mae_purchases == holdout["model"]["purchases_mae"]
        assert 0 <= row.probability_alive <= 1
        assert row.expected_purchases_90d >= 0
        assert row.expected_order_value_minor > 0
        assert row.clv_minor >= 0
    print(  # noqa: T201 -- reported, not asserted
        f"\n{scored.engine.dialect.name}: {len(rows)} customers; holdout purchases MAE model "
        f"{holdout['model']['purchases_mae']:.3f} vs baseline "
        f"{holdout['baseline']['purchases_mae']:.3f}; mean P(alive) "
        f"{gbp['mean_probability_alive']:.3f}; run {scored.job['result']['seconds']} s"
    )


def test_the_value_endpoint_answers_money_churn_and_the_model(scored: Scored) -> None:
    with scored.engine.connect() as conn:
        best = conn.execute(
            select(customer_values).order_by(customer_values.c.clv_minor.desc()).limit(1)
        ).one()
    answer = scored.client.get(f"/v1/customers/{best.customer_id}/value", headers=scored.admin)
    (value,) = answer.json()["values"]
    assert value["clv_minor"] == best.clv_minor
    assert value["clv"] == {"amount": f"{best.clv_minor / 100:.2f}", "currency": "GBP"}
    assert value["currency"] == "GBP"
    assert value["horizon_months"] == 12
    assert Decimal(value["churn_probability"]) == 1 - Decimal(value["probability_alive"])
    assert Decimal(value["probability_alive"]) == round(Decimal(best.probability_alive), 6)
    assert Decimal(value["holdout"]["purchases_mae"]) > 0
    assert Decimal(value["holdout"]["baseline_purchases_mae"]) > 0
    assert value["customer_number"]
    assert value["customer_name"]
    marketing = scored.client.get(
        f"/v1/customers/{best.customer_id}/value", headers=scored.key("marketing")
    )
    assert marketing.status_code == 200
    refused = scored.client.get(
        f"/v1/customers/{best.customer_id}/value", headers=scored.key("warehouse")
    )
    assert refused.status_code == 403


def _all_pages(client: TestClient, headers: dict[str, str], query: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = ""
    while True:
        page = client.get(f"/v1/customer-value/customers?{query}{cursor}", headers=headers)
        assert page.status_code == 200, page.text
        items.extend(page.json()["items"])
        if page.json()["next_cursor"] is None:
            return items
        cursor = f"&cursor={page.json()['next_cursor']}"


def test_the_list_filters_by_lifetime_value_and_pages_highest_first(scored: Scored) -> None:
    with scored.engine.connect() as conn:
        values = sorted(conn.execute(select(customer_values.c.clv_minor)).scalars())
    threshold = values[len(values) // 2]
    listed = _all_pages(
        scored.client, scored.admin, f"clv_min={threshold / 100:.2f}&currency=GBP&limit=7"
    )
    assert len(listed) == sum(1 for v in values if v >= threshold)
    clvs = [item["clv_minor"] for item in listed]
    assert clvs == sorted(clvs, reverse=True)
    assert len({item["customer_id"] for item in listed}) == len(listed), "no row twice"
    assert all(item["customer_number"] and item["customer_name"] for item in listed)
    everyone = _all_pages(scored.client, scored.admin, "limit=50")
    assert len(everyone) == len(values)


def test_the_list_filters_by_churn_and_pages_most_at_risk_first(scored: Scored) -> None:
    with scored.engine.connect() as conn:
        alive = sorted(conn.execute(select(customer_values.c.probability_alive)).scalars())
    churn_min = round(1 - alive[len(alive) // 2], 6)
    listed = _all_pages(
        scored.client, scored.admin, f"churn_min={churn_min:.6f}&order=churn&limit=9"
    )
    assert len(listed) == sum(1 for p in alive if p <= 1 - churn_min)
    churns = [Decimal(item["churn_probability"]) for item in listed]
    assert churns == sorted(churns, reverse=True)
    assert all(c >= round(Decimal(churn_min), 6) - Decimal("0.000001") for c in churns)


def test_bad_list_filters_are_422(scored: Scored) -> None:
    for query in ("clv_min=-1", "clv_min=abc", "churn_min=2", "currency=gbp", "order=best"):
        answer = scored.client.get(f"/v1/customer-value/customers?{query}", headers=scored.admin)
        assert answer.status_code == 422, query
    tampered = scored.client.get(
        "/v1/customer-value/customers?cursor=WyJ4Il0", headers=scored.admin
    )
    assert tampered.status_code == 422
    assert tampered.json()["code"] == "invalid"


def _console(scored: Scored, role: str) -> TestClient:
    """The scored app's console, signed in as a new staff user of ``role``."""
    user = auth.create_staff_user(
        auth.CreateStaffUser(
            email=f"{role}-{uuid.uuid4().hex[:12]}@staff.example",
            role=auth.Role(role),
            password=PASSWORD,
            locale="en",
        ),
        uow=UnitOfWork(scored.engine),
    )
    client = TestClient(
        scored.client.app,
        base_url="https://testserver",
        raise_server_exceptions=False,
        follow_redirects=False,
    )
    answer = client.post("/console/login", data={"email": user.email, "password": PASSWORD})
    assert answer.status_code == 303, answer.text
    return client


def test_the_customer_360_shows_the_value_block(scored: Scored) -> None:
    with scored.engine.connect() as conn:
        best = conn.execute(
            select(customer_values).order_by(customer_values.c.clv_minor.desc()).limit(1)
        ).one()
    page = _console(scored, "csr").get(f"/console/customers/{best.customer_id}")
    assert page.status_code == 200
    block = page.text.split('id="value-heading"', 1)[1].split("</section>", 1)[0]
    assert f"£{best.clv_minor // 100:,}." in block
    assert "bg-nbd+gamma-gamma" in block
    assert "pymc-marketing" in block
    assert "Churn probability" in block
    assert "Holdout check" in block


def test_the_console_lists_customers_by_minimum_value_and_churn_risk(scored: Scored) -> None:
    with scored.engine.connect() as conn:
        values = sorted(conn.execute(select(customer_values.c.clv_minor)).scalars())
    threshold = values[-40]
    marketing = _console(scored, "marketing")
    numbers: list[str] = []
    url: str | None = f"/console/customers?clv_min={threshold / 100:.2f}"
    while url:
        page = marketing.get(url)
        assert page.status_code == 200
        numbers += re.findall(
            r'<th scope="row"><a href="/console/customers/[^"]+">([^<]+)</a>', page.text
        )
        found = re.search(r'<a href="([^"]+)" rel="next"', page.text)
        url = found.group(1).replace("&amp;", "&") if found else None
    assert len(numbers) == sum(1 for v in values if v >= threshold)
    assert len(set(numbers)) == len(numbers)
    risky = marketing.get("/console/customers?churn_min=0")
    assert 'id="valued-customers"' in risky.text
    none = marketing.get("/console/customers?churn_min=100&clv_min=1000000000")
    assert "No scored customer passes these filters" in none.text
    assert marketing.get("/console/customers?clv_min=lots").status_code == 422
    assert marketing.get("/console/customers?churn_min=120").status_code == 422
