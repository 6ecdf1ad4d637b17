"""HTTP routes of the sourcing context: each channel's rules, their versions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from oms import channels
from oms.platform.http import IfMatch, Tagged, UoW, send_version
from oms.platform.problems import responses
from oms.platform.security import Permission, Principal, Requires
from oms.sourcing import services
from oms.sourcing.schemas import SourcingRulesHistoryOut, SourcingRulesIn, SourcingRulesOut

router = APIRouter(prefix="/v1", tags=["sourcing"])

RulesWriter = Annotated[Principal, Depends(Requires(Permission.FULFILMENT_CONFIGURE))]
RulesReader = Annotated[Principal, Depends(Requires(Permission.CHANNELS_READ))]
"""Every role reads channels, warehouse staff included: the rules are reference data."""


@router.get("/channels/{code}/sourcing", responses=responses(401, 403, 404))
def get_sourcing_rules(
    code: str, principal: RulesReader, uow: UoW, response: Tagged
) -> SourcingRulesOut:
    """The channel's sourcing rules in force; version 0 is the default (the channel's order,
    each line whole at the first location that has it). Its `ETag` is the version."""
    channel = channels.get_channel(code, uow=uow, visible_to=principal.channel_code)
    rules = services.get_rules(channel.code, uow=uow)
    send_version(response, rules.version)
    return SourcingRulesOut.of(rules, channel.currency)


@router.put("/channels/{code}/sourcing", responses=responses(401, 403, 404, 412, 422))
def put_sourcing_rules(
    code: str,
    body: SourcingRulesIn,
    principal: RulesWriter,
    uow: UoW,
    response: Tagged,
    if_match: IfMatch,
) -> SourcingRulesOut:
    """Replace the channel's sourcing rules: a new version (the old ones are kept, and every
    sourcing decision names the version it used). With `If-Match` (optional), rules changed
    since that ETag are refused with 412."""
    command = services.PutRules(
        channel=code,
        document=body.model_dump(mode="json"),
        actor=principal.actor,
        expected=if_match,
    )
    rules = services.put_rules(command, uow=uow)
    send_version(response, rules.version)
    currency = channels.get_channel(code, uow=uow).currency
    return SourcingRulesOut.of(rules, currency)


@router.get("/channels/{code}/sourcing/versions", responses=responses(401, 403, 404))
def list_sourcing_rules_versions(
    code: str, principal: RulesReader, uow: UoW
) -> SourcingRulesHistoryOut:
    """Every version of the channel's sourcing rules, newest first (version 0 last)."""
    channel = channels.get_channel(code, uow=uow, visible_to=principal.channel_code)
    return SourcingRulesHistoryOut(
        items=[
            SourcingRulesOut.of(r, channel.currency)
            for r in services.rules_history(channel.code, uow=uow)
        ]
    )
