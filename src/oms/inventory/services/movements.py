"""Use cases that move stock on a person's or system's say: receive, adjust, count, transfer,
set aside, and book returned goods.

Each names its SKU and locations as people do (SKU, location code); an unknown one is refused
naming its field, together with every other bad field of the request.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from uuid import UUID

from oms import catalog, channels
from oms.inventory.domain import (
    DAMAGE_REASON,
    Change,
    Delta,
    Movement,
    MovementKind,
    ReturnDisposition,
    UnavailableReason,
    adjustment_kind,
    adjustment_problems,
    count_problems,
    delta_problem,
    effect,
    quantity_problem,
    text_problems,
)
from oms.inventory.domain.events import StockTransferred
from oms.inventory.services._ledger import post, record_moves
from oms.inventory.views import Labels, StockChange
from oms.platform.unit_of_work import Transaction, UnitOfWork
from oms.shared.errors import FieldProblem, Invalid
from oms.shared.ids import new_id


@dataclass(frozen=True, kw_only=True)
class ReceiveStock:
    sku: str
    location: str
    quantity: int
    actor: str
    reference: str = ""


@dataclass(frozen=True, kw_only=True)
class AdjustStock:
    """``delta`` is signed; reason ``damage`` writes damaged stock off."""

    sku: str
    location: str
    delta: int
    reason: str
    actor: str
    reference: str = ""


@dataclass(frozen=True, kw_only=True)
class CountStock:
    """``expected_on_hand`` is the on-hand the counter started from; a changed one is stale."""

    sku: str
    location: str
    counted: int
    expected_on_hand: int
    actor: str
    reference: str = ""


@dataclass(frozen=True, kw_only=True)
class TransferStock:
    sku: str
    from_location: str
    to_location: str
    quantity: int
    actor: str
    reason: str = ""
    reference: str = ""


@dataclass(frozen=True, kw_only=True)
class ChangeUnavailable:
    """``delta`` > 0 sets stock aside as unavailable; < 0 makes it available again."""

    sku: str
    location: str
    delta: int
    reason: UnavailableReason
    actor: str
    reference: str = ""


@dataclass(frozen=True, kw_only=True)
class ReceiveReturn:
    """Units a customer sent back, received at ``location`` (its code) and inspected."""

    sku: str
    location: str
    quantity: int
    disposition: ReturnDisposition
    reference: str
    """The return (its RMA), kept on every movement."""
    actor: str


@dataclass(frozen=True, slots=True, kw_only=True)
class _Notes:
    """Who moved the stock and why, as the ledger keeps it."""

    actor: str
    reason: str = ""
    reference: str = ""
    correlation_id: UUID | None = None


@dataclass(frozen=True, slots=True)
class _Target:
    """The variant and the locations (by request field) one request names."""

    variant: catalog.VariantRef
    locations: Mapping[str, channels.Location]

    @property
    def labels(self) -> Labels:
        return Labels(
            skus={self.variant.id: self.variant.sku},
            locations={loc.id: loc.code for loc in self.locations.values()},
        )

    def movement(
        self, tx: Transaction, field: str, kind: MovementKind, delta: Delta, notes: _Notes
    ) -> Movement:
        """A movement of this variant at the location the request names in ``field``."""
        return Movement(
            id=new_id(),
            kind=kind,
            variant_id=self.variant.id,
            location_id=self.locations[field].id,
            delta=delta,
            reason=notes.reason,
            actor=notes.actor,
            reference=notes.reference,
            correlation_id=notes.correlation_id,
            occurred_at=tx.now,
        )


def _resolve(
    sku: str, codes: Mapping[str, str], problems: list[FieldProblem], *, uow: UnitOfWork
) -> _Target:
    """Find what the request names; refuse it naming every unknown and otherwise bad field."""
    variant = catalog.find_variants([sku], uow=uow).get(sku)
    if variant is None:
        problems.append(FieldProblem("sku", f"no variant has SKU {sku!r}"))
    known = channels.locations_by_codes(list(codes.values()), uow=uow)
    problems.extend(
        FieldProblem(field, f"no location has code {code!r}")
        for field, code in codes.items()
        if code not in known
    )
    if variant is None or problems:
        raise Invalid("the request has invalid fields", problems=problems)
    return _Target(variant, {field: known[code] for field, code in codes.items()})


def _problems(*found: FieldProblem | None, texts: Mapping[str, str]) -> list[FieldProblem]:
    return [p for p in found if p is not None] + text_problems(**texts)


def _posted(
    target: _Target,
    movements: Sequence[Movement],
    *,
    uow: UnitOfWork,
    changes: Sequence[Change] | None = None,
) -> StockChange:
    posting = post(
        movements,
        uow=uow,
        changes=changes,
        stocked={target.variant.id: target.variant.sku},
        labels=target.labels,
    )
    return StockChange(posting=posting, labels=target.labels)


def receive_stock(cmd: ReceiveStock, *, uow: UnitOfWork) -> StockChange:
    """Book goods that arrived at a location (against a purchase order or delivery note)."""
    problems = _problems(
        quantity_problem(cmd.quantity), texts={"reference": cmd.reference, "actor": cmd.actor}
    )
    with uow.begin() as tx:
        target = _resolve(cmd.sku, {"location": cmd.location}, problems, uow=uow)
        delta = effect(MovementKind.RECEIPT, cmd.quantity)
        notes = _Notes(actor=cmd.actor, reference=cmd.reference)
        movement = target.movement(tx, "location", MovementKind.RECEIPT, delta, notes)
        change = _posted(target, [movement], uow=uow)
        record_moves(tx, change.posting)
    return change


def adjust_stock(cmd: AdjustStock, *, uow: UnitOfWork) -> StockChange:
    """Correct on-hand stock by a signed amount, saying why; ``damage`` writes stock off."""
    problems = adjustment_problems(cmd.reason, cmd.delta) + text_problems(
        reason=cmd.reason, reference=cmd.reference, actor=cmd.actor
    )
    with uow.begin() as tx:
        target = _resolve(cmd.sku, {"location": cmd.location}, problems, uow=uow)
        notes = _Notes(actor=cmd.actor, reason=cmd.reason, reference=cmd.reference)
        kind = adjustment_kind(cmd.reason)
        movement = target.movement(tx, "location", kind, Delta(on_hand=cmd.delta), notes)
        change = _posted(target, [movement], uow=uow)
        record_moves(tx, change.posting)
    return change


def count_stock(cmd: CountStock, *, uow: UnitOfWork) -> StockChange:
    """Set on-hand to what was counted, if it still is what the counter started from."""
    problems = count_problems(cmd.counted, cmd.expected_on_hand) + text_problems(
        reference=cmd.reference, actor=cmd.actor
    )
    with uow.begin() as tx:
        target = _resolve(cmd.sku, {"location": cmd.location}, problems, uow=uow)
        delta = Delta(on_hand=cmd.counted - cmd.expected_on_hand)
        notes = _Notes(actor=cmd.actor, reference=cmd.reference)
        movement = target.movement(tx, "location", MovementKind.CYCLE_COUNT, delta, notes)
        expected = Change(
            variant_id=movement.variant_id,
            location_id=movement.location_id,
            delta=delta,
            expected_on_hand=cmd.expected_on_hand,
        )
        change = _posted(target, [movement], uow=uow, changes=[expected])
        record_moves(tx, change.posting)
    return change


def transfer_stock(cmd: TransferStock, *, uow: UnitOfWork) -> StockChange:
    """Move stock from one location to another; both sides post together or not at all."""
    problems = _problems(
        quantity_problem(cmd.quantity),
        texts={"reason": cmd.reason, "reference": cmd.reference, "actor": cmd.actor},
    )
    if cmd.from_location == cmd.to_location:
        problems.append(FieldProblem("to_location", "must differ from from_location"))
    codes = {"from_location": cmd.from_location, "to_location": cmd.to_location}
    with uow.begin() as tx:
        target = _resolve(cmd.sku, codes, problems, uow=uow)
        transfer_id = new_id()
        notes = _Notes(
            actor=cmd.actor,
            reason=cmd.reason,
            reference=cmd.reference,
            correlation_id=transfer_id,
        )
        sides = [
            target.movement(tx, field, kind, effect(kind, cmd.quantity), notes)
            for field, kind in (
                ("from_location", MovementKind.TRANSFER_OUT),
                ("to_location", MovementKind.TRANSFER_IN),
            )
        ]
        change = _posted(target, sides, uow=uow)
        source, destination = change.posting.levels
        tx.record(
            StockTransferred(
                aggregate_id=target.variant.id,
                transfer_id=transfer_id,
                from_location_id=source.location_id,
                to_location_id=destination.location_id,
                quantity=cmd.quantity,
                from_on_hand=source.on_hand,
                to_on_hand=destination.on_hand,
                reason=cmd.reason,
                reference=cmd.reference,
            )
        )
    return change


def change_unavailable(cmd: ChangeUnavailable, *, uow: UnitOfWork) -> StockChange:
    """Set stock aside as unavailable (damaged, in quality control, safety stock) or release it."""
    problems = _problems(
        delta_problem(cmd.delta), texts={"reference": cmd.reference, "actor": cmd.actor}
    )
    with uow.begin() as tx:
        target = _resolve(cmd.sku, {"location": cmd.location}, problems, uow=uow)
        reason = UnavailableReason(cmd.reason).value
        notes = _Notes(actor=cmd.actor, reason=reason, reference=cmd.reference)
        delta = Delta(unavailable=cmd.delta)
        movement = target.movement(tx, "location", MovementKind.STATUS_CHANGE, delta, notes)
        change = _posted(target, [movement], uow=uow)
        record_moves(tx, change.posting)
    return change


RETURNED_TO_CUSTOMER = "returned to customer"

_AFTER_RESTOCK: Mapping[ReturnDisposition, tuple[MovementKind, Delta, str] | None] = {
    ReturnDisposition.RESTOCK: None,
    ReturnDisposition.DAMAGED: (
        MovementKind.STATUS_CHANGE,
        Delta(unavailable=1),
        UnavailableReason.DAMAGED.value,
    ),
    ReturnDisposition.WRITE_OFF: (MovementKind.DAMAGE, Delta(on_hand=-1), DAMAGE_REASON),
    ReturnDisposition.RETURN_TO_CUSTOMER: (
        MovementKind.FULFILMENT,
        Delta(on_hand=-1),
        RETURNED_TO_CUSTOMER,
    ),
}
"""The movement that follows the restock, per disposition: its kind, delta per unit, reason.
A unit sent back to the customer leaves on-hand only (``fulfilment`` kind, but no allocation
ever held it)."""


def receive_return(cmd: ReceiveReturn, *, uow: UnitOfWork) -> StockChange:
    """Book returned units at the location that received them, as their disposition says.

    Every unit first comes back on hand (``return_restock``: the ledger shows what arrived),
    then ``restock`` leaves it for sale, ``damaged`` sets it aside as unavailable (reason
    ``damaged``), ``write_off`` takes it off hand (``damage``), ``return_to_customer`` sends it
    out again. One posting in the caller's transaction (returns books it with the inspection
    and the order's units returned), so every level still equals its ledger; the location may
    never have stocked the SKU before.
    """
    problems = _problems(
        quantity_problem(cmd.quantity), texts={"reference": cmd.reference, "actor": cmd.actor}
    )
    disposition = ReturnDisposition(cmd.disposition)
    with uow.begin() as tx:
        target = _resolve(cmd.sku, {"location": cmd.location}, problems, uow=uow)
        notes = _Notes(actor=cmd.actor, reason=disposition.value, reference=cmd.reference)
        back = effect(MovementKind.RETURN_RESTOCK, cmd.quantity)
        movements = [target.movement(tx, "location", MovementKind.RETURN_RESTOCK, back, notes)]
        then = _AFTER_RESTOCK[disposition]
        if then is not None:
            kind, per_unit, reason = then
            onward = _Notes(actor=cmd.actor, reason=reason, reference=cmd.reference)
            movements.append(target.movement(tx, "location", kind, per_unit * cmd.quantity, onward))
        change = _posted(target, movements, uow=uow)
        record_moves(tx, change.posting)
    return change
