"""The customers services other contexts call: find or create under races, numbers, events."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from sqlalchemy import Engine, func, select

from oms import customers
from oms.customers.tables import customers as customer_rows
from oms.platform.outbox import outbox_table
from oms.platform.unit_of_work import UnitOfWork

T = TypeVar("T")
RACERS = 8
SPELLINGS = ("Buyer@Example.com", "buyer@example.com", " BUYER@EXAMPLE.COM")


def race(engine: Engine, work: Callable[[int, UnitOfWork], T]) -> list[T]:
    """Run ``work`` on several threads released together, each with its own unit of work."""
    start = threading.Barrier(RACERS)

    def run(n: int) -> T:
        uow = UnitOfWork(engine)
        start.wait()
        return work(n, uow)

    with ThreadPoolExecutor(RACERS) as pool:
        return list(pool.map(run, range(RACERS)))


def count_customers(engine: Engine) -> int:
    with engine.connect() as c:
        return int(c.execute(select(func.count()).select_from(customer_rows)).scalar_one())


def test_racing_orders_for_one_new_email_make_exactly_one_customer(engine: Engine) -> None:
    found = race(
        engine,
        lambda n, uow: customers.find_or_create_customer(
            customers.FindOrCreateCustomer(email=SPELLINGS[n % 3], name=f"Buyer {n}"),
            uow=uow,
        ),
    )
    assert len({c.id for c in found}) == 1
    assert count_customers(engine) == 1
    assert found[0].number == "C-100001"
    later = customers.create_customer(
        customers.CreateCustomer(email="next@example.com", name="Next"), uow=UnitOfWork(engine)
    )
    assert later.number == "C-100002"


def test_concurrent_creations_get_consecutive_numbers(engine: Engine) -> None:
    created = race(
        engine,
        lambda n, uow: customers.create_customer(
            customers.CreateCustomer(email=f"c{n}@example.com", name=f"C {n}"), uow=uow
        ),
    )
    assert sorted(c.number for c in created) == [f"C-{100001 + n}" for n in range(RACERS)]


def test_an_existing_customer_is_found_by_email_and_left_unchanged(uow: UnitOfWork) -> None:
    first = customers.create_customer(
        customers.CreateCustomer(email="jane@example.com", name="Jane Doe", phone="+49301234567"),
        uow=uow,
    )
    found = customers.find_or_create_customer(
        customers.FindOrCreateCustomer(email="JANE@example.com", name="J. D.", locale="fr"),
        uow=uow,
    )
    assert found == first
    assert customers.get_customer(first.id, uow=uow) == first


def test_find_or_create_joins_the_callers_transaction(uow: UnitOfWork, engine: Engine) -> None:
    with uow.begin():
        inside = customers.find_or_create_customer(
            customers.FindOrCreateCustomer(email="guest@example.com", name="Guest"), uow=uow
        )
        again = customers.find_or_create_customer(
            customers.FindOrCreateCustomer(email="guest@example.com", name="Guest"), uow=uow
        )
    assert inside.id == again.id
    assert count_customers(engine) == 1


def test_events_name_ids_and_never_personal_data(uow: UnitOfWork, engine: Engine) -> None:
    jane = customers.create_customer(
        customers.CreateCustomer(
            email="jane@example.com",
            name="Jane Doe",
            phone="+49301234567",
            marketing_consent=True,
            notes="secret",
        ),
        uow=uow,
    )
    customers.update_customer(
        customers.UpdateCustomer(customer_id=jane.id, name="Jane Roe"), uow=uow
    )
    customers.export_customer(customers.ExportCustomer(customer_id=jane.id), uow=uow)
    customers.erase_customer(customers.EraseCustomer(customer_id=jane.id), uow=uow)
    customers.erase_customer(customers.EraseCustomer(customer_id=jane.id), uow=uow)
    with engine.connect() as c:
        rows = c.execute(select(outbox_table).order_by(outbox_table.c.position)).all()
    assert [r.event_type for r in rows] == [
        "customers.customer_created.v1",
        "customers.marketing_consent_changed.v1",
        "customers.customer_changed.v1",
        "customers.customer_exported.v1",
        "customers.marketing_consent_changed.v1",
        "customers.customer_erased.v1",
    ]
    assert {r.aggregate_id for r in rows} == {jane.id}
    payloads = json.dumps([r.payload for r in rows])
    for personal in ("jane", "Jane", "4930", "secret"):
        assert personal not in payloads
