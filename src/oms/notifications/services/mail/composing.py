"""Composing a queued mail: what it says, read from the other contexts, written in the
customer's language.

``compose_mail`` is called by the sender (``sending``) with no transaction open. It reads
everything in one reading transaction (a consistent snapshot) through the other contexts'
public interfaces only (orders, customers, channels, catalog, fulfilment, returns, payments,
invoicing), then renders the templates and any PDF outside it. What a mail carries is made by
another context in its own time: a return's label once the return is approved, a refund's
credit note once invoicing has heard of the refund. Until it exists, ``NotReady`` tells the
sender to try again later rather than send the mail without it. A mail that can never be
written (a pickup code no longer kept, a return cancelled since) is ``MailNotWritable``.

A refund need not have a credit note: invoicing credits only what it invoiced, so a refund of
an order never invoiced gets none. Invoicing does not say which refunds it has considered, so
the mail waits ``CREDIT_NOTE_PATIENCE`` after the refund for one, then goes without.

Product names are the catalogue's translation in the mail's language when it has one, else
the name the order was placed with.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from oms import catalog, channels, customers, fulfilment, invoicing, orders, payments, returns
from oms.notifications.domain.kinds import NotificationKind
from oms.notifications.domain.mail import Attachment, ComposedMail, MailRequest, NotReady
from oms.notifications.views import MailContent, MailNotWritable, MailTemplates
from oms.notifications.views.content import (
    Brand,
    ParcelSummary,
    PickupSummary,
    Place,
    RefundSummary,
    ReturnSummary,
    StoreCreditSummary,
)
from oms.notifications.views.summaries import carrier_name, order_summary, units_of
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.address import Address
from oms.shared.errors import NotFound
from oms.shared.money import Money

K = NotificationKind

CREDIT_NOTE_PATIENCE = timedelta(minutes=15)
"""How long after a refund its mail waits for the credit note before it goes without one."""


@dataclass(frozen=True, slots=True, kw_only=True)
class _Gathered:
    """What one mail says beyond brand and locale, what it carries, and the PDFs to render
    once the reading transaction is over."""

    customer_name: str
    parts: dict[str, Any] = field(default_factory=dict)
    attachments: tuple[Attachment, ...] = ()
    rendered_later: tuple[Callable[[], Attachment], ...] = ()


Gatherer = Callable[[MailRequest, UnitOfWork], _Gathered]


def compose_mail(
    request: MailRequest, *, uow: UnitOfWork, templates: MailTemplates
) -> ComposedMail:
    """Write one mail: subject, HTML and text in the request's locale, with its attachments.

    ``NotReady`` when an attachment it needs is not there yet; ``MailNotWritable`` (of which
    ``TemplateBroken``) when it never can be; the other contexts' not-found errors when what
    it is about is gone."""
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
    attachments = gathered.attachments + tuple(render() for render in gathered.rendered_later)
    return ComposedMail(subject=subject, html=html, text=text, attachments=attachments)


def _brand(request: MailRequest, uow: UnitOfWork) -> Brand:
    """The channel's brand; its name is the sender name, else the channel's own (mail about
    no order has no channel: the deployment's sender name, which the settings carry)."""
    fallback = request.settings.sender_name
    if not fallback and request.settings.channel:
        fallback = channels.get_channel(request.settings.channel, uow=uow).name
    return Brand.of(request.settings, fallback_name=fallback)


def _order(request: MailRequest, uow: UnitOfWork) -> orders.Order:
    if request.order_id is None:
        raise MailNotWritable(f"a {request.kind} mail is about an order, and names none")
    return orders.get_order(request.order_id, uow=uow)


def _reference(request: MailRequest) -> UUID:
    if request.reference_id is None:
        raise MailNotWritable(f"a {request.kind} mail names what it is about, and this one not")
    return request.reference_id


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


def _names(order: orders.Order, request: MailRequest, uow: UnitOfWork) -> dict[str, str]:
    return product_names((line.sku for line in order.lines), request.locale, uow=uow)


def _store(code: str, uow: UnitOfWork) -> Place:
    location = channels.get_location(code, uow=uow)
    return Place(name=location.name, address=location.address)


# -- the order ------------------------------------------------------------------------------


def _payment_pending(request: MailRequest, uow: UnitOfWork) -> _Gathered:
    order = _order(request, uow)
    summary = order_summary(order, _names(order, request, uow), with_balance=True)
    return _Gathered(customer_name=order.buyer.name, parts={"order": summary})


def _backorder(request: MailRequest, uow: UnitOfWork) -> _Gathered:
    order = _order(request, uow)
    names = _names(order, request, uow)
    waiting = [(line.sku, line.backordered_quantity) for line in order.lines]
    lines = units_of(order, waiting, names)
    if not lines:
        raise MailNotWritable(f"no unit of order {order.number} waits for stock any more")
    summary = order_summary(order, names)
    return _Gathered(customer_name=order.buyer.name, parts={"order": summary, "backordered": lines})


def _order_only(request: MailRequest, uow: UnitOfWork) -> _Gathered:
    """The order and nothing else: its confirmation (with the pickup store of a pickup order),
    and the review request (every unit delivered by then)."""
    order = _order(request, uow)
    pickup = _store(order.pickup_location, uow) if order.pickup_location else None
    summary = order_summary(order, _names(order, request, uow), pickup=pickup)
    return _Gathered(customer_name=order.buyer.name, parts={"order": summary})


# -- fulfilment -----------------------------------------------------------------------------


def _parcel(request: MailRequest, uow: UnitOfWork) -> _Gathered:
    order = _order(request, uow)
    shipment = fulfilment.get_shipment(_reference(request), uow=uow)
    names = _names(order, request, uow)
    parcel = ParcelSummary(
        number=shipment.number,
        carrier=carrier_name(shipment.carrier),
        tracking_number=shipment.tracking_number,
        tracking_url=shipment.tracking_url,
        lines=units_of(order, ((x.sku, x.quantity) for x in shipment.lines), names),
        shipped_at=shipment.shipped_at,
        delivered_at=shipment.delivered_at,
        more_to_follow=any(line.open_quantity > 0 for line in order.lines),
    )
    return _Gathered(
        customer_name=order.buyer.name,
        parts={"order": order_summary(order, names), "parcel": parcel},
    )


def _pickup(request: MailRequest, uow: UnitOfWork) -> _Gathered:
    order = _order(request, uow)
    code = request.data.get("pickup_code")
    if not code:
        raise MailNotWritable(
            f"the pickup code of order {order.number} is no longer kept: reissue one"
        )
    store = request.data.get("location") or order.pickup_location
    if not store:
        raise MailNotWritable(f"order {order.number} names no pickup store")
    expires = request.data.get("expires_on")
    pickup = PickupSummary(
        store=_store(str(store), uow),
        code=str(code),
        expires_on=date.fromisoformat(str(expires)) if expires else None,
    )
    summary = order_summary(order, _names(order, request, uow))
    return _Gathered(customer_name=order.buyer.name, parts={"order": summary, "pickup": pickup})


# -- returns and money ----------------------------------------------------------------------


def _return(request: MailRequest, uow: UnitOfWork) -> _Gathered:
    order = _order(request, uow)
    found = returns.get_return(_reference(request), uow=uow)
    if found.status in (returns.ReturnStatus.CANCELLED, returns.ReturnStatus.DECLINED):
        raise MailNotWritable(
            f"return {found.reference} was {found.status.value} since its approval"
        )
    kept = found.status is returns.ReturnStatus.COMPLETED and found.received_at is None
    goes_to = None if kept else found.receiving_location
    label = None if goes_to is None else _label(found.id, goes_to, found.label_tracking, uow)
    names = _names(order, request, uow)
    summary = ReturnSummary(
        rma=found.reference,
        exchange=found.kind is returns.ReturnKind.EXCHANGE,
        lines=units_of(order, ((x.sku, x.quantity) for x in found.lines), names),
        send_to=label.send_to if label else None,
        label=label.kind if label else None,
        tracking_number=found.label_tracking,
        items_kept=kept,
    )
    return _Gathered(
        customer_name=order.buyer.name,
        parts={"order": order_summary(order, names), "return_": summary},
        attachments=(label.attachment,) if label else (),
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class _Label:
    kind: str
    """``carrier_label`` (prepaid, addressed) or ``return_slip`` (the customer addresses it)."""
    attachment: Attachment
    send_to: Address | None


def _label(return_id: UUID, goes_to: str, tracking: str | None, uow: UnitOfWork) -> _Label:
    """The return's stored label as an attachment (a carrier's when it has a tracking number,
    else the slip, sent to the location ``goes_to``); ``NotReady`` until returns made it."""
    try:
        rma, pdf = returns.return_label(return_id, uow=uow)
    except NotFound:
        raise NotReady(f"return {return_id} has no label yet") from None
    attachment = Attachment(filename=f"{rma}.pdf", content_type="application/pdf", data=pdf)
    if tracking:
        return _Label(kind="carrier_label", attachment=attachment, send_to=None)
    location = channels.get_location(goes_to, uow=uow)
    send_to = fulfilment.receiving_address(location)
    return _Label(kind="return_slip", attachment=attachment, send_to=send_to)


def _refund(request: MailRequest, uow: UnitOfWork) -> _Gathered:
    order = _order(request, uow)
    transaction_id = _reference(request)
    payment, moved = _transaction(order.id, transaction_id, uow)
    note = _credit_note(order.id, transaction_id, uow)
    settled_at = moved.settled_at or moved.created_at
    if note is None and uow.clock.now() - settled_at < CREDIT_NOTE_PATIENCE:
        raise NotReady(f"the credit note of refund {transaction_id} is not issued yet")
    refund = RefundSummary(
        amount=moved.amount,
        to_store_credit=payment.provider is payments.ProviderName.STORE_CREDIT,
        credit_note=note.number if note else None,
    )
    summary = order_summary(order, _names(order, request, uow))
    return _Gathered(
        customer_name=order.buyer.name,
        parts={"order": summary, "refund": refund},
        rendered_later=() if note is None else (lambda: _pdf(note.id, uow),),
    )


def _credit_note(
    order_id: UUID, transaction_id: UUID, uow: UnitOfWork
) -> invoicing.Document | None:
    """The credit note invoicing issued for this refund (its issue key names the ledger
    transaction), if it did yet."""
    key = f"refund:{transaction_id}"
    documents = invoicing.order_documents(order_id, uow=uow)
    return next((d for d in documents if d.issue_key == key), None)


def _transaction(
    order_id: UUID, transaction_id: UUID, uow: UnitOfWork
) -> tuple[payments.Payment, payments.PaymentTransaction]:
    for payment in payments.list_payments(order_id, uow=uow):
        for moved in payment.transactions:
            if moved.id == transaction_id:
                return payment, moved
    raise MailNotWritable(f"order {order_id} has no payment transaction {transaction_id}")


def _pdf(document_id: UUID, uow: UnitOfWork) -> Attachment:
    document, pdf = invoicing.document_pdf(document_id, uow=uow)
    return Attachment(filename=f"{document.number}.pdf", content_type="application/pdf", data=pdf)


def _store_credit(request: MailRequest, uow: UnitOfWork) -> _Gathered:
    order = orders.get_order(request.order_id, uow=uow) if request.order_id else None
    customer_id = request.customer_id or (order.buyer.customer_id if order else None)
    if customer_id is None:
        raise MailNotWritable("a store credit mail names no customer")
    customer = customers.get_customer(customer_id, uow=uow)
    amount, balance = _credit(customer_id, _reference(request), request.data, uow)
    parts: dict[str, Any] = {"store_credit": StoreCreditSummary(amount=amount, balance=balance)}
    if order is not None:
        parts["order"] = order_summary(order, _names(order, request, uow))
    return _Gathered(customer_name=customer.name, parts=parts)


def _credit(
    customer_id: UUID, entry_id: UUID, data: Mapping[str, Any], uow: UnitOfWork
) -> tuple[Money, Money]:
    """The entry's amount and the customer's balance in its currency now; the ledger is read
    page by page from the newest entry (an issue mailed is among the latest)."""
    before = None
    while True:
        statement = payments.store_credit_statement(customer_id, uow=uow, before=before)
        for entry in statement.entries:
            if entry.id == entry_id:
                return entry.amount, statement.account.balance(entry.amount.currency)
        if not statement.entries:
            break
        before = statement.entries[-1].position
    if "amount_minor" in data and "currency" in data:
        amount = Money.from_minor(int(data["amount_minor"]), str(data["currency"]))
        return amount, statement.account.balance(amount.currency)
    raise MailNotWritable(f"customer {customer_id} has no store credit entry {entry_id}")


GATHERERS: Mapping[NotificationKind, Gatherer] = {
    K.ORDER_CONFIRMATION: _order_only,
    K.PAYMENT_PENDING: _payment_pending,
    K.ORDER_SHIPPED: _parcel,
    K.READY_FOR_PICKUP: _pickup,
    K.ORDER_DELIVERED: _parcel,
    K.BACKORDER_DELAYED: _backorder,
    K.RETURN_APPROVED: _return,
    K.REFUND_ISSUED: _refund,
    K.STORE_CREDIT_ISSUED: _store_credit,
    K.REVIEW_REQUEST: _order_only,
}
"""How each kind gathers what it says."""
