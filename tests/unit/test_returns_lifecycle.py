"""The return's transition tables, walked whole through the aggregate's methods, and the return
policy's rules (defaults, overrides, auto-approval, the document read back)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from uuid import uuid4

import pytest

from oms.returns.domain.eligibility import AskedLine, LineFacts, refusals
from oms.returns.domain.errors import ReturnPolicyInvalid, UnitsBeyondReturn
from oms.returns.domain.events import (
    ClaimResolved,
    ReturnApproved,
    ReturnCancelled,
    ReturnCompleted,
    ReturnRequested,
)
from oms.returns.domain.lifecycle import (
    CLAIM_LIFECYCLE,
    RETURN_LIFECYCLE,
    ReturnAction,
    ReturnKind,
    ReturnSource,
    ReturnStatus,
)
from oms.returns.domain.policy import FeeRule, ReturnPolicy, WindowStart
from oms.returns.domain.returns import (
    Disposition,
    NewReturn,
    Resolution,
    ReturnLine,
    ReturnReason,
    ReturnRequest,
    ShippingPayer,
)
from oms.shared.errors import IllegalTransition
from oms.shared.money import Money

S, A = ReturnStatus, ReturnAction
AT = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
LINE_A, LINE_B = uuid4(), uuid4()


def _new(kind: ReturnKind = ReturnKind.RETURN) -> ReturnRequest:
    reason = ReturnReason.ITEM_MISSING if kind is ReturnKind.CLAIM else ReturnReason.WRONG_SIZE
    return ReturnRequest.request(
        NewReturn(
            order_id=uuid4(),
            order_number="SO-10001",
            channel="web",
            currency="EUR",
            kind=kind,
            source=ReturnSource.STAFF,
            return_shipping_paid_by=ShippingPayer.CUSTOMER,
            lines=(
                ReturnLine(line_id=LINE_A, sku="A", quantity=2, reason=reason),
                ReturnLine(line_id=LINE_B, sku="B", quantity=1, reason=reason),
            ),
            actor="csr",
        ),
        at=AT,
    )


ACTIONS: dict[ReturnAction, Callable[[ReturnRequest], object]] = {
    A.APPROVE: lambda r: r.approve(
        rma="RMA-000001", receiving_location="WH", automatic=False, actor="csr", at=AT
    ),
    A.DECLINE: lambda r: r.decline("worn", actor="csr", at=AT),
    A.CANCEL: lambda r: r.cancel(actor="csr", at=AT),
    A.MARK_IN_TRANSIT: lambda r: r.mark_in_transit("1Z", at=AT),
    A.RECEIVE: lambda r: r.receive({LINE_A: 1}, location="WH", actor="wh", at=AT),
    A.INSPECT_SOME: lambda r: r.inspect(
        {LINE_A: (1, Disposition.RESTOCK)}, location="WH", actor="wh", at=AT
    ),
    A.INSPECT: lambda r: r.inspect(
        {
            line.line_id: (line.received - line.inspected, Disposition.RESTOCK)
            for line in r.lines
            if line.received > line.inspected
        }
        or {LINE_A: (1, Disposition.RESTOCK)},
        location="WH",
        actor="wh",
        at=AT,
    ),
    A.KEEP_ITEMS: lambda r: r.complete(
        Resolution.REFUND, refund=Money.of("5", "EUR"), keep_items=True, at=AT
    ),
    A.COMPLETE: lambda r: r.complete(Resolution.REFUND, refund=Money.of("5", "EUR"), at=AT),
}
"""Each action of the tables as the aggregate's method (every action has one)."""

PATHS: dict[ReturnStatus, tuple[ReturnAction, ...]] = {
    S.REQUESTED: (),
    S.APPROVED: (A.APPROVE,),
    S.DECLINED: (A.DECLINE,),
    S.IN_TRANSIT: (A.APPROVE, A.MARK_IN_TRANSIT),
    S.CANCELLED: (A.CANCEL,),
}


def _in(status: ReturnStatus, kind: ReturnKind = ReturnKind.RETURN) -> ReturnRequest:
    """A return brought to ``status`` through legal steps only."""
    request = _new(kind)
    if kind is ReturnKind.CLAIM and status is S.COMPLETED:
        ACTIONS[A.APPROVE](request)
        ACTIONS[A.COMPLETE](request)
        return request
    if status in PATHS:
        for action in PATHS[status]:
            ACTIONS[action](request)
        return request
    ACTIONS[A.APPROVE](request)
    if status is S.COMPLETED:
        ACTIONS[A.KEEP_ITEMS](request)
        return request
    request.receive({LINE_A: 1, LINE_B: 1}, location="WH", actor="wh", at=AT)
    if status is S.INSPECTED:
        ACTIONS[A.INSPECT](request)
    assert request.status is status
    return request


def _pairs(kind: ReturnKind) -> list[tuple[ReturnKind, ReturnStatus, ReturnAction]]:
    table = CLAIM_LIFECYCLE if kind is ReturnKind.CLAIM else RETURN_LIFECYCLE
    reachable = {state for state, _, _ in table} | {target for _, _, target in table}
    return [(kind, state, action) for state in S if state in reachable for action in A]


@pytest.mark.parametrize(
    ("kind", "state", "action"),
    _pairs(ReturnKind.RETURN) + _pairs(ReturnKind.CLAIM),
    ids=lambda v: v.value,
)
def test_every_pair_of_the_tables_is_allowed_or_refused_as_written(
    kind: ReturnKind, state: ReturnStatus, action: ReturnAction
) -> None:
    table = CLAIM_LIFECYCLE if kind is ReturnKind.CLAIM else RETURN_LIFECYCLE
    request = _in(state, kind)
    version = request.version
    if table.allows(state, action):
        ACTIONS[action](request)
        assert request.status is table.next(state, action)
        assert request.version > version
    else:
        with pytest.raises(IllegalTransition):
            ACTIONS[action](request)
        assert request.status is state
        assert request.version == version


def test_a_request_records_its_lines_and_reasons() -> None:
    request = _new()
    [event] = request.drain_events()
    assert isinstance(event, ReturnRequested)
    assert event.number is None
    assert [(u.sku, u.quantity) for u in event.lines] == [("A", 2), ("B", 1)]
    assert event.reasons == ("wrong_size", "wrong_size")
    assert request.outstanding_units == {LINE_A: 2, LINE_B: 1}


def test_approval_gives_the_rma_to_the_return_and_its_events() -> None:
    request = _new()
    request.drain_events()
    ACTIONS[A.APPROVE](request)
    [event] = request.drain_events()
    assert isinstance(event, ReturnApproved)
    assert (event.number, event.receiving_location) == ("RMA-000001", "WH")
    assert request.reference == "RMA-000001"


def test_cancelling_hands_back_only_the_units_not_received() -> None:
    request = _in(S.IN_TRANSIT)
    request.drain_events()
    assert request.cancel(actor="csr", at=AT) == {LINE_A: 2, LINE_B: 1}
    assert isinstance(request.drain_events()[0], ReturnCancelled)


def test_receiving_more_than_is_outstanding_is_refused() -> None:
    request = _in(S.APPROVED)
    with pytest.raises(UnitsBeyondReturn) as refused:
        request.receive({LINE_B: 2}, location="WH", actor="wh", at=AT)
    assert refused.value.problems[0].field == "lines.0"
    assert request.status is S.APPROVED


def test_a_claim_resolves_with_its_own_event_and_a_return_completes_with_its_own() -> None:
    claim = _in(S.COMPLETED, ReturnKind.CLAIM)
    assert isinstance(claim.events[-1], ClaimResolved)
    kept = _in(S.COMPLETED)
    completed = kept.events[-1]
    assert isinstance(completed, ReturnCompleted)
    assert completed.items_kept
    assert kept.refund == Money.of("5", "EUR")


# -- the policy ------------------------------------------------------------------------------


def test_the_default_policy_is_thirty_days_from_delivery_without_fee_or_auto_approval() -> None:
    policy = ReturnPolicy.default("EUR")
    assert (policy.window_days, policy.window_from, policy.version) == (
        30,
        WindowStart.DELIVERY,
        0,
    )
    assert not policy.restocking_fee.charges
    assert policy.return_shipping_paid_by is ShippingPayer.CUSTOMER
    assert not policy.auto_approves([ReturnReason.DAMAGED])


DOCUMENT = {
    "window_days": 30,
    "window_from": "delivery",
    "restocking_fee": {"percent": "10", "fixed": None},
    "return_shipping_paid_by": "merchant",
    "refund_original_shipping": True,
    "auto_approve": True,
    "instant_exchange": False,
    "reasons": {
        "damaged": {"fee": False, "keep_item_under": "20.00", "auto_approve": True},
        "changed_mind": {"fee": True, "auto_approve": False},
    },
    "products": {"SHOE-42": {"returnable": False}, "tee": {"window_days": 14}},
}


def test_a_policy_reads_its_rules_per_reason_and_per_product() -> None:
    policy = ReturnPolicy.parse(DOCUMENT, currency="EUR", version=3)
    assert policy.fee_for("TEE-M", "changed_mind") == FeeRule(percent=Decimal("10"))
    assert policy.fee_for("TEE-M", "damaged") == FeeRule()
    assert policy.window_for("TEE-M", "tee") == 14
    assert policy.window_for("MUG", "mug") == 30
    assert not policy.product_rule("SHOE-42").returnable
    assert policy.reason_rule("damaged").keep_item_under == Money.of("20", "EUR")
    assert policy.auto_approves([ReturnReason.DAMAGED, ReturnReason.WRONG_SIZE])
    assert not policy.auto_approves([ReturnReason.DAMAGED, ReturnReason.CHANGED_MIND])


def test_a_policy_comes_back_from_its_document() -> None:
    policy = ReturnPolicy.parse(DOCUMENT, currency="EUR", version=3)
    again = ReturnPolicy.parse(policy.document(), currency="EUR", version=3)
    assert again == policy


def test_a_bad_policy_names_every_bad_field() -> None:
    bad = {
        "window_days": -1,
        "restocking_fee": {"percent": "120", "fixed": None},
        "reasons": {"bored": {"fee": True}, "damaged": {"keep_item_under": "-1"}},
        "products": {"X": {"restocking_fee": {"percent": "5", "fixed": "2.00"}}},
    }
    with pytest.raises(ReturnPolicyInvalid) as invalid:
        ReturnPolicy.parse(bad, currency="EUR", version=0)
    assert [p.field for p in invalid.value.problems] == [
        "window_days",
        "restocking_fee.percent",
        "reasons.bored",
        "reasons.damaged.keep_item_under",
        "products.X.restocking_fee",
    ]


# -- which lines may come back ---------------------------------------------------------------


def _facts(**changes: object) -> LineFacts:
    values: dict[str, object] = {
        "sku": "TS-1",
        "product": "tee",
        "returnable": True,
        "delivered": 2,
        "returned": 0,
        "asked_back": 0,
        "shipped_at": AT - timedelta(days=12),
        "delivered_at": AT - timedelta(days=10),
    }
    return LineFacts(**(values | changes))  # type: ignore[arg-type]


def _refusals(facts: LineFacts, policy: ReturnPolicy, quantity: int = 1) -> list[str]:
    asked = [AskedLine(line_id=LINE_A, quantity=quantity, reason=ReturnReason.WRONG_SIZE)]
    return [f"{p.field}: {p.message}" for p in refusals(asked, {LINE_A: facts}, policy, now=AT)]


def test_the_window_counts_from_the_shipment_when_no_delivery_came() -> None:
    policy = ReturnPolicy.parse({"window_days": 11}, currency="EUR", version=1)
    assert _refusals(_facts(), policy) == []
    assert _refusals(_facts(delivered_at=None), policy) == [
        "lines.0.line_id: the return window closed on 2026-11-30 (11 days from shipment)"
    ]


def test_a_policy_counting_from_shipment_ignores_the_delivery() -> None:
    policy = ReturnPolicy.parse(
        {"window_days": 11, "window_from": "shipment"}, currency="EUR", version=1
    )
    assert _refusals(_facts(), policy) == [
        "lines.0.line_id: the return window closed on 2026-11-30 (11 days from shipment)"
    ]


def test_quantities_below_one_and_claim_reasons_are_refused_per_line() -> None:
    policy = ReturnPolicy.default("EUR")
    assert _refusals(_facts(), policy, quantity=0) == ["lines.0.quantity: must be at least 1"]
    asked = [AskedLine(line_id=LINE_A, quantity=1, reason=ReturnReason.ITEM_MISSING)]
    assert [p.field for p in refusals(asked, {LINE_A: _facts()}, policy, now=AT)] == [
        "lines.0.reason"
    ]
    unknown = [AskedLine(line_id=LINE_B, quantity=1, reason=ReturnReason.OTHER)]
    assert [p.message for p in refusals(unknown, {LINE_A: _facts()}, policy, now=AT)] == [
        f"the order has no line {LINE_B}"
    ]


def test_a_product_override_by_handle_makes_every_variant_non_returnable() -> None:
    policy = ReturnPolicy.parse(
        {"products": {"tee": {"returnable": False}}}, currency="EUR", version=1
    )
    assert _refusals(_facts(), policy) == ["lines.0.line_id: TS-1 cannot be returned"]
    assert _refusals(_facts(product="mug"), policy) == []
