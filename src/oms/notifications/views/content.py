"""What a mail template sees: plain values gathered for one mail, in the mail's locale.

The composer (``services.mail.composing``) fills these from the other contexts' public reads;
the preview fills them from ``samples``. Templates format them (money, dates, addresses) with
the Babel filters of ``formatting``, so a value here is never pre-formatted text: the same
content renders in every language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from oms.notifications.domain.kinds import NotificationKind
from oms.notifications.domain.settings import MailSettings
from oms.shared.address import Address
from oms.shared.money import Money

DEFAULT_BRAND_COLOUR = MailSettings.default("").brand_colour
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


@dataclass(frozen=True, slots=True, kw_only=True)
class Brand:
    """Who the mail comes from, as the channel's settings present it."""

    name: str
    colour: str = DEFAULT_BRAND_COLOUR
    logo_url: str | None = None

    @classmethod
    def of(cls, settings: MailSettings, *, fallback_name: str) -> Brand:
        """The channel's brand; a colour that is not ``#rrggbb`` (it lands in a stylesheet)
        and a logo that is not https are left out rather than trusted."""
        colour = settings.brand_colour if _COLOUR.match(settings.brand_colour) else None
        logo = settings.logo_url if (settings.logo_url or "").startswith("https://") else None
        return cls(
            name=settings.sender_name or fallback_name,
            colour=colour or DEFAULT_BRAND_COLOUR,
            logo_url=logo,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class MailLine:
    """Units of one item: ``amount`` is what they cost together (None where no price is
    shown, as in a parcel's contents)."""

    sku: str
    name: str
    quantity: int
    unit_price: Money | None = None
    amount: Money | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Place:
    """A store or warehouse the customer goes or sends to."""

    name: str
    address: Address


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderSummary:
    """The order as the customer knows it: number, date, items, totals, where it goes."""

    number: str
    placed_at: datetime
    lines: tuple[MailLine, ...]
    subtotal: Money
    discount: Money
    shipping: Money
    tax: Money
    total: Money
    prices_include_tax: bool
    shipping_address: Address | None
    pickup: Place | None = None
    """The store the order is collected from (a pickup order), else None."""
    balance_due: Money | None = None
    """What the customer still owes (a payment-pending mail); None when not shown."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ParcelSummary:
    """One parcel to the customer; ``carrier`` is the carrier's name as customers know it
    (None for the merchant's own delivery or an unnamed carrier)."""

    number: str
    carrier: str | None
    tracking_number: str | None
    tracking_url: str | None
    lines: tuple[MailLine, ...]
    shipped_at: datetime | None = None
    delivered_at: datetime | None = None
    more_to_follow: bool = False
    """Units of the order are still to be shipped in other parcels."""


@dataclass(frozen=True, slots=True, kw_only=True)
class PickupSummary:
    store: Place
    code: str
    expires_on: date | None


@dataclass(frozen=True, slots=True, kw_only=True)
class ReturnSummary:
    """An approved return or exchange: what goes back, where to, and how.

    ``label`` is ``carrier_label`` when a carrier's prepaid label is attached, ``return_slip``
    when the merchant's slip is (the customer sends the parcel to ``send_to`` themselves), None
    when nothing travels (``items_kept``: the customer keeps the goods)."""

    rma: str
    exchange: bool
    lines: tuple[MailLine, ...]
    send_to: Address | None
    label: str | None
    tracking_number: str | None = None
    items_kept: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class RefundSummary:
    amount: Money
    to_store_credit: bool
    """The money went to the customer's store credit rather than back to their payment."""
    credit_note: str | None = None
    """The credit note's number when one is attached."""


@dataclass(frozen=True, slots=True, kw_only=True)
class StoreCreditSummary:
    amount: Money
    balance: Money


@dataclass(frozen=True, slots=True, kw_only=True)
class MailContent:
    """Everything one mail says. Only the parts its kind uses are set."""

    kind: NotificationKind
    locale: str
    brand: Brand
    customer_name: str
    order: OrderSummary | None = None
    parcel: ParcelSummary | None = None
    pickup: PickupSummary | None = None
    backordered: tuple[MailLine, ...] = ()
    return_: ReturnSummary | None = None
    refund: RefundSummary | None = None
    store_credit: StoreCreditSummary | None = None
