"""A channel's sourcing rules: read (cached reference data, ADR 0008) and changed (a new
version; the old ones are kept, so every decision's ``rules_version`` can be looked up)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from oms import channels
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.versions import ExpectedVersion, check_expected
from oms.sourcing.domain import RulesChanged, SourcingRules, default_rules, parse_rules
from oms.sourcing.domain.events import SourcingRulesChanged
from oms.sourcing.repository import RULES

KIND = "sourcing.rules"
"""The reference-data kind of rules, keyed by channel code."""


@dataclass(frozen=True, kw_only=True)
class PutRules:
    """The whole rules document of a channel (the PUT body, shaped by its schema)."""

    channel: str
    document: Mapping[str, Any]
    actor: str
    expected: ExpectedVersion | None = None


def get_rules(channel_code: str, *, uow: UnitOfWork) -> SourcingRules:
    """The channel's rules in force (version 0, the default, until it sets any); cached."""
    with uow.read() as tx:
        repo = tx.repo(RULES)
        return tx.reference.get(
            (KIND, channel_code),
            lambda: repo.current(channel_code) or default_rules(channel_code),
        )


def rules_history(channel_code: str, *, uow: UnitOfWork) -> list[SourcingRules]:
    """Every version the channel had, newest first (version 0 last)."""
    with uow.read() as tx:
        channels.get_channel(channel_code, uow=uow)
        return [*tx.repo(RULES).history(channel_code), default_rules(channel_code)]


def put_rules(cmd: PutRules, *, uow: UnitOfWork) -> SourcingRules:
    """Store the next version of a channel's rules; with ``expected`` (``If-Match``) only over
    the version the caller read (412 otherwise)."""
    with uow.begin() as tx:
        channel = channels.get_channel(cmd.channel, uow=uow)
        known = set(channels.locations_by_codes(_named_locations(cmd.document), uow=uow))
        parsed = parse_rules(
            channel.code, cmd.document, currency=channel.currency, known_locations=known
        )
        repo = tx.repo(RULES)
        current = repo.current(channel.code) or default_rules(channel.code)
        check_expected(cmd.expected, "sourcing rules of", channel.code, current.version)
        rules = replace(
            parsed, version=current.version + 1, created_at=tx.now, created_by=cmd.actor
        )
        if not repo.add(rules, rules.document()):
            raise RulesChanged(channel.code, current.version)
        tx.record(
            SourcingRulesChanged(
                aggregate_id=channel.id, channel=channel.code, version=rules.version
            )
        )
    return rules


def _named_locations(document: Mapping[str, Any]) -> list[str]:
    named = list((document.get("locations") or {}).keys())
    named += list((document.get("pickup") or {}).get("transfer_from", ()))
    return [code for code in dict.fromkeys(named) if isinstance(code, str)]
