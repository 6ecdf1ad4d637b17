"""Idempotency-Key edge cases that need control over time: leases, takeovers, fencing."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

from pydantic import BaseModel
from sqlalchemy import Engine, func, select

from oms.platform.idempotency import IdempotentRequest, idempotency_keys, run_idempotent
from oms.platform.outbox import outbox_table
from oms.platform.problems import HTTPProblem
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.events import Event
from oms.shared.ids import new_id


class Done(BaseModel):
    who: str


class Worked(Event):
    type = "tests.worked.v1"
    aggregate = "test"


def work(uow: UnitOfWork, who: str, *, sleep: float = 0.0) -> str:
    with uow.begin() as tx:
        tx.record(Worked(aggregate_id=new_id()))
        time.sleep(sleep)
    return who


def test_a_slow_first_attempt_that_lost_its_lease_cannot_also_commit(engine: Engine) -> None:
    request = IdempotentRequest("k", "owner", "hash", lease=timedelta(milliseconds=300))
    outcomes: dict[str, object] = {}

    def first() -> None:
        uow = UnitOfWork(engine)
        try:
            outcomes["first"] = run_idempotent(
                uow, request, lambda: work(uow, "first", sleep=1.0), lambda w: Done(who=w)
            ).status_code
        except HTTPProblem as problem:
            outcomes["first"] = problem.code

    thread = threading.Thread(target=first)
    thread.start()
    time.sleep(0.6)
    uow = UnitOfWork(engine)
    try:
        retry = run_idempotent(uow, request, lambda: work(uow, "retry"), lambda w: Done(who=w))
        outcomes["retry"] = retry.status_code
    except HTTPProblem as problem:
        outcomes["retry"] = problem.code
    thread.join()
    with engine.connect() as c:
        events = c.execute(select(func.count()).select_from(outbox_table)).scalar_one()
        stored = c.execute(
            select(idempotency_keys.c.status, idempotency_keys.c.response_body)
        ).all()
    assert events == 1, outcomes
    assert [row.status for row in stored] == ["done"]
    assert sorted(str(v) for v in outcomes.values()) in (
        ["201", "idempotency-key-in-flight"],
        ["201", "201"],
    )
