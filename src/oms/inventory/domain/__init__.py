"""The stock ledger: movements, the levels they add up to, and what a channel may promise.

Stock is kept per variant (SKU) and location. Every change is a ``Movement`` appended to the
ledger, never edited or removed; a level row (``on_hand``, ``allocated``, ``unavailable``) is the
running sum of its movements' deltas. A change is accepted only if the level it leaves keeps::

    0 <= allocated,  0 <= unavailable,  allocated + unavailable <= on_hand

so ``available = on_hand - allocated - unavailable`` never goes below zero. The database applies
that rule atomically in one conditional UPDATE; ``refusal`` explains, after the fact, which part of
it a refused change broke.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

from oms.inventory.domain.errors import (
    InsufficientAllocation as InsufficientAllocation,
)
from oms.inventory.domain.errors import (
    InsufficientStock as InsufficientStock,
)
from oms.inventory.domain.errors import (
    InsufficientUnavailable as InsufficientUnavailable,
)
from oms.inventory.domain.errors import (
    PreorderCapReached as PreorderCapReached,
)
from oms.inventory.domain.errors import (
    Shortfall as Shortfall,
)
from oms.inventory.domain.errors import (
    SkuNotFound as SkuNotFound,
)
from oms.inventory.domain.errors import (
    StaleCount as StaleCount,
)
from oms.shared.errors import DomainError, FieldProblem
from oms.shared.money import Money

MAX_QUANTITY = 1_000_000_000
"""Far above any real movement; keeps sums inside 64-bit columns whatever the history."""

MAX_TEXT = 200
"""Longest reason, reference or actor a movement keeps."""

DAMAGE_REASON = "damage"
"""The adjustment reason that records a write-off of damaged stock (movement kind ``damage``)."""


class MovementKind(StrEnum):
    RECEIPT = "receipt"
    ADJUSTMENT = "adjustment"
    CYCLE_COUNT = "cycle_count"
    TRANSFER_OUT = "transfer_out"
    TRANSFER_IN = "transfer_in"
    ALLOCATION = "allocation"
    RELEASE = "release"
    FULFILMENT = "fulfilment"
    RETURN_RESTOCK = "return_restock"
    DAMAGE = "damage"
    STATUS_CHANGE = "status_change"
    """Stock moved into or out of ``unavailable`` (damaged, quality control, safety stock)."""


class UnavailableReason(StrEnum):
    DAMAGED = "damaged"
    QUALITY_CONTROL = "quality_control"
    SAFETY_STOCK = "safety_stock"


class ReturnDisposition(StrEnum):
    """What becomes of returned units once inspected (``receive_return`` books each)."""

    RESTOCK = "restock"
    DAMAGED = "damaged"
    WRITE_OFF = "write_off"
    RETURN_TO_CUSTOMER = "return_to_customer"


@dataclass(frozen=True, slots=True, kw_only=True)
class Delta:
    """How much one movement changes each column of one level."""

    on_hand: int = 0
    allocated: int = 0
    unavailable: int = 0

    @property
    def available(self) -> int:
        """The change in available stock this delta causes."""
        return self.on_hand - self.allocated - self.unavailable

    def __add__(self, other: Delta) -> Delta:
        return Delta(
            on_hand=self.on_hand + other.on_hand,
            allocated=self.allocated + other.allocated,
            unavailable=self.unavailable + other.unavailable,
        )

    def __mul__(self, factor: int) -> Delta:
        return Delta(
            on_hand=self.on_hand * factor,
            allocated=self.allocated * factor,
            unavailable=self.unavailable * factor,
        )


Key = tuple[UUID, UUID]
"""A level's primary key: (variant id, location id). Rows are always locked in this order."""


@dataclass(frozen=True, slots=True, kw_only=True)
class StockLevel:
    variant_id: UUID
    location_id: UUID
    on_hand: int = 0
    allocated: int = 0
    unavailable: int = 0
    safety_stock: int = 0
    """Units sourcing leaves alone here (the filter ``safety_stock`` of the sourcing rules)."""
    bin: str | None = None
    """Where the SKU is shelved at this location (pick lists sort by it)."""
    waiting: int = 0
    """Units of this SKU that order lines wait for, at any location (the item's
    ``backordered``): read with the level when sourcing locks it, so new orders leave arriving
    stock to older backorders. Not part of the level; 0 where it was not read."""

    @property
    def key(self) -> Key:
        return (self.variant_id, self.location_id)

    @property
    def available(self) -> int:
        return self.on_hand - self.allocated - self.unavailable


@dataclass(frozen=True, slots=True, kw_only=True)
class Change:
    """What one movement asks of one level: a delta and, for a count, the on-hand it expects."""

    variant_id: UUID
    location_id: UUID
    delta: Delta
    expected_on_hand: int | None = None

    @property
    def key(self) -> Key:
        return (self.variant_id, self.location_id)

    def undo(self) -> Change:
        """The change that takes a level back to where this one found it.

        A level this change was applied to always accepts its undo: the level it returns to
        kept the ledger's rule before, and the expected on-hand has already been checked.
        """
        return Change(
            variant_id=self.variant_id, location_id=self.location_id, delta=self.delta * -1
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Movement:
    """One entry of the ledger; ``correlation_id`` ties the two sides of a transfer together."""

    id: UUID
    kind: MovementKind
    variant_id: UUID
    location_id: UUID
    delta: Delta
    reason: str
    actor: str
    reference: str
    correlation_id: UUID | None
    occurred_at: datetime

    @property
    def key(self) -> Key:
        return (self.variant_id, self.location_id)

    @property
    def change(self) -> Change:
        return Change(variant_id=self.variant_id, location_id=self.location_id, delta=self.delta)


@dataclass(frozen=True, slots=True, kw_only=True)
class StockLine:
    """A quantity of one variant at one location, as order capture and fulfilment name it."""

    variant_id: UUID
    location_id: UUID
    quantity: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Posting:
    """What one use case appended to the ledger and the levels it left behind."""

    movements: tuple[Movement, ...]
    levels: tuple[StockLevel, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class InventoryItem:
    """Per-SKU settings of the stock ledger; a SKU without an item has the defaults."""

    variant_id: UUID
    sku: str
    low_stock_threshold: int = 0
    allows_backorders: bool = False
    """Order capture may accept more than is available and record the rest as backordered."""
    preorder_release_on: date | None = None
    """A pre-order SKU: until this day every order line of it is backordered whole, whatever
    the stock, and allocated on release (oldest order first)."""
    preorder_cap: int | None = None
    """At most this many units of the SKU may wait at once (the database's CHECK holds it)."""
    unit_cost: Money | None = None
    """What one unit cost the merchant (the inventory report values stock at it); None while
    unknown."""

    def is_preorder(self, today: date) -> bool:
        """Whether orders placed ``today`` pre-order this SKU."""
        return self.preorder_release_on is not None and today < self.preorder_release_on


_UNIT_EFFECT: Mapping[MovementKind, Delta] = {
    MovementKind.RECEIPT: Delta(on_hand=1),
    MovementKind.TRANSFER_OUT: Delta(on_hand=-1),
    MovementKind.TRANSFER_IN: Delta(on_hand=1),
    MovementKind.ALLOCATION: Delta(allocated=1),
    MovementKind.RELEASE: Delta(allocated=-1),
    MovementKind.FULFILMENT: Delta(on_hand=-1, allocated=-1),
    MovementKind.RETURN_RESTOCK: Delta(on_hand=1),
    MovementKind.DAMAGE: Delta(on_hand=-1),
}


def effect(kind: MovementKind, quantity: int) -> Delta:
    """The delta of a movement whose direction its kind fixes (receipts add, fulfilment removes)."""
    return _UNIT_EFFECT[kind] * quantity


def quantity_problem(quantity: int, field: str = "quantity") -> FieldProblem | None:
    """Movement quantities are whole units, at least one."""
    if quantity <= 0:
        return FieldProblem(field, "must be at least 1")
    if quantity > MAX_QUANTITY:
        return FieldProblem(field, f"must be at most {MAX_QUANTITY}")
    return None


def delta_problem(delta: int, field: str = "delta") -> FieldProblem | None:
    """A signed change must change something and stay within the quantity limit."""
    if delta == 0:
        return FieldProblem(field, "must not be zero")
    if abs(delta) > MAX_QUANTITY:
        return FieldProblem(field, f"must be between -{MAX_QUANTITY} and {MAX_QUANTITY}")
    return None


def count_problems(counted: int, expected_on_hand: int) -> list[FieldProblem]:
    """A count and the on-hand it expects are both whole units, zero or more."""
    problems = []
    for field, value in (("counted", counted), ("expected_on_hand", expected_on_hand)):
        if not 0 <= value <= MAX_QUANTITY:
            problems.append(FieldProblem(field, f"must be between 0 and {MAX_QUANTITY}"))
    return problems


def adjustment_problems(reason: str, delta: int) -> list[FieldProblem]:
    """An adjustment says why; a write-off of damaged stock (reason ``damage``) removes stock."""
    problems = [p for p in (delta_problem(delta),) if p]
    if not reason.strip():
        problems.append(FieldProblem("reason", "is required"))
    elif reason == DAMAGE_REASON and delta > 0:
        problems.append(FieldProblem("delta", "must be negative: a damage write-off removes stock"))
    return problems


def adjustment_kind(reason: str) -> MovementKind:
    """Reason ``damage`` records a write-off (kind ``damage``); any other reason, an adjustment."""
    return MovementKind.DAMAGE if reason == DAMAGE_REASON else MovementKind.ADJUSTMENT


def text_problems(**texts: str) -> list[FieldProblem]:
    """Reasons, references and actors are kept up to ``MAX_TEXT`` characters."""
    return [
        FieldProblem(field, f"must be at most {MAX_TEXT} characters")
        for field, text in texts.items()
        if len(text) > MAX_TEXT
    ]


def line_problems(lines: Sequence[StockLine]) -> list[FieldProblem]:
    """A document moves at least one line, each of at least one unit."""
    if not lines:
        return [FieldProblem("lines", "must not be empty")]
    return [
        problem
        for index, line in enumerate(lines)
        if (problem := quantity_problem(line.quantity, f"lines.{index}.quantity"))
    ]


def line_totals(lines: Sequence[StockLine]) -> list[StockLine]:
    """One line per variant and location with the quantities summed, in primary-key order."""
    totals: dict[Key, int] = {}
    for line in lines:
        key = (line.variant_id, line.location_id)
        totals[key] = totals.get(key, 0) + line.quantity
    return [
        StockLine(variant_id=vid, location_id=lid, quantity=totals[(vid, lid)])
        for vid, lid in sorted(totals)
    ]


SETTINGS = (
    "low_stock_threshold",
    "allows_backorders",
    "preorder_release_on",
    "preorder_cap",
    "unit_cost",
)
"""The per-SKU settings a change may give (the pre-order ones and the cost may be set to null:
cleared)."""


def settings_problems(changes: Mapping[str, object]) -> list[FieldProblem]:
    """A settings change changes at least one setting; a threshold and a cap are whole units,
    zero or more."""
    if not changes:
        return [
            FieldProblem(field, f"give at least one of {', '.join(SETTINGS)}") for field in SETTINGS
        ]
    problems = []
    for name in ("low_stock_threshold", "preorder_cap"):
        value = changes.get(name)
        if isinstance(value, int) and not 0 <= value <= MAX_QUANTITY:
            problems.append(FieldProblem(name, f"must be between 0 and {MAX_QUANTITY}"))
    if "low_stock_threshold" in changes and changes["low_stock_threshold"] is None:
        problems.append(FieldProblem("low_stock_threshold", "must be a number"))
    if "allows_backorders" in changes and changes["allows_backorders"] is None:
        problems.append(FieldProblem("allows_backorders", "must be true or false"))
    cost = changes.get("unit_cost_minor")
    if isinstance(cost, int) and cost < 0:
        problems.append(FieldProblem("unit_cost.amount", "must not be negative"))
    return problems


def level_settings_problems(safety_stock: int) -> list[FieldProblem]:
    """Safety stock is whole units, zero or more."""
    if not 0 <= safety_stock <= MAX_QUANTITY:
        return [FieldProblem("safety_stock", f"must be between 0 and {MAX_QUANTITY}")]
    return []


def merged(changes: Sequence[Change]) -> list[Change]:
    """One change per level, in primary-key order: the order rows are locked and updated in."""
    by_key: dict[Key, Change] = {}
    for change in changes:
        seen = by_key.get(change.key)
        if seen is None:
            by_key[change.key] = change
            continue
        if seen.expected_on_hand is not None or change.expected_on_hand is not None:
            raise ValueError("a counted level cannot take another change in the same posting")
        by_key[change.key] = Change(
            variant_id=seen.variant_id,
            location_id=seen.location_id,
            delta=seen.delta + change.delta,
        )
    return [by_key[key] for key in sorted(by_key)]


def refusal(level: StockLevel, change: Change, *, sku: str, location: str) -> DomainError | None:
    """Why ``level`` cannot take ``change``, or None when it can."""
    if change.expected_on_hand is not None and level.on_hand != change.expected_on_hand:
        return StaleCount(
            sku=sku, location=location, expected=change.expected_on_hand, actual=level.on_hand
        )
    delta = change.delta
    if level.allocated + delta.allocated < 0:
        return InsufficientAllocation(
            sku=sku, location=location, requested=-delta.allocated, allocated=level.allocated
        )
    if level.unavailable + delta.unavailable < 0:
        return InsufficientUnavailable(
            sku=sku, location=location, requested=-delta.unavailable, unavailable=level.unavailable
        )
    if level.available + delta.available < 0:
        return InsufficientStock(
            [
                Shortfall(
                    sku=sku,
                    location=location,
                    requested=-delta.available,
                    available=level.available,
                )
            ]
        )
    return None


def first_refusal(refusals: Sequence[DomainError]) -> DomainError:
    """The error to raise for a refused posting: every shortfall at once, else the first refusal."""
    shortfalls = [s for r in refusals if isinstance(r, InsufficientStock) for s in r.shortfalls]
    return InsufficientStock(shortfalls) if shortfalls else refusals[0]
