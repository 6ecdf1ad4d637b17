"""Validating a new order: everything it must pass before it is written, reported at once.

A step of placement (below it: it imports no use case). Each check returns problems instead of
raising, so a client learns every bad field in one 422: unknown SKUs, SKUs not sold on the
channel, quantities, addresses, the destination, the pickup location and the customer's
details. Attaching the buyer to their customer profile (found in one statement that locks it,
or created) is one of the checks (it validates the details); it runs in the caller's
transaction, so a refused order leaves no profile behind.
What passes is a ``Draft``: priced, with the buyer as the caller sent them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from oms import catalog, channels, customers
from oms.orders.domain import Buyer, InvalidOrder
from oms.orders.domain.commands import PlaceOrder
from oms.orders.pricing import PricedLine, Quote, QuoteRequest, ShippingMethod, quote
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.address import Address, normalise
from oms.shared.errors import FieldProblem, Invalid, NotFound
from oms.shared.locale import normalise_locale
from oms.shared.phone import to_e164


@dataclass(frozen=True, slots=True)
class Item:
    variant: catalog.VariantRef
    position: int
    """Index of the line in the request, for naming fields (``lines.3.discount``)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Draft:
    """A fully validated order request, priced, with its buyer."""

    items: tuple[Item, ...]
    quote: Quote
    buyer: Buyer
    shipping_address: Address
    billing_address: Address | None
    address_validated: bool
    pickup: channels.Location | None
    new_buyer: bool = False
    """The buyer's customer profile was created by this order (so it is their first)."""


def find_channel(code: str, *, uow: UnitOfWork) -> channels.Channel:
    """The channel an order is placed on; unknown or inactive is a 422 on ``channel``."""
    try:
        found = channels.get_channel(code, uow=uow)
    except NotFound:
        raise InvalidOrder(f"no channel has code {code!r}", field="channel") from None
    if not found.active:
        raise InvalidOrder(f"channel {code!r} is not active", field="channel")
    return found


def validate(cmd: PlaceOrder, sales: channels.Channel, *, uow: UnitOfWork) -> Draft:
    """Check the whole request; raise one ``InvalidOrder`` naming every problem."""
    problems: list[FieldProblem] = []
    items, priced = _lines(cmd, sales, problems, uow=uow)
    shipping, billing, validated = _addresses(cmd, sales, problems)
    pickup = _pickup(cmd, sales, problems, uow=uow)
    attached = _buyer(cmd, sales, problems, uow=uow)
    destination = pickup.address.country if pickup else shipping.country
    positions = [item.position for item in items]
    priced_quote = _quote(cmd, sales, priced, destination, positions, problems, uow=uow)
    if not cmd.lines:
        problems.append(FieldProblem("lines", "an order needs at least one line"))
    if problems or attached is None or priced_quote is None:
        raise InvalidOrder("the order has invalid fields", problems=problems)
    buyer, new_buyer = attached
    return Draft(
        items=tuple(items),
        quote=priced_quote,
        buyer=buyer,
        new_buyer=new_buyer,
        shipping_address=shipping,
        billing_address=billing,
        address_validated=validated,
        pickup=pickup,
    )


def _lines(
    cmd: PlaceOrder, sales: channels.Channel, problems: list[FieldProblem], *, uow: UnitOfWork
) -> tuple[list[Item], list[PricedLine]]:
    skus = [line.sku for line in cmd.lines]
    variants = catalog.find_variants(skus, uow=uow)
    prices = catalog.prices_for(skus, sales.code, uow=uow, currency=sales.currency)
    own_prices = sales.kind is channels.ChannelKind.MARKETPLACE
    items: list[Item] = []
    priced: list[PricedLine] = []
    for index, line in enumerate(cmd.lines):
        at = f"lines.{index}"
        found: list[FieldProblem] = []
        if line.quantity <= 0:
            found.append(FieldProblem(f"{at}.quantity", "must be at least 1"))
        variant = variants.get(line.sku)
        price = (
            line.unit_price if own_prices and line.unit_price is not None else prices.get(line.sku)
        )
        if variant is None:
            found.append(FieldProblem(f"{at}.sku", f"unknown SKU {line.sku!r}"))
        elif not variant.active:
            found.append(FieldProblem(f"{at}.sku", f"{line.sku} is not for sale"))
        elif line.unit_price is not None and not own_prices:
            found.append(
                FieldProblem(
                    f"{at}.unit_price",
                    f"{sales.code} sells at its price list; only marketplaces send prices",
                )
            )
        elif price is None:
            found.append(FieldProblem(f"{at}.sku", f"{line.sku} is not sold on {sales.code}"))
        elif price.currency != sales.currency:
            found.append(FieldProblem(f"{at}.unit_price", f"must be in {sales.currency}"))
        problems.extend(found)
        if not found and variant is not None and price is not None:
            items.append(Item(variant, index))
            priced.append(
                PricedLine(
                    sku=variant.sku,
                    quantity=line.quantity,
                    unit_price=price,
                    tax_category=str(variant.tax_category),
                    discount=line.discount,
                )
            )
    return items, priced


def _addresses(
    cmd: PlaceOrder, sales: channels.Channel, problems: list[FieldProblem]
) -> tuple[Address, Address | None, bool]:
    """Validated addresses. A marketplace's order is already sold, so its address is taken as
    sent and the order is held for review instead of refused (rule ``unvalidated_address``)."""
    validated = True
    try:
        shipping = normalise(cmd.shipping_address, at="shipping_address")
    except Invalid as error:
        if (
            sales.kind is not channels.ChannelKind.MARKETPLACE
            or cmd.shipping_method is ShippingMethod.PICKUP
        ):
            problems.extend(error.problems)
        shipping, validated = (
            replace(cmd.shipping_address, country=cmd.shipping_address.country.upper()),
            False,
        )
    billing = None
    if cmd.billing_address is not None:
        try:
            billing = normalise(cmd.billing_address, at="billing_address")
        except Invalid as error:
            problems.extend(error.problems)
    return shipping, billing, validated


def _pickup(
    cmd: PlaceOrder, sales: channels.Channel, problems: list[FieldProblem], *, uow: UnitOfWork
) -> channels.Location | None:
    if cmd.shipping_method is not ShippingMethod.PICKUP:
        if cmd.pickup_location:
            problems.append(FieldProblem("pickup_location", "is only for shipping_method pickup"))
        return None
    if not cmd.pickup_location:
        problems.append(FieldProblem("pickup_location", "is required for pickup"))
        return None
    location = channels.locations_by_codes([cmd.pickup_location], uow=uow).get(cmd.pickup_location)
    if location is None:
        problems.append(
            FieldProblem("pickup_location", f"no location has code {cmd.pickup_location!r}")
        )
    elif not (location.offers_pickup and location.active):
        problems.append(FieldProblem("pickup_location", f"{location.code} offers no pickup"))
    elif location.code not in sales.location_codes:
        problems.append(
            FieldProblem("pickup_location", f"{location.code} does not serve {sales.code}")
        )
    else:
        return location
    return None


def _buyer(
    cmd: PlaceOrder, sales: channels.Channel, problems: list[FieldProblem], *, uow: UnitOfWork
) -> tuple[Buyer, bool] | None:
    """The buyer as the caller sent them, attached to the customer with that email (one
    statement when the customer exists; it locks the profile until the order commits), and
    whether this order created that customer.

    The snapshot is made of what was sent (a national phone number read in the shipping
    country's format), never of the stored profile: a caller must not read back personal data
    it did not send, such as the phone of a customer another channel knows.
    """
    details = cmd.customer
    phone = details.phone
    if phone:
        try:
            phone = to_e164(phone, region=cmd.shipping_address.country, field="customer.phone")
        except Invalid as error:
            problems.extend(error.problems)
            return None
    try:
        customer = customers.attach_buyer(
            customers.FindOrCreateCustomer(
                email=details.email, name=details.name, phone=phone, locale=details.locale
            ),
            uow=uow,
        )
    except Invalid as error:
        problems.extend(FieldProblem(f"customer.{p.field}", p.message) for p in error.problems)
        return None
    buyer = Buyer(
        customer_id=customer.id,
        # The profile was found by this email's key: its address lower-cased is the one sent,
        # normalised (the customers context owns the normalisation).
        email=customer.email.lower(),
        name=details.name.strip(),
        phone=phone or None,
        locale=normalise_locale(details.locale) if details.locale else sales.default_locale,
    )
    return buyer, customer.created


def _quote(
    cmd: PlaceOrder,
    sales: channels.Channel,
    priced: Sequence[PricedLine],
    destination: str,
    positions: list[int],
    problems: list[FieldProblem],
    *,
    uow: UnitOfWork,
) -> Quote | None:
    pickup = cmd.shipping_method is ShippingMethod.PICKUP
    try:
        return quote(
            QuoteRequest(
                currency=sales.currency,
                prices_include_tax=sales.prices_include_tax,
                country=destination,
                shipping_method=cmd.shipping_method,
                lines=tuple(priced),
            ),
            uow=uow,
            positions=positions,
            country_field="pickup_location" if pickup else "shipping_address.country",
        )
    except Invalid as error:
        problems.extend(error.problems)
        return None
