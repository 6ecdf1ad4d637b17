"""Holds: placed by staff (rules place them at checkout, in the order itself), released one at a
time or when due; and the merchant's automatic hold rules."""

from __future__ import annotations

from oms.orders.domain import (
    HoldNotFound,
    HoldRule,
    HoldRuleSetting,
    Order,
)
from oms.orders.domain.commands import PlaceHold, ReleaseHold, SetHoldRule
from oms.orders.repository import HOLD_RULES, ORDERS
from oms.orders.services import hold_rules
from oms.orders.services.completion import complete_when_done
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.errors import Invalid


def place_hold(cmd: PlaceHold, *, uow: UnitOfWork, visible_to: str | None = None) -> Order:
    """Stop an order from progressing until this hold is released."""
    with uow.begin() as tx:
        orders = tx.repo(ORDERS)
        order = orders.get(cmd.order_id, lock=True, visible_to=visible_to)
        order.hold(
            cmd.reason,
            note=cmd.note,
            actor=cmd.actor,
            at=tx.now,
            auto_release_at=cmd.auto_release_at,
        )
        orders.save(order)
        tx.record(*order.drain_events())
    return order


def release_hold(cmd: ReleaseHold, *, uow: UnitOfWork, visible_to: str | None = None) -> Order:
    """Release one hold; the last one out lets a pending order be confirmed, and completes an
    order whose units all arrived and which is paid while it was held (a hold stops completion,
    so nothing else would complete it)."""
    with uow.begin() as tx:
        orders = tx.repo(ORDERS)
        order = orders.get(cmd.order_id, lock=True, visible_to=visible_to)
        order.release(cmd.hold_id, note=cmd.note, actor=cmd.actor, at=tx.now)
        complete_when_done(order, actor=cmd.actor, at=tx.now, uow=uow)
        orders.save(order)
        tx.record(*order.drain_events())
    return order


def release_due_holds(*, uow: UnitOfWork, limit: int = 100) -> int:
    """Release holds whose auto-release time has passed (run periodically); returns how many."""
    with uow.read() as tx:
        due = tx.repo(ORDERS).due_holds(tx.now, limit=limit)
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
    """Every automatic hold rule as it applies now (cached reference data: read only)."""
    return hold_rules.in_force(uow=uow)


def set_hold_rule(cmd: SetHoldRule, *, uow: UnitOfWork) -> HoldRuleSetting:
    """Turn an automatic rule on or off and set its thresholds."""
    amount_rules = (HoldRule.TOTAL_ABOVE, HoldRule.FIRST_ORDER_ABOVE)
    if cmd.rule not in amount_rules and cmd.thresholds:
        raise Invalid(f"rule {cmd.rule.value} takes no thresholds", field="thresholds")
    if any(m.is_negative() for m in cmd.thresholds.values()):
        raise Invalid("thresholds must not be negative", field="thresholds")
    setting = HoldRuleSetting(rule=cmd.rule, enabled=cmd.enabled, thresholds=dict(cmd.thresholds))
    with uow.begin() as tx:
        tx.repo(HOLD_RULES).save(setting, tx.now)
        tx.forget_reference()
    return setting
