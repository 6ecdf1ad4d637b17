"""Composing a queued mail: what it says, read from the other contexts, written in the
customer's language.

``compose_mail`` is called by the sender (``sending``) with no transaction open. It reads
everything in one reading transaction (a consistent snapshot) through the other contexts'
public interfaces only (orders, channels, catalog, fulfilment, returns, payments, invoicing),
then renders the templates outside it. What a mail carries as an attachment (a return's label,
a refund's credit note) is made by another context in its own time: until it exists,
``NotReady`` tells the sender to try again later rather than send a mail without it.

Product names are the catalogue's translation in the mail's language when it has one, else
the name the order was placed with.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from oms import catalog, channels, orders
from oms.notifications.domain.kinds import NotificationKind
from oms.notifications.domain.mail import Attachment, ComposedMail, MailRequest
from oms.notifications.views import MailContent, MailTemplates
from oms.notifications.views.content import Brand, Place
from oms.notifications.views.summaries import order_summary
from oms.platform.unit_of_work import UnitOfWork

K = NotificationKind


@dataclass(frozen=True, slots=True, kw_only=True)
class _Gathered:
    """What one mail says (the parts of its ``MailContent`` beyond brand and locale) and
    what it carries."""

    customer_name: str
    parts: dict[str, Any] = field(default_factory=dict)
    attachments: tuple[Attachment, ...] = ()


Gatherer = Callable[[MailRequest, UnitOfWork], _Gathered]


def compose_mail(
    request: MailRequest, *, uow: UnitOfWork, templates: MailTemplates
) -> ComposedMail:
    """Write one mail: subject, HTML and text in the request's locale, with its attachments.

    ``NotReady`` when an attachment it needs is not there yet; the other contexts' not-found
    errors when what it is about is gone; ``TemplateBroken`` for a template that cannot be
    rendered."""
    with uow.read():
        gathered = GATHERERS[request.kind](request, uow)
        brand = _brand(request, uow)
    content = MailContent(
        kind=request.kind,
        locale=request.locale,
        brand=brand,
        customer_name=gathered.customer_name,
        **gathered.parts,
    )
    subject, html, text = templates.render(content)
    return ComposedMail(subject=subject, html=html, text=text, attachments=gathered.attachments)


def _brand(request: MailRequest, uow: UnitOfWork) -> Brand:
    """The channel's brand; its name is the sender name, else the channel's own."""
    fallback = request.settings.sender_name
    if not fallback:
        fallback = channels.get_channel(request.settings.channel, uow=uow).name
    return Brand.of(request.settings, fallback_name=fallback)


def _order(request: MailRequest, uow: UnitOfWork) -> orders.Order:
    if request.order_id is None:
        raise ValueError(f"a {request.kind} mail is about an order, and none was given")
    return orders.get_order(request.order_id, uow=uow)


def product_names(skus: Iterable[str], locale: str, *, uow: UnitOfWork) -> dict[str, str]:
    """Each SKU's product name in ``locale`` where the catalogue translates it (``T-Shirt —
    Schwarz / M``: the variant's option values stay as they are); other SKUs are left out."""
    names = {}
    for sku in dict.fromkeys(skus):
        try:
            detail = catalog.get_variant(sku, uow=uow)
        except catalog.VariantNotFound:
            continue
        product = detail.product
        used, text = product.text_in(locale)
        if used == product.default_locale or not detail.name.startswith(product.name):
            continue
        names[sku] = text.name + detail.name[len(product.name) :]
    return names


def _pickup_store(order: orders.Order, uow: UnitOfWork) -> Place | None:
    if order.pickup_location is None:
        return None
    location = channels.get_location(order.pickup_location, uow=uow)
    return Place(name=location.name, address=location.address)


def _confirmation(request: MailRequest, uow: UnitOfWork) -> _Gathered:
    order = _order(request, uow)
    names = product_names((line.sku for line in order.lines), request.locale, uow=uow)
    summary = order_summary(order, names, pickup=_pickup_store(order, uow))
    return _Gathered(customer_name=order.buyer.name, parts={"order": summary})


GATHERERS: dict[NotificationKind, Gatherer] = {
    K.ORDER_CONFIRMATION: _confirmation,
}
"""How each kind gathers what it says."""
