"""The pure half of sourcing: rules (``rules``), the engine (``engine``), its explanation
(``explanation``) and the errors."""

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
from oms.sourcing.domain.errors import RulesChanged
from oms.sourcing.domain.explanation import explain, summarise
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
    "Pick",
    "Pickup",
    "Ranked",
    "Request",
    "Role",
    "RulesChanged",
    "Short",
    "Site",
    "SourcingRules",
    "Stocked",
    "Strategy",
    "Units",
    "decide",
    "default_rules",
    "explain",
    "parse_rules",
    "stored_rules",
    "summarise",
]
