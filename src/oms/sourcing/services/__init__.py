"""Use cases of the sourcing context: the rules of a channel, the capacity snapshot, where a
destination is, where a return goes; the engine itself is pure (``oms.sourcing.domain``)."""

from oms.sourcing.services.capacity import loads_today, record_load
from oms.sourcing.services.destinations import locate
from oms.sourcing.services.return_locations import choose_return_location
from oms.sourcing.services.rules import PutRules, get_rules, put_rules, rules_history

__all__ = [
    "PutRules",
    "choose_return_location",
    "get_rules",
    "loads_today",
    "locate",
    "put_rules",
    "record_load",
    "rules_history",
]
