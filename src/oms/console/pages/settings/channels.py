"""Channels: the list with a form to open one, and each channel's page with its general
settings and its payment and capture settings (``PATCH /v1/channels/{code}`` does the same
through ``channels.update_channel``). The channel page also shows the sections other contexts
own (customer mail, return policy, tracking-page brand); ``channel_policies`` saves those.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from starlette.datastructures import FormData

from oms import channels
from oms.channels import CaptureMode, Channel, ChannelKind, InvoiceOn
from oms.console.pages.settings import sections
from oms.console.pages.settings.fields import (
    FormReader,
    attempt_form,
    prefix_of,
    redirect,
)
from oms.console.shell import ConsoleRequires, FormErrors, Staff, form_data, render
from oms.console.shell.guard import uow_of
from oms.platform.security import Permission

router = APIRouter(prefix="/console/settings", include_in_schema=False)

Reader = Annotated[Staff, Depends(ConsoleRequires(Permission.CHANNELS_READ))]
Writer = Annotated[Staff, Depends(ConsoleRequires(Permission.CHANNELS_WRITE))]
Form = Annotated[FormData, Depends(form_data)]

PAGE = 50
NAME_LENGTH = 200


def split_codes(raw: str) -> tuple[str, ...]:
    """Location codes typed in order of preference, separated by commas or spaces."""
    return tuple(code for code in raw.replace(",", " ").split() if code)


NEW_CHANNEL: dict[str, Any] = {
    "kind": ChannelKind.WEB.value,
    "default_locale": "en",
    "prices_include_tax": True,
    "active": True,
    "capture": CaptureMode.AT_PLACEMENT.value,
    "invoice_on": InvoiceOn.CAPTURE.value,
}


def _general(read: FormReader) -> dict[str, Any]:
    return {
        "name": read.text("name", required=True, max_length=NAME_LENGTH),
        "kind": read.choice("kind", ChannelKind),
        "currency": read.text("currency", required=True).upper(),
        "default_locale": read.text("default_locale", required=True, max_length=20),
        "location_codes": split_codes(read.text("locations")),
        "allows_backorders": read.flag("allows_backorders"),
        "prices_include_tax": read.flag("prices_include_tax"),
        "active": read.flag("active"),
    }


def _payment(read: FormReader) -> dict[str, Any]:
    return {
        "payment_before_confirmation": read.flag("payment_before_confirmation"),
        "capture": read.choice("capture", CaptureMode),
        "invoice_on": read.choice("invoice_on", InvoiceOn),
    }


def _list_page(
    request: Request,
    staff: Staff,
    *,
    after: str | None,
    values: dict[str, Any] | None = None,
    errors: FormErrors | None = None,
    status: int = 200,
    done: str | None = None,
) -> Response:
    found = channels.list_channels(uow=uow_of(request), after=after, limit=PAGE + 1)
    more = len(found) > PAGE
    shown = found[:PAGE]
    context = {
        "channels": shown,
        "next_url": f"/console/settings/channels?after={shown[-1].code}" if more else None,
        "values": values if values is not None else NEW_CHANNEL,
        "errors": errors,
        "can_write": staff.can(Permission.CHANNELS_WRITE),
        "kind_options": sections.KIND_OPTIONS,
        "captures": list(CaptureMode),
        "invoice_ons": list(InvoiceOn),
        "done": done,
    }
    return render(request, "console/settings/channels.html", context, status=status)


@router.get("/channels")
def channel_list(
    request: Request, staff: Reader, after: str | None = None, done: str | None = None
) -> Response:
    return _list_page(request, staff, after=after, done=done)


@router.post("/channels")
def create_channel(request: Request, staff: Writer, form: Form) -> Response:
    read = FormReader(form)

    def create() -> Channel:
        code = read.text("code", required=True)
        fields = {**_general(read), **_payment(read)}
        read.done("the channel has invalid fields")
        return channels.create_channel(
            channels.CreateChannel(code=code, **fields), uow=uow_of(request)
        )

    created, errors, status = attempt_form(
        create, rename=prefix_of(1), fields={"code-taken": "code"}
    )
    if errors is not None or created is None:
        return _list_page(
            request, staff, after=None, values=read.values, errors=errors, status=status
        )
    return redirect(f"/console/settings/channels/{created.code}", "created")


@router.get("/channels/{code}")
def channel_page(request: Request, staff: Reader, code: str, done: str | None = None) -> Response:
    return sections.render_channel(request, staff, code, done=done)


@router.post("/channels/{code}")
def update_general(request: Request, staff: Writer, code: str, form: Form) -> Response:
    """Name, kind, currency, language, serving locations, backorders, tax-inclusive prices and
    whether the channel is active."""
    return _update(request, staff, code, form, "general", _general)


@router.post("/channels/{code}/payment")
def update_payment(request: Request, staff: Writer, code: str, form: Form) -> Response:
    """Whether orders wait for payment, when payments are captured, what issues invoices."""
    return _update(request, staff, code, form, "payment", _payment)


def _update(
    request: Request,
    staff: Staff,
    code: str,
    form: FormData,
    section: str,
    fields: Any,
) -> Response:
    channel = channels.get_channel(code, uow=uow_of(request))
    read = FormReader(form)

    def update() -> Channel:
        changes = fields(read)
        expected = read.version()
        read.done(f"the channel's {section} settings have invalid fields")
        command = channels.UpdateChannel(code=channel.code, expected=expected, **changes)
        return channels.update_channel(command, uow=uow_of(request))

    _, errors, status = attempt_form(update, rename=prefix_of(1))
    if errors is not None:
        return sections.render_channel(
            request,
            staff,
            channel.code,
            typed=sections.Typed(section, read.values, errors),
            status=status,
        )
    return redirect(f"/console/settings/channels/{channel.code}", section)
