"""The demo merchant is ready for returns, on SQLite and PostgreSQL: two web orders of one German
customer, paid and delivered from Hamburg, one a few days ago (inside the window), one long ago
(past it), each step of their history at its own time."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine

from oms import orders
from oms.app import demo
from oms.app.demo import returns as demo_returns
from oms.fulfilment.repository.shipments import SHIPMENTS
from oms.platform.unit_of_work import UnitOfWork
from oms.returns.domain.eligibility import AskedLine
from oms.returns.domain.errors import ReturnRefused
from oms.returns.domain.lifecycle import ReturnStatus
from oms.returns.domain.policy import ReturnPolicy
from oms.returns.domain.returns import ReturnReason
from oms.returns.services.labels import return_label
from oms.returns.services.policies import get_return_policy
from oms.returns.services.requests import RequestCustomerReturn, request_customer_return
from tests import demo_snapshot


@pytest.fixture
def summary(
    uow: UnitOfWork, engine: Engine, tmp_path_factory: pytest.TempPathFactory
) -> demo.Summary:
    """The demo loaded and its events relayed (loaded once per backend, then put back)."""
    return demo_snapshot.merchant(engine, uow, tmp_path_factory, drained=True)


def test_the_demo_has_a_recent_and_an_old_delivered_order_to_return(
    uow: UnitOfWork, summary: demo.Summary
) -> None:
    """Both delivered in full and paid, when their histories say; the summary names them."""
    assert [d.name for d in summary.delivered] == ["recent", "long ago"]
    now = uow.clock.now()
    for delivered, history in zip(summary.delivered, demo_returns.HISTORIES, strict=True):
        assert f"{delivered.number} delivered {delivered.name}" in summary.describe()
        order = orders.lookup_order(delivered.number, delivered.email, uow=uow)
        assert order.fulfilment_status is orders.FulfilmentStatus.DELIVERED
        assert order.balance_due.amount == 0
        assert order.status is orders.OrderStatus.COMPLETED
        assert [(line.sku, line.delivered_quantity) for line in order.lines] == list(history.lines)
        with uow.read() as tx:
            shipments = tx.repo(SHIPMENTS).for_order(order.id)
        assert shipments
        for shipment in shipments:
            assert shipment.delivered_at is not None
            ago = now - shipment.delivered_at
            assert timedelta(days=history.delivered) <= ago < timedelta(days=history.delivered + 1)


@pytest.mark.parametrize("channel", demo_returns.POLICY_CHANNELS)
def test_the_demo_channels_selling_online_have_the_demo_return_policy(
    uow: UnitOfWork, summary: demo.Summary, channel: str
) -> None:
    """Set once through the policy service (version 1), as the admin's PUT would have."""
    policy = get_return_policy(channel, uow=uow)
    assert policy.version == 1
    expected = ReturnPolicy.parse(demo_returns.POLICY, currency=policy.currency, version=1)
    assert policy.document() == expected.document()
    assert policy.auto_approve
    assert policy.window_days == 30


def test_the_other_demo_channels_keep_the_default_policy(
    uow: UnitOfWork, summary: demo.Summary
) -> None:
    for channel in ("pos", "kiosk", "marketplace"):
        policy = get_return_policy(channel, uow=uow)
        assert (policy.version, policy.auto_approve) == (0, False)


def test_the_recent_order_comes_back_by_itself_and_the_old_one_is_past_its_window(
    uow: UnitOfWork, summary: demo.Summary
) -> None:
    """The walk's first and last steps: the customer's own request for the recent order is
    approved without a person (RMA, the Hamburg warehouse, a return slip); the old order's is
    refused, the line saying when its window closed."""
    recent, old = summary.delivered
    order = orders.lookup_order(recent.number, recent.email, uow=uow)
    hoodie = next(line for line in order.lines if line.sku == "NW-HOD-NAV-M")

    request = request_customer_return(
        RequestCustomerReturn(
            number=recent.number,
            email=recent.email,
            lines=(AskedLine(line_id=hoodie.id, quantity=1, reason=ReturnReason.CHANGED_MIND),),
        ),
        uow=uow,
    )

    assert request.status is ReturnStatus.APPROVED
    assert request.number is not None
    assert request.number.startswith("RMA-")
    assert request.receiving_location == "wh-de"
    _, label = return_label(request.id, uow=uow)
    assert label.startswith(b"%PDF")

    past = orders.lookup_order(old.number, old.email, uow=uow)
    with pytest.raises(ReturnRefused) as refused:
        request_customer_return(
            RequestCustomerReturn(
                number=old.number,
                email=old.email,
                lines=(
                    AskedLine(
                        line_id=past.lines[0].id, quantity=1, reason=ReturnReason.CHANGED_MIND
                    ),
                ),
            ),
            uow=uow,
        )
    [problem] = refused.value.problems
    assert problem.field == "lines.0.line_id"
    assert "the return window closed on" in problem.message
    assert "30 days from delivery" in problem.message
