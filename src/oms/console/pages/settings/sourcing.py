"""Sourcing rules per channel (``GET/PUT /v1/channels/{code}/sourcing``): which locations may
source an order, how they rank, how an order may split, which warehouses may send stock to a
pickup store; every save is a new version, and the versions are listed."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from starlette.datastructures import FormData

from oms import channels, sourcing
from oms.channels import Channel, Location
from oms.console.pages.settings.fields import FormReader, attempt_form, redirect
from oms.console.shell import ConsoleRequires, FormErrors, Staff, form_data, render
from oms.console.shell.guard import uow_of
from oms.platform.security import Permission
from oms.shared.money import Money
from oms.sourcing import Criterion, SourcingRules

router = APIRouter(prefix="/console/settings", include_in_schema=False)

Reader = Annotated[Staff, Depends(ConsoleRequires(Permission.CHANNELS_READ))]
"""As the API: every role reads the rules (reference data); changing them is configuration."""
Configurer = Annotated[Staff, Depends(ConsoleRequires(Permission.FULFILMENT_CONFIGURE))]
Form = Annotated[FormData, Depends(form_data)]

PAGE = 50
LOCATIONS_SHOWN = 200
VERSIONS_SHOWN = 20
RANK_SLOTS = len(Criterion)


@router.get("/sourcing")
def sourcing_overview(request: Request, _staff: Reader, after: str | None = None) -> Response:
    """Every channel with the version and ranking of its rules in force (cached reference
    data: one read per channel costs no query once warm)."""
    uow = uow_of(request)
    found = channels.list_channels(uow=uow, after=after, limit=PAGE + 1)
    shown = found[:PAGE]
    rows = [(channel, sourcing.get_rules(channel.code, uow=uow)) for channel in shown]
    more = len(found) > PAGE
    context = {
        "rows": rows,
        "next_url": f"/console/settings/sourcing?after={shown[-1].code}" if more else None,
    }
    return render(request, "console/settings/sourcing.html", context)


def values_of(rules: SourcingRules, currency: str) -> dict[str, Any]:
    """The rules written into the form's fields (costs as amounts in the channel's currency)."""
    values: dict[str, Any] = {
        "filters.capacity": rules.filters.capacity,
        "filters.safety_stock": rules.filters.safety_stock,
        "distance_bucket_km": str(rules.distance_bucket_km),
        "strategy.prefer_single_location": rules.strategy.prefer_single_location,
        "strategy.max_shipments": ""
        if rules.strategy.max_shipments is None
        else str(rules.strategy.max_shipments),
        "strategy.allow_partial": rules.strategy.allow_partial,
        "pickup.transfer_from": list(rules.pickup.transfer_from),
        "version": rules.version,
    }
    for slot, criterion in enumerate(rules.ranking):
        values[f"ranking.{slot}"] = criterion.value
    for code, rule in rules.locations.items():
        at = f"locations.{code}"
        values[f"{at}.priority"] = "" if rule.priority is None else str(rule.priority)
        values[f"{at}.cost_per_shipment"] = (
            ""
            if rule.cost_per_shipment is None
            else str(Money.from_minor(rule.cost_per_shipment, currency).amount)
        )
    return values


def _rows(channel: Channel, rules_locations: list[str], every: list[Location]) -> list[Location]:
    """The locations the form has a row for: the channel's serving locations first (in its
    order), then any other location the rules already name."""
    by_code = {location.code: location for location in every}
    codes = [
        *channel.location_codes,
        *(c for c in rules_locations if c not in channel.location_codes),
    ]
    return [by_code[code] for code in codes if code in by_code]


def _page(
    request: Request,
    staff: Staff,
    channel: Channel,
    *,
    values: dict[str, Any] | None = None,
    errors: FormErrors | None = None,
    status: int = 200,
    done: str | None = None,
) -> Response:
    uow = uow_of(request)
    rules = sourcing.get_rules(channel.code, uow=uow)
    every = channels.list_locations(uow=uow, after=None, limit=LOCATIONS_SHOWN)
    context = {
        "channel": channel,
        "rules": rules,
        "values": values if values is not None else values_of(rules, channel.currency),
        "errors": errors,
        "can": staff.can(Permission.FULFILMENT_CONFIGURE),
        "rows": _rows(channel, sorted(rules.locations), every),
        "warehouses": [location for location in every if location.ships],
        "criteria": [criterion.value for criterion in Criterion],
        "slots": range(RANK_SLOTS),
        "history": sourcing.rules_history(channel.code, uow=uow)[:VERSIONS_SHOWN],
        "done": done,
    }
    return render(request, "console/settings/sourcing_channel.html", context, status=status)


@router.get("/sourcing/{code}")
def channel_rules(request: Request, staff: Reader, code: str, done: str | None = None) -> Response:
    channel = channels.get_channel(code, uow=uow_of(request))
    return _page(request, staff, channel, done=done)


def read_rules(read: FormReader, location_codes: list[str]) -> tuple[dict[str, Any], list[int]]:
    """The rules document the form describes (the API's body), and the form slot of each
    ranking entry (a blank slot is skipped)."""
    slots = [slot for slot in range(RANK_SLOTS) if read.text(f"ranking.{slot}")]
    locations: dict[str, Any] = {}
    for code in location_codes:
        at = f"locations.{code}"
        priority = read.whole(f"{at}.priority", minimum=0, maximum=1_000_000)
        cost = read.optional(f"{at}.cost_per_shipment")
        if priority is not None or cost is not None:
            locations[code] = {"priority": priority, "cost_per_shipment": cost}
    document = {
        "filters": {
            "capacity": read.flag("filters.capacity"),
            "safety_stock": read.flag("filters.safety_stock"),
        },
        "ranking": [read.values[f"ranking.{slot}"] for slot in slots],
        "distance_bucket_km": read.whole("distance_bucket_km", minimum=0, maximum=20_000) or 0,
        "locations": locations,
        "strategy": {
            "prefer_single_location": read.flag("strategy.prefer_single_location"),
            "max_shipments": read.whole("strategy.max_shipments", minimum=1, maximum=100),
            "allow_partial": read.flag("strategy.allow_partial"),
        },
        "pickup": {"transfer_from": read.many("pickup.transfer_from")},
    }
    return document, slots


@router.post("/sourcing/{code}")
def save_rules(request: Request, staff: Configurer, code: str, form: Form) -> Response:
    """A new version of the channel's rules, from the version the form was read at."""
    uow = uow_of(request)
    channel = channels.get_channel(code, uow=uow)
    rules = sourcing.get_rules(channel.code, uow=uow)
    every = channels.list_locations(uow=uow, after=None, limit=LOCATIONS_SHOWN)
    rows = _rows(channel, sorted(rules.locations), every)
    read = FormReader(form)
    document, slots = read_rules(read, [location.code for location in rows])
    command = sourcing.PutRules(
        channel=channel.code,
        document=document,
        actor=staff.principal.actor,
        expected=read.version(),
    )

    def save() -> SourcingRules:
        read.done("the sourcing rules have invalid fields")
        return sourcing.put_rules(command, uow=uow)

    def rename(field: str) -> str:
        parts = field.split(".")
        if parts[0] == "ranking" and len(parts) > 1 and parts[1].isdigit():
            index = int(parts[1])
            return f"ranking.{slots[index]}" if index < len(slots) else "ranking.0"
        if parts[0] == "pickup":
            return "pickup.transfer_from"
        return field

    _, errors, status = attempt_form(save, rename=rename)
    if errors is not None:
        return _page(request, staff, channel, values=read.values, errors=errors, status=status)
    return redirect(f"/console/settings/sourcing/{channel.code}", "saved")
