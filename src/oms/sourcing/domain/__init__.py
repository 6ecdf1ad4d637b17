"""The pure half of sourcing: rules (``rules``), the engine (``engine``), its explanation
(``explanation``), where returns go (``receiving``) and the errors."""

from oms.sourcing.domain.engine import (
    Decision,
    Destination,
    Found,
    Key,
    Need,
    Pick,
    Ranked,
    Request,
    Role,
    Short,
    Site,
    Stocked,
    Units,
    decide,
)
from oms.sourcing.domain.errors import NoReturnLocation, RulesChanged
from oms.sourcing.domain.explanation import explain, summarise
from oms.sourcing.domain.receiving import Receiver, choose_receiver, rank_receivers
from oms.sourcing.domain.rules import (
    Criterion,
    Filters,
    LocationRule,
    Pickup,
    SourcingRules,
    Strategy,
    default_rules,
    parse_rules,
    stored_rules,
)

__all__ = [
    "Criterion",
    "Decision",
    "Destination",
    "Filters",
    "Found",
    "Key",
    "LocationRule",
    "Need",
    "NoReturnLocation",
    "Pick",
    "Pickup",
    "Ranked",
    "Receiver",
    "Request",
    "Role",
    "RulesChanged",
    "Short",
    "Site",
    "SourcingRules",
    "Stocked",
    "Strategy",
    "Units",
    "choose_receiver",
    "decide",
    "default_rules",
    "explain",
    "parse_rules",
    "rank_receivers",
    "stored_rules",
    "summarise",
]
