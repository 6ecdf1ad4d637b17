"""What every customer page stands on: the signed link to an order, the language the page
speaks (the reader's choice, else the order's), the channel's brand, and the order page's data."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Depends, Request, Response
from starlette.datastructures import FormData

from oms import channels, invoicing, orders
from oms.console.shell import Public, form_data, render
from oms.console.shell.guard import Visitor, uow_of
from oms.console.shell.templating import language_of
from oms.console.track import links
from oms.fulfilment.services.lookup import TrackedOrder, track_order
from oms.returns.services import customer

Form = Annotated[FormData, Depends(form_data)]
Anyone = Annotated[Visitor, Depends(Public())]
LANGUAGE_COOKIE = "oms_lang"


class LinkInvalid(Exception):
    """The link is not a live one for this order: the page asks for a new lookup."""


def remember_language(request: Request, response: Response) -> Response:
    """A ``?lang=`` choice is kept (cookie on /track) for the next pages of the visit."""
    chosen = request.query_params.get("lang")
    if chosen:
        response.set_cookie(
            LANGUAGE_COOKIE,
            language_of(chosen),
            max_age=365 * 24 * 3600,
            path="/track",
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
        )
    return response


def speak_to(request: Request, order: orders.Order, channel: channels.Channel) -> None:
    """Unless the reader chose a language, the page speaks the order's (else its channel's)."""
    if request.query_params.get("lang") or request.cookies.get(LANGUAGE_COOKIE):
        return
    request.state.language = language_of(order.buyer.locale or channel.default_locale)


def brand_of(channel: channels.Channel) -> channels.Brand:
    """The channel's brand, named after the channel when the merchant gave no display name."""
    brand = channel.brand
    return channels.Brand(
        name=brand.name or channel.name,
        logo_url=brand.logo_url,
        primary_colour=brand.primary_colour,
        accent_colour=brand.accent_colour,
    )


def order_url(number: str, token: str, **more: str) -> str:
    return f"/track/{number}?" + urlencode({"t": token, **more})


def linked_order(request: Request, number: str, token: str | None) -> orders.Order:
    """The order the link opens; ``LinkInvalid`` for a wrong, forged or expired link."""
    claim = links.read(token)
    if claim is None:
        raise LinkInvalid
    try:
        order = orders.get_order(claim.order_id, uow=uow_of(request))
    except orders.OrderNotFound:
        raise LinkInvalid from None
    if not links.opens(request, claim, order, number):
        raise LinkInvalid
    return order


def link_invalid_page(request: Request) -> Response:
    return render(request, "track/link_invalid.html", {}, status=404)


def order_context(request: Request, order: orders.Order, token: str) -> dict[str, Any]:
    """Everything the order page shows, read for the order the link opened."""
    uow = uow_of(request)
    channel = channels.get_channel(order.channel, uow=uow)
    speak_to(request, order, channel)
    tracked: TrackedOrder = track_order(order.number, order.buyer.email, uow=uow)
    now = request.app.state.clock.now()
    return {
        "order": tracked.order,
        "tracked": tracked,
        "documents": invoicing.order_documents(order.id, uow=uow),
        "returns": customer.order_returns(order, uow=uow),
        "options": customer.return_options(tracked.order, uow=uow, now=now),
        "brand": brand_of(channel),
        "token": token,
        "language_carry": {"t": token},
        "query": urlencode({"t": token}),
    }
