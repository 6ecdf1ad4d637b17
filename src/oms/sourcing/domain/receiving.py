"""Where a return goes back to: one location of the channel, ranked by the channel's own rules.

Pure, like the engine, and ranked by the engine's criteria (``criterion_value``), adapted to
goods coming back rather than going out:

- **Candidates**: the channel's active locations, whether or not they ship (a store that only
  hands over pickups still takes a parcel in); capacity and stock do not matter for a receipt.
- **Distance first** when the rules rank by distance at all: the customer (or the merchant)
  pays for the parcel's way back, so the nearest location wins even where the outbound ranking
  puts priority before distance. Within a distance bucket (``distance_bucket_km``) warehouses
  come before stores: a warehouse inspects and restocks as a routine, a store only when it is
  nearer. Without distance in the rules, warehouses come first outright.
- **Then** the rules' other criteria in their order (``stock_on_hand`` means nothing for a
  receipt and ranks every location alike), then the channel's order: deterministic.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID

from oms.sourcing.domain.engine import Destination, Site, criterion_value, priority_of
from oms.sourcing.domain.rules import Criterion, SourcingRules


@dataclass(frozen=True, slots=True, kw_only=True)
class Receiver:
    """A location that may receive returns, as the ranking sees it."""

    site: Site
    store: bool
    """A store (else a warehouse): warehouses are preferred within a distance bucket."""


def rank_receivers(
    rules: SourcingRules, receivers: Sequence[Receiver], destination: Destination
) -> list[Receiver]:
    """The active ``receivers`` best first (see the module's docstring for the order)."""
    active = [r for r in receivers if r.site.active]
    return sorted(active, key=lambda r: _key(r, rules, destination))


def choose_receiver(
    rules: SourcingRules, receivers: Sequence[Receiver], destination: Destination
) -> UUID | None:
    """The id of the location a return to ``destination`` goes to (None: no active location)."""
    ranked = rank_receivers(rules, receivers, destination)
    return ranked[0].site.id if ranked else None


def _order(rules: SourcingRules) -> tuple[Criterion | None, ...]:
    """The criteria for a return; ``None`` marks where the warehouse preference goes."""
    others = tuple(c for c in rules.ranking if c is not Criterion.DISTANCE)
    if Criterion.DISTANCE in rules.ranking:
        return (Criterion.DISTANCE, None, *others)
    return (None, *others)


def _key(receiver: Receiver, rules: SourcingRules, destination: Destination) -> tuple[float, ...]:
    site = receiver.site
    point = destination.point
    distance = None if point is None or site.point is None else point.distance_km(site.point)
    rule = rules.locations.get(site.code)
    values: list[float] = []
    for criterion in _order(rules):
        if criterion is None:
            values.append(1 if receiver.store else 0)
        else:
            values.append(
                criterion_value(
                    criterion,
                    rules,
                    distance_km=distance,
                    priority=priority_of(site, rules),
                    stock_on_hand=0,
                    cost=rule.cost_per_shipment if rule is not None else None,
                )
            )
    values.append(site.position)
    return tuple(values)
