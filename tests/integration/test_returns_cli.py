"""``oms returns ...`` on SQLite and PostgreSQL: the desk's list and a return's card, approval,
receipt and inspection by SKU, the refund, the label and a channel's policy; bad input and
refusals are one readable line each with exit code 2 (1 for a return that does not exist),
never a traceback."""

from __future__ import annotations

import io
from pathlib import Path

import pypdf
import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner, Result

from oms import inventory, payments
from oms.platform.unit_of_work import UnitOfWork
from oms.returns.cli import returns_app
from oms.returns.domain.eligibility import AskedLine
from oms.returns.domain.lifecycle import ReturnStatus
from oms.returns.domain.returns import ReturnReason, ReturnRequest
from oms.returns.services import requests
from tests.integration.test_returns_refunds import (
    Paid,
    credit_notes,
    deliver_events,
    delivered,
    eur,
    providers,
    refunded,
    web,
)

__all__ = ["providers", "web"]

pytestmark = pytest.mark.usefixtures("balanced_ledger", "database_url")


@pytest.fixture
def database_url(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OMS_DATABASE_URL", engine.url.render_as_string(hide_password=False))


@pytest.fixture
def paid(web: UnitOfWork, providers: payments.Providers, engine: Engine) -> Paid:
    """Ada's order of two TS-1 and one TS-2, paid, shipped from wh-de and delivered."""
    return delivered(web, providers, engine, ("TS-1", 2), ("TS-2", 1))


@pytest.fixture
def requested(web: UnitOfWork, paid: Paid) -> ReturnRequest:
    """One TS-1 asked back by a csr because the buyer changed her mind (not auto-approved:
    the test policy approves nothing by itself)."""
    return requests.request_return(
        requests.RequestReturn(
            order_id=paid.order.id,
            lines=(
                AskedLine(
                    line_id=paid.order.lines[0].id, quantity=1, reason=ReturnReason.CHANGED_MIND
                ),
            ),
            actor="csr",
        ),
        uow=web,
    )


def run(*args: str) -> Result:
    return CliRunner().invoke(returns_app, list(args), env={"COLUMNS": "200"})


def on_hand(uow: UnitOfWork, sku: str, location: str) -> int:
    stock = inventory.get_stock(sku, uow=uow)
    return next(level.on_hand for level in stock.locations if level.location == location)


def test_a_return_goes_the_whole_way_through_the_commands(
    web: UnitOfWork, paid: Paid, requested: ReturnRequest, engine: Engine, tmp_path: Path
) -> None:
    listed = run("list", "--status", "requested")
    assert listed.exit_code == 0, listed.output
    assert paid.order.number in listed.output
    assert "1 TS-1 (changed_mind)" in listed.output

    approved = run("approve", str(requested.id))
    assert approved.exit_code == 0, approved.output
    assert "RMA-000001" in approved.output
    assert "approved" in approved.output
    assert "wh-de" in approved.output

    slip = tmp_path / "slip.pdf"
    labelled = run("label", "rma-000001", "-o", str(slip))
    assert labelled.exit_code == 0, labelled.output
    assert f"RMA-000001: printable return slip, {slip.stat().st_size} bytes" in labelled.output
    assert "RMA-000001" in pypdf.PdfReader(io.BytesIO(slip.read_bytes())).pages[0].extract_text()

    before = on_hand(web, "TS-1", "wh-de")
    received = run("receive", "RMA-000001", "TS-1=1")
    assert received.exit_code == 0, received.output
    assert "received" in received.output
    inspected = run("inspect", "RMA-000001", f"{paid.order.lines[0].id}=1:restock")
    assert inspected.exit_code == 0, inspected.output
    assert "inspected" in inspected.output
    assert "restock" in inspected.output
    assert on_hand(web, "TS-1", "wh-de") == before + 1

    resolved = run("resolve", "RMA-000001")
    assert resolved.exit_code == 0, resolved.output
    assert "completed" in resolved.output
    assert "18.00 EUR (completed)" in resolved.output
    assert "2.00 EUR" in resolved.output  # the 10 % restocking fee
    assert refunded(web, paid.payment) == eur("18.00")
    deliver_events(engine)
    assert credit_notes(web, paid.order.id) == [eur("18.00")]

    again = run("resolve", "RMA-000001")
    assert again.exit_code == 0, again.output
    assert refunded(web, paid.payment) == eur("18.00")

    shown = run("show", "RMA-000001")
    assert shown.exit_code == 0, shown.output
    for text in ("completed", "refund", "18.00 EUR", "TS-1", "changed_mind", "restock"):
        assert text in shown.output


def test_a_refund_to_store_credit(web: UnitOfWork, paid: Paid, requested: ReturnRequest) -> None:
    assert run("approve", str(requested.id)).exit_code == 0
    assert run("receive", "RMA-000001", "TS-1=1").exit_code == 0
    assert run("inspect", "RMA-000001", "TS-1=1:damaged").exit_code == 0

    resolved = run("resolve", "RMA-000001", "--store-credit")

    assert resolved.exit_code == 0, resolved.output
    assert "store_credit" in resolved.output
    assert "20.00 EUR" in resolved.output  # damaged goods bear no fee
    assert refunded(web, paid.payment) == eur("0.00")


def test_the_desk_filters_by_status_location_and_reason(
    web: UnitOfWork, requested: ReturnRequest
) -> None:
    assert run("approve", str(requested.id)).exit_code == 0
    for args, found in (
        (("--status", "approved"), True),
        (("--status", "requested"), False),
        (("--location", "wh-de"), True),
        (("--location", "store-berlin"), False),
        (("--reason", "changed_mind"), True),
        (("--reason", "damaged"), False),
    ):
        result = run("list", *args)
        assert result.exit_code == 0, result.output
        assert ("RMA-000001" in result.output) is found, args
        assert ("no returns match" in result.output) is not found, args


def test_a_channels_policy_is_shown(web: UnitOfWork) -> None:
    result = run("policy", "web")
    assert result.exit_code == 0, result.output
    assert "Return policy of web (version 1)" in result.output
    assert "30 days from delivery" in result.output
    assert "10 %" in result.output
    assert "damaged" in result.output


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("receive", "RMA-000001", "TS-1"), "'TS-1' is not LINE=QTY (NW-HOD-NAV-M=1)"),
        (("receive", "RMA-000001", "TS-1=x"), "'TS-1=x' is not LINE=QTY"),
        (
            ("receive", "RMA-000001", "TS-9=1"),
            "'TS-9' is not a line of RMA-000001; its lines: TS-1",
        ),
        (("receive", "RMA-000001", "TS-1=1", "TS-1=1"), "TS-1 is named twice"),
        (("inspect", "RMA-000001", "TS-1=1"), "is not LINE=QTY:DISPOSITION"),
        (("inspect", "RMA-000001", "TS-1=1:lost"), "'lost' is not a disposition (restock, "),
        (("show", "SO-10001"), "'SO-10001' is neither an RMA (RMA-000001) nor a return's id"),
        (("receive", "RMA-000001", "TS-1=2"), "error: TS-1=2: 2 units of line "),
        (
            ("inspect", "RMA-000001", "TS-1=1:restock"),
            "error: cannot inspect this return: it is approved",
        ),
        (("resolve", "RMA-000001"), "error: "),
        (("approve", "RMA-000001"), "error: "),
    ],
)
def test_bad_input_and_refusals_are_one_readable_line_and_exit_code_2(
    web: UnitOfWork, requested: ReturnRequest, args: tuple[str, ...], says: str
) -> None:
    assert run("approve", str(requested.id)).exit_code == 0

    result = run(*args)

    assert result.exit_code == 2, result.output
    assert says in result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert len(result.output.strip().splitlines()) == 1, result.output


def test_refused_input_changes_nothing(web: UnitOfWork, requested: ReturnRequest) -> None:
    assert run("approve", str(requested.id)).exit_code == 0
    assert run("receive", "RMA-000001", "TS-1=2").exit_code == 2
    shown = requests.get_return(requested.id, uow=web)
    assert shown.status is ReturnStatus.APPROVED
    assert [line.received for line in shown.lines] == [0]


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("show", "RMA-999999"), "error: no return RMA-999999"),
        (("show", "0190a7d2-0000-7000-8000-000000000000"), "error: "),
        (("policy", "nowhere"), "error: "),
    ],
)
def test_what_does_not_exist_is_exit_code_1(
    web: UnitOfWork, args: tuple[str, ...], says: str
) -> None:
    result = run(*args)
    assert result.exit_code == 1, result.output
    assert says in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_an_unknown_status_is_refused_by_the_option_itself(web: UnitOfWork) -> None:
    result = run("list", "--status", "lost")
    assert result.exit_code == 2
    assert "lost" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
