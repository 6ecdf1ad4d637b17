"""Idempotency-Key edge cases that need control over time: a retry racing a slow first attempt,
a refusal that leaves the key free, a claim left behind by the two-transaction protocol.

Since ADR 0009 the claim is taken in the operation's own transaction: a retry that arrives while
the first attempt runs waits for it and replays its response (it used to be answered 409, or to
take over after a lease, with a fencing token keeping the first attempt from also committing).
"""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
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


def test_a_retry_while_the_first_attempt_runs_waits_and_replays_it(engine: Engine) -> None:
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
    time.sleep(0.6)  # past the lease: no longer a reason to take the key over
    uow = UnitOfWork(engine)
    retry = run_idempotent(uow, request, lambda: work(uow, "retry"), lambda w: Done(who=w))
    thread.join()
    with engine.connect() as c:
        events = c.execute(select(func.count()).select_from(outbox_table)).scalar_one()
        stored = c.execute(
            select(idempotency_keys.c.status, idempotency_keys.c.response_body)
        ).all()
    assert events == 1, outcomes
    assert [row.status for row in stored] == ["done"]
    assert outcomes == {"first": 201}
    assert retry.status_code == 201
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert retry.body == b'{"who":"first"}'


def test_a_refused_operation_leaves_the_key_free(engine: Engine) -> None:
    request = IdempotentRequest("k", "owner", "hash")
    uow = UnitOfWork(engine)

    def refuse() -> str:
        with uow.begin() as tx:
            tx.record(Worked(aggregate_id=new_id()))
        raise HTTPProblem(422, "refused", "Refused", "no")

    with pytest.raises(HTTPProblem):
        run_idempotent(uow, request, refuse, lambda w: Done(who=w))
    with engine.connect() as c:
        assert c.execute(select(func.count()).select_from(idempotency_keys)).scalar_one() == 0
        assert c.execute(select(func.count()).select_from(outbox_table)).scalar_one() == 0
    again = run_idempotent(uow, request, lambda: work(uow, "again"), lambda w: Done(who=w))
    assert again.status_code == 201
    assert "Idempotent-Replayed" not in again.headers


def test_a_claim_left_without_a_response_by_the_old_protocol_is_taken_over_after_its_lease(
    engine: Engine,
) -> None:
    request = IdempotentRequest("k", "owner", "hash", lease=timedelta(seconds=60))
    uow = UnitOfWork(engine)
    with uow.begin() as tx:
        tx.connection.execute(
            idempotency_keys.insert().values(
                owner="owner",
                key="k",
                request_hash="hash",
                status="in_flight",
                created_at=tx.now,
                locked_until=tx.now + timedelta(seconds=60),
                claim=new_id(),
            )
        )
    with pytest.raises(HTTPProblem) as refused:
        run_idempotent(uow, request, lambda: work(uow, "early"), lambda w: Done(who=w))
    assert refused.value.code == "idempotency-key-in-flight"
    with uow.begin() as tx:
        tx.connection.execute(
            idempotency_keys.update().values(locked_until=tx.now - timedelta(seconds=1))
        )
    taken = run_idempotent(uow, request, lambda: work(uow, "late"), lambda w: Done(who=w))
    assert taken.status_code == 201
    assert taken.body == b'{"who":"late"}'
