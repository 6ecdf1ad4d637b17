"""The return's lifecycle as transition tables: one for returns and exchanges (goods come back),
one for claims (nothing comes back).

A return is ``requested`` by a csr or by the customer, then ``approved`` (an RMA and a receiving
location) or ``declined``. Approved goods travel back (``in_transit``, when a carrier scan or the
customer says so) or are handed over at a store (``approved`` -> ``received`` directly), are
``received`` and ``inspected`` at the receiving location, and the return is ``completed`` once
resolved (refund, store credit, exchange). A return can be ``cancelled`` until its goods arrive.
Under the policy's "keep the item" threshold an approved return is completed without goods
(``KEEP_ITEMS``). A claim (item missing, arrived damaged, wrong item) is decided and resolved;
no goods come back, so it never travels, is never received or inspected.
"""

from __future__ import annotations

from enum import StrEnum

from oms.shared.state_machine import StateMachine


class ReturnStatus(StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"
    DECLINED = "declined"
    IN_TRANSIT = "in_transit"
    RECEIVED = "received"
    """Some or all of the approved units arrived; inspection may have begun."""
    INSPECTED = "inspected"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class ReturnKind(StrEnum):
    RETURN = "return"
    EXCHANGE = "exchange"
    CLAIM = "claim"


class ReturnSource(StrEnum):
    STAFF = "staff"
    CUSTOMER = "customer"


class ReturnAction(StrEnum):
    APPROVE = "approve"
    DECLINE = "decline"
    CANCEL = "cancel"
    MARK_IN_TRANSIT = "mark_in_transit"
    RECEIVE = "receive"
    INSPECT_SOME = "inspect_some"
    """Some received units inspected, others still wait."""
    INSPECT = "inspect"
    """The last received units inspected."""
    KEEP_ITEMS = "keep_items"
    """Resolved without the goods (the customer keeps a damaged item under the threshold)."""
    COMPLETE = "complete"


S = ReturnStatus
A = ReturnAction
_BEFORE_RECEIPT = (S.REQUESTED, S.APPROVED, S.IN_TRANSIT)

RETURN_LIFECYCLE: StateMachine[ReturnStatus, ReturnAction] = StateMachine(
    "return",
    {
        (S.REQUESTED, A.APPROVE): S.APPROVED,
        (S.REQUESTED, A.DECLINE): S.DECLINED,
        (S.APPROVED, A.MARK_IN_TRANSIT): S.IN_TRANSIT,
        (S.APPROVED, A.RECEIVE): S.RECEIVED,
        (S.IN_TRANSIT, A.RECEIVE): S.RECEIVED,
        (S.RECEIVED, A.RECEIVE): S.RECEIVED,
        (S.RECEIVED, A.INSPECT_SOME): S.RECEIVED,
        (S.RECEIVED, A.INSPECT): S.INSPECTED,
        (S.INSPECTED, A.RECEIVE): S.RECEIVED,
        (S.INSPECTED, A.COMPLETE): S.COMPLETED,
        (S.APPROVED, A.KEEP_ITEMS): S.COMPLETED,
        **{(state, A.CANCEL): S.CANCELLED for state in _BEFORE_RECEIPT},
    },
)
"""``RECEIVE`` from ``received`` is a second parcel of the same return; from ``inspected``, the
rest of the approved units arriving after the first parcel was inspected (the return goes back
to ``received`` until they are inspected too)."""

CLAIM_LIFECYCLE: StateMachine[ReturnStatus, ReturnAction] = StateMachine(
    "claim",
    {
        (S.REQUESTED, A.APPROVE): S.APPROVED,
        (S.REQUESTED, A.DECLINE): S.DECLINED,
        (S.APPROVED, A.COMPLETE): S.COMPLETED,
        (S.REQUESTED, A.CANCEL): S.CANCELLED,
        (S.APPROVED, A.CANCEL): S.CANCELLED,
    },
)

OPEN = frozenset({S.REQUESTED, S.APPROVED, S.IN_TRANSIT, S.RECEIVED, S.INSPECTED})
"""Statuses of a return that still holds requested units of the order's lines."""

FINAL = frozenset({S.DECLINED, S.COMPLETED, S.CANCELLED})


def lifecycle_of(kind: ReturnKind) -> StateMachine[ReturnStatus, ReturnAction]:
    """The table a return of ``kind`` moves through."""
    return CLAIM_LIFECYCLE if kind is ReturnKind.CLAIM else RETURN_LIFECYCLE
