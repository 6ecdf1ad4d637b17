"""Posting movements: the one path by which stock levels change.

A posting applies every movement's change to its level in one conditional UPDATE and appends the
movements, in the caller's transaction: all of it happens or none does. Rows are created and
locked in primary-key order, so postings touching the same levels queue instead of deadlocking.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from uuid import UUID

from oms.inventory.domain import (
    Change,
    Key,
    Movement,
    Posting,
    StockLevel,
    first_refusal,
    merged,
    refusal,
)
from oms.inventory.domain.events import stock_moved
from oms.inventory.repository import STOCK
from oms.inventory.services._names import labels_for
from oms.inventory.views import Labels
from oms.platform.unit_of_work import Transaction, UnitOfWork


def post(
    movements: Sequence[Movement],
    *,
    uow: UnitOfWork,
    changes: Sequence[Change] | None = None,
    stocked: Mapping[UUID, str] | None = None,
    labels: Labels | None = None,
    locked: bool = False,
) -> Posting:
    """Apply the movements to their levels and append them to the ledger, or refuse them all.

    ``changes`` replaces what the movements ask for (a count adds the on-hand it expects).
    ``stocked`` (SKU by variant id) lets the posting create missing items and levels; without it
    the levels must exist already, as they do for allocations. ``labels`` name ids in refusals.
    ``locked`` says the caller already holds the row locks of every level posted to, taken in
    key order in this transaction (``levels_for_update``), so they are not taken again.
    """
    wanted = merged(changes if changes is not None else [m.change for m in movements])
    keys = [change.key for change in wanted]
    with uow.begin() as tx:
        stock = tx.repo(STOCK)
        if stocked is not None:
            stock.ensure_items(stocked, tx.now)
            stock.ensure_levels(keys, tx.now)
        if len(keys) > 1 and not locked:
            stock.lock_levels(keys)
        applied = stock.apply_changes(wanted, tx.now)
        if len(applied) < len(wanted):
            taken = [change for change in wanted if change.key in applied]
            refused = [change for change in wanted if change.key not in applied]
            applied |= _after_refusal(tx, taken, refused, labels, uow=uow)
        stock.insert_movements(movements)
    in_order = dict.fromkeys(m.key for m in movements)
    return Posting(movements=tuple(movements), levels=tuple(applied[k] for k in in_order))


def _after_refusal(
    tx: Transaction,
    taken: Sequence[Change],
    refused: Sequence[Change],
    labels: Labels | None,
    *,
    uow: UnitOfWork,
) -> dict[Key, StockLevel]:
    """Raise why the levels refused; if they allow the changes by now, apply them under a lock.

    A refused level is read under a row lock (PostgreSQL). If another transaction committed in
    between and the change fits now, it is applied again, still under that lock, so it cannot
    be refused twice for the same reason. A level without a row holds nothing. Before raising,
    the ``taken`` changes are undone: the posting is all or nothing even for a caller that
    catches the refusal and commits its own transaction.
    """
    keys = [change.key for change in refused]
    current = tx.repo(STOCK).levels(keys, lock=True)
    names = labels or labels_for({k[0] for k in keys}, {k[1] for k in keys}, uow=uow)
    errors = [
        error
        for change in refused
        if (
            error := refusal(
                current.get(change.key)
                or StockLevel(variant_id=change.variant_id, location_id=change.location_id),
                change,
                sku=names.sku(change.variant_id),
                location=names.location(change.location_id),
            )
        )
    ]
    if errors:
        _undo(tx, taken)
        raise first_refusal(errors)
    applied = tx.repo(STOCK).apply_changes(refused, tx.now)
    if len(applied) < len(refused):
        raise RuntimeError("a locked stock level refused a change it allows")
    return applied


def _undo(tx: Transaction, taken: Sequence[Change]) -> None:
    """Take back changes a refused posting already applied (their rows are still locked)."""
    if not taken:
        return
    undone = tx.repo(STOCK).apply_changes([change.undo() for change in taken], tx.now)
    if len(undone) < len(taken):
        raise RuntimeError("a stock level refused to undo a change it took")


def record_moves(tx: Transaction, posting: Posting) -> None:
    """Tell others about each movement of ``posting`` and the level it left."""
    by_key = {level.key: level for level in posting.levels}
    tx.record(*(stock_moved(m, by_key[m.key]) for m in posting.movements))
