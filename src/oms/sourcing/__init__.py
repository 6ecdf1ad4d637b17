"""Sourcing: which location each order's units come from, by each channel's versioned rules, and
why (every decision is explained).

Orders calls it synchronously inside its own transactions (placement, backorder filling, edits,
rerouting): it hands the engine the candidate locations (``Site``), what each line needs
(``Need``), the stock it locked (``Units``) and the destination (``locate``), and gets a
``Decision`` and its ``explain``-ation back. The rules are cached reference data (ADR 0008);
today's loads come from a snapshot (``loads_today``); nothing here takes a lock or writes on
the placement path. Returns asks it where a parcel goes back to (``choose_return_location``).

Public interface for other contexts; everything else in this package is private.
"""

from oms.shared.events import Event
from oms.sourcing.domain import (
    Criterion,
    Decision,
    Destination,
    Filters,
    Found,
    LocationRule,
    Need,
    NoReturnLocation,
    Pick,
    Pickup,
    Ranked,
    Request,
    Role,
    RulesChanged,
    Short,
    Site,
    SourcingRules,
    Stocked,
    Strategy,
    Units,
    decide,
    default_rules,
    explain,
)
from oms.sourcing.domain.events import SourcingRulesChanged
from oms.sourcing.services import (
    PutRules,
    choose_return_location,
    get_rules,
    loads_today,
    locate,
    put_rules,
    record_load,
    rules_history,
)

__all__ = [
    "EVENTS",
    "Criterion",
    "Decision",
    "Destination",
    "Filters",
    "Found",
    "LocationRule",
    "Need",
    "NoReturnLocation",
    "Pick",
    "Pickup",
    "PutRules",
    "Ranked",
    "Request",
    "Role",
    "RulesChanged",
    "Short",
    "Site",
    "SourcingRules",
    "SourcingRulesChanged",
    "Stocked",
    "Strategy",
    "Units",
    "choose_return_location",
    "decide",
    "default_rules",
    "explain",
    "get_rules",
    "loads_today",
    "locate",
    "put_rules",
    "record_load",
    "rules_history",
]

EVENTS: tuple[type[Event], ...] = (SourcingRulesChanged,)
"""The event types this context publishes (the composition root registers them). Its decisions
are no events: the orders they source record them (the ``sourced`` timeline entry)."""
