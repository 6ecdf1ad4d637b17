"""The public order lookup tells guessers nothing and cannot be hammered.

A wrong number and a wrong email answer alike and cost the same database work (the same
statements, so the same time: what timing used to tell apart); each client address and each
order number has a budget of attempts, beyond which the answer is 429 with ``Retry-After``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event

from oms.fulfilment.api.lookup import LOOKUPS_PER_CLIENT, LOOKUPS_PER_NUMBER
from tests.integration.test_orders_api import place, shop  # noqa: F401 (fixture)

pytestmark = pytest.mark.usefixtures("balanced_ledger", "shop")

Headers = dict[str, str]
EMAIL = "ada@example.com"


def lookup(client: TestClient, number: str, email: str) -> Any:
    return client.get("/v1/orders/lookup", params={"number": number, "email": email})


@pytest.fixture
def statements(engine: Engine) -> Iterator[list[str]]:
    """Every SQL statement the engine runs while the test does."""
    seen: list[str] = []

    def record(*args: Any) -> None:
        seen.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


def test_a_wrong_number_and_a_wrong_email_cost_the_same_work_and_answer_alike(
    client: TestClient, admin: Headers, statements: list[str]
) -> None:
    number = place(client, admin, "k").json()["number"]
    unknown = "SO-99999"
    answers = {}
    work = {}
    for case, (asked, email) in {
        "unknown number": (unknown, EMAIL),
        "wrong email": (number, "mallory@example.com"),
    }.items():
        statements.clear()
        response = lookup(client, asked, email)
        work[case] = list(statements)
        body = response.json()
        answers[case] = (
            response.status_code,
            {k: str(v).replace(asked, "<number>") for k, v in body.items() if k != "instance"},
        )
    assert answers["unknown number"] == answers["wrong email"]
    assert answers["wrong email"][0] == 404
    assert work["unknown number"] == work["wrong email"]
    assert lookup(client, number, EMAIL.upper()).status_code == 200


def test_one_order_number_may_be_tried_only_so_often(client: TestClient, admin: Headers) -> None:
    number = place(client, admin, "k").json()["number"]
    for n in range(LOOKUPS_PER_NUMBER.burst):
        assert lookup(client, number, f"guess{n}@example.com").status_code == 404
    refused = lookup(client, number, EMAIL)
    assert refused.status_code == 429
    assert refused.json()["code"] == "too-many-requests"
    assert int(refused.headers["Retry-After"]) >= 1
    assert lookup(client, "SO-10002", EMAIL).status_code == 404, "other numbers still answer"


def test_one_client_may_look_up_only_so_often(client: TestClient) -> None:
    for n in range(LOOKUPS_PER_CLIENT.burst):
        assert lookup(client, f"SO-{20000 + n}", EMAIL).status_code == 404
    refused = lookup(client, "SO-30000", EMAIL)
    assert refused.status_code == 429
    assert "Retry-After" in refused.headers


def test_the_budget_is_documented(client: TestClient) -> None:
    operation = client.get("/openapi.json").json()["paths"]["/v1/orders/lookup"]["get"]
    assert "429" in operation["responses"]
