"""Use cases other contexts call as orders move: allocate, release, fulfil, restock returns.

They work on many lines at once, by variant and location id, in one set-based posting: the
lines of an order allocate together or not at all, and a refusal names every shortfall so the
caller can source the rest elsewhere. They join the caller's transaction when given its unit of
work, so an order and its allocations commit together.

To plan an allocation from exact figures, a caller first locks the levels it may source from
with ``levels_for_update`` in its transaction; no other writer can change them until it
commits, so the allocation it then posts from that plan cannot be refused.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from uuid import UUID

from oms.inventory.domain import (
    Key,
    Movement,
    MovementKind,
    Posting,
    StockLevel,
    StockLine,
    effect,
    line_problems,
    line_totals,
    text_problems,
)
from oms.inventory.repository import STOCK
from oms.inventory.services._ledger import post, record_moves
from oms.inventory.services._names import location_codes
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.errors import FieldProblem, collect
from oms.shared.ids import new_id


@dataclass(frozen=True, kw_only=True)
class StockLines:
    """The lines of one document (an order, a shipment, a return) that move stock together."""

    lines: tuple[StockLine, ...]
    reference: str
    actor: str


def _post_lines(
    cmd: StockLines,
    kind: MovementKind,
    *,
    uow: UnitOfWork,
    creates: bool = False,
    locked: bool = False,
) -> Posting:
    collect(line_problems(cmd.lines) + text_problems(reference=cmd.reference, actor=cmd.actor))
    with uow.begin() as tx:
        movements = [
            Movement(
                id=new_id(),
                kind=kind,
                variant_id=line.variant_id,
                location_id=line.location_id,
                delta=effect(kind, line.quantity),
                reason="",
                actor=cmd.actor,
                reference=cmd.reference,
                correlation_id=None,
                occurred_at=tx.now,
            )
            for line in line_totals(cmd.lines)
        ]
        stocked = _stocked(cmd.lines, uow=uow) if creates else None
        posting = post(movements, uow=uow, stocked=stocked, locked=locked)
        record_moves(tx, posting)
    return posting


def _stocked(lines: tuple[StockLine, ...], *, uow: UnitOfWork) -> dict[UUID, str]:
    """SKUs of the lines' variants; every variant and location must be known to inventory."""
    with uow.read() as tx:
        items = tx.repo(STOCK).items({line.variant_id for line in lines})
    codes = location_codes({line.location_id for line in lines}, uow=uow)
    problems: list[FieldProblem] = []
    for index, line in enumerate(lines):
        if line.variant_id not in items:
            problems.append(FieldProblem(f"lines.{index}.variant_id", "was never stocked"))
        if line.location_id not in codes:
            problems.append(FieldProblem(f"lines.{index}.location_id", "is not a location"))
    collect(problems)
    return {vid: item.sku for vid, item in items.items()}


def levels_for_update(keys: Collection[Key], *, uow: UnitOfWork) -> dict[Key, StockLevel]:
    """Levels of (variant id, location id) keys, held still until the caller's transaction ends.

    What the caller plans from them still holds when it allocates; a key without a level is
    absent (it holds nothing). Call it inside the caller's write transaction: on PostgreSQL the
    rows are locked (``FOR NO KEY UPDATE``) in primary-key order, so callers naming the same
    keys in any order queue instead of deadlocking; on SQLite the write transaction (``BEGIN
    IMMEDIATE``) already excludes every other writer.
    """
    if not keys:
        return {}
    with uow.begin() as tx:
        return tx.repo(STOCK).levels(keys, lock=True)


def read_levels(keys: Collection[Key], *, uow: UnitOfWork) -> dict[Key, StockLevel]:
    """Levels of (variant id, location id) keys as they are now, without locking them: for a
    preview of what could be allocated (a key without a level is absent)."""
    if not keys:
        return {}
    with uow.read() as tx:
        return tx.repo(STOCK).levels(keys)


def allocate(cmd: StockLines, *, uow: UnitOfWork, locked: bool = False) -> Posting:
    """Reserve available stock for order lines, all or nothing; a refusal names every shortfall.

    Pass ``locked=True`` only when every level of ``cmd`` was locked with ``levels_for_update``
    in the same transaction: the posting then skips taking those row locks a second time (the
    key order of the locks is the one ``levels_for_update`` took them in).
    """
    return _post_lines(cmd, MovementKind.ALLOCATION, uow=uow, locked=locked)


def release(cmd: StockLines, *, uow: UnitOfWork) -> Posting:
    """Give allocated stock back to availability (a cancelled or re-sourced line)."""
    return _post_lines(cmd, MovementKind.RELEASE, uow=uow)


def fulfil(cmd: StockLines, *, uow: UnitOfWork) -> Posting:
    """Ship allocated stock: it leaves ``on_hand`` and ``allocated`` together."""
    return _post_lines(cmd, MovementKind.FULFILMENT, uow=uow)


def restock(cmd: StockLines, *, uow: UnitOfWork) -> Posting:
    """Put returned goods back on hand at a location (which may not have stocked them before)."""
    return _post_lines(cmd, MovementKind.RETURN_RESTOCK, uow=uow, creates=True)
