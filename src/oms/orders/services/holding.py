"""Holds: placed by rules at checkout or by staff, released one at a time (or when due)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING
from uuid import UUID

from sqlalchemy import select

from oms.orders import repository as repo
from oms.orders.domain import (
    DEFAULT_RULES,
    RULE_REASONS,
    Hold,
    HoldNotFound,
    HoldReason,
    HoldRule,
    HoldRuleSetting,
    Order,
    OrderAction,
    OrderNotFound,
    OrderStatus,
    PlacementFacts,
    TimelineEntry,
    triggered,
)
from oms.orders.domain.events import HoldReleased, OrderConfirmed, OrderHeld
from oms.orders.tables import hold_rules
from oms.platform.unit_of_work import Transaction, UnitOfWork
from oms.shared.errors import Invalid
from oms.shared.events import Event
from oms.shared.ids import new_id
from oms.shared.money import Money

if TYPE_CHECKING:
    from oms.orders.services.checks import Draft


@dataclass(frozen=True, kw_only=True)
class PlaceHold:
    order_id: UUID
    reason: HoldReason
    actor: str
    note: str = ""
    auto_release_at: datetime | None = None


@dataclass(frozen=True, kw_only=True)
class ReleaseHold:
    order_id: UUID
    hold_id: UUID
    actor: str
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class SetHoldRule:
    rule: HoldRule
    enabled: bool
    thresholds: dict[str, Money]


def rule_settings(tx: Transaction) -> tuple[HoldRuleSetting, ...]:
    """The merchant's rules: stored overrides on top of the defaults."""
    stored = {
        row.rule: HoldRuleSetting(
            rule=HoldRule(row.rule),
            enabled=row.enabled,
            thresholds={cur: Money.of(amount, cur) for cur, amount in row.thresholds.items()},
        )
        for row in tx.connection.execute(select(hold_rules))
    }
    return tuple(stored.get(default.rule.value, default) for default in DEFAULT_RULES)


def automatic_holds(tx: Transaction, draft: Draft, *, first_order: bool, actor: str) -> list[Hold]:
    """The holds the merchant's rules put on a new order."""
    facts = PlacementFacts(
        total=draft.quote.total,
        shipping_country=draft.shipping_address.country,
        billing_country=draft.billing_address.country if draft.billing_address else None,
        first_order=first_order,
        address_validated=draft.address_validated,
    )
    return [
        Hold(
            id=new_id(),
            reason=RULE_REASONS[rule],
            note=note,
            placed_by=actor,
            placed_at=tx.now,
            rule=rule.value,
        )
        for rule, note in triggered(rule_settings(tx), facts)
    ]


def hold_events(order: Order, holds: Sequence[Hold]) -> list[Event]:
    return [
        OrderHeld(
            aggregate_id=order.id,
            number=order.number,
            hold_id=h.id,
            reason=h.reason.value,
            rule=h.rule,
        )
        for h in holds
    ]


def _locked(tx: Transaction, order_id: UUID) -> Order:
    order = repo.order_by_id(tx.connection, order_id, lock=True)
    if order is None:
        raise OrderNotFound(str(order_id))
    return order


def place_hold(cmd: PlaceHold, *, uow: UnitOfWork, visible_to: str | None = None) -> Order:
    """Stop an order from progressing until this hold is released."""
    with uow.begin() as tx:
        order = _locked(tx, cmd.order_id)
        if visible_to is not None and order.channel != visible_to:
            raise OrderNotFound(str(cmd.order_id))
        if order.status in (OrderStatus.CANCELLED, OrderStatus.COMPLETED):
            order.next_status(OrderAction.CANCEL)  # raises IllegalTransition naming the state
        if cmd.auto_release_at is not None and cmd.auto_release_at <= tx.now:
            raise Invalid("must be in the future", field="auto_release_at")
        hold = Hold(
            id=new_id(),
            reason=cmd.reason,
            note=cmd.note,
            placed_by=cmd.actor,
            placed_at=tx.now,
            auto_release_at=cmd.auto_release_at,
        )
        repo.add_holds(tx.connection, order.id, [hold])
        held = order.with_changes(holds=(*order.holds, hold), version=order.version + 1)
        repo.save_state(tx.connection, held, now=tx.now)
        repo.append_timeline(
            tx.connection,
            order.id,
            [
                TimelineEntry(
                    at=tx.now,
                    actor=cmd.actor,
                    kind="held",
                    summary=f"held ({hold.reason.value}): {hold.note}".rstrip(": "),
                    details={
                        "hold_id": str(hold.id),
                        "reason": hold.reason.value,
                        "auto_release_at": hold.auto_release_at.isoformat()
                        if hold.auto_release_at
                        else None,
                    },
                )
            ],
        )
        tx.record(*hold_events(held, [hold]))
    return held


def release_hold(cmd: ReleaseHold, *, uow: UnitOfWork, visible_to: str | None = None) -> Order:
    """Release one hold; the last one out lets a pending order be confirmed."""
    with uow.begin() as tx:
        order = _locked(tx, cmd.order_id)
        if visible_to is not None and order.channel != visible_to:
            raise OrderNotFound(str(cmd.order_id))
        hold = next((h for h in order.open_holds if h.id == cmd.hold_id), None)
        if hold is None or not repo.release_hold(tx.connection, hold.id, at=tx.now, by=cmd.actor):
            raise HoldNotFound(order.number, str(cmd.hold_id))
        released = order.with_changes(
            holds=tuple(
                replace(h, released_at=tx.now, released_by=cmd.actor) if h.id == hold.id else h
                for h in order.holds
            ),
            version=order.version + 1,
        )
        entries, events = _after_release(tx, released, hold, cmd)
        if not released.on_hold and released.status is OrderStatus.PENDING:
            released = released.with_changes(status=released.next_status(OrderAction.CONFIRM))
            entries.append(
                TimelineEntry(
                    at=tx.now,
                    actor=cmd.actor,
                    kind="confirmed",
                    summary="confirmed: last hold released",
                    details={"before": {"status": "pending"}, "after": {"status": "confirmed"}},
                )
            )
            events.append(OrderConfirmed(aggregate_id=order.id, number=order.number))
        repo.save_state(tx.connection, released, now=tx.now)
        repo.append_timeline(tx.connection, order.id, entries)
        tx.record(*events)
    return released


def _after_release(
    tx: Transaction, order: Order, hold: Hold, cmd: ReleaseHold
) -> tuple[list[TimelineEntry], list[Event]]:
    summary = f"hold released ({hold.reason.value})" + (f": {cmd.note}" if cmd.note else "")
    entries = [
        TimelineEntry(
            at=tx.now,
            actor=cmd.actor,
            kind="hold_released",
            summary=summary,
            details={
                "hold_id": str(hold.id),
                "reason": hold.reason.value,
                "note": cmd.note,
                "still_on_hold": order.on_hold,
            },
        )
    ]
    events: list[Event] = [
        HoldReleased(
            aggregate_id=order.id,
            number=order.number,
            hold_id=hold.id,
            reason=hold.reason.value,
            still_on_hold=order.on_hold,
        )
    ]
    return entries, events


def release_due_holds(*, uow: UnitOfWork, limit: int = 100) -> int:
    """Release holds whose auto-release time has passed (run periodically); returns how many."""
    with uow.read() as tx:
        due = repo.due_holds(tx.connection, tx.now, limit)
    released = 0
    for order_id, hold_id in due:
        try:
            release_hold(
                ReleaseHold(order_id=order_id, hold_id=hold_id, actor="system:auto-release"),
                uow=uow,
            )
        except HoldNotFound:
            continue
        released += 1
    return released


def hold_rule_settings(*, uow: UnitOfWork) -> tuple[HoldRuleSetting, ...]:
    """Every automatic hold rule as it applies now."""
    with uow.read() as tx:
        return rule_settings(tx)


def set_hold_rule(cmd: SetHoldRule, *, uow: UnitOfWork) -> HoldRuleSetting:
    """Turn an automatic rule on or off and set its thresholds."""
    amount_rules = (HoldRule.TOTAL_ABOVE, HoldRule.FIRST_ORDER_ABOVE)
    if cmd.rule not in amount_rules and cmd.thresholds:
        raise Invalid(f"rule {cmd.rule.value} takes no thresholds", field="thresholds")
    if any(m.is_negative() for m in cmd.thresholds.values()):
        raise Invalid("thresholds must not be negative", field="thresholds")
    setting = HoldRuleSetting(rule=cmd.rule, enabled=cmd.enabled, thresholds=dict(cmd.thresholds))
    with uow.begin() as tx:
        repo.save_hold_rule(tx.connection, setting, tx.now)
    return setting
