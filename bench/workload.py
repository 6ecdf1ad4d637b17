"""What the measured orders look like: who buys, where to, and which SKUs.

Buyers are numbered: buyer ``n`` has the same name, email and address wherever it appears, so
the stored history's customers are the ones who order again during the run. Orders have 1-5
lines of distinct SKUs, 1-3 units each, shipped to Germany on the ``web`` channel; the hot-SKU
scenario buys only from three SKUs.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

FIRST_NAMES = (
    "Anna", "Ben", "Clara", "David", "Emma", "Felix", "Greta", "Hannah", "Jonas", "Karl",
    "Lea", "Lukas", "Marie", "Max", "Mia", "Noah", "Paul", "Sophie", "Tom", "Zoe",
)  # fmt: skip
LAST_NAMES = (
    "Becker", "Fischer", "Hoffmann", "Koch", "Meyer", "Müller", "Richter", "Schäfer",
    "Schmidt", "Schneider", "Schulz", "Wagner", "Weber", "Wolf", "Zimmermann", "Braun",
)  # fmt: skip
DOMAINS = ("example.com", "example.org", "example.net", "mail.example.de")
CITIES = (
    ("Berlin", "10115"), ("Hamburg", "20095"), ("München", "80331"), ("Köln", "50667"),
    ("Frankfurt am Main", "60311"), ("Stuttgart", "70173"), ("Leipzig", "04109"),
    ("Düsseldorf", "40213"),
)  # fmt: skip
STREETS = ("Hauptstraße", "Bahnhofstraße", "Gartenweg", "Lindenallee", "Schulstraße", "Ringstraße")
VAT = 0.19
"""Germany's standard rate: the web channel's prices include it."""
SHIPPING_MINOR = 490
FREE_SHIPPING_FROM_MINOR = 6000


@dataclass(frozen=True, slots=True)
class Buyer:
    number: int
    email: str
    name: str
    address: dict[str, str]


def buyer(n: int) -> Buyer:
    """Buyer number ``n``: always the same person, with a unique email."""
    first = FIRST_NAMES[n % len(FIRST_NAMES)]
    last = LAST_NAMES[(n // len(FIRST_NAMES)) % len(LAST_NAMES)]
    city, postal_code = CITIES[n % len(CITIES)]
    local = f"{first}.{last}".lower().replace("ä", "ae").replace("ü", "ue")
    return Buyer(
        number=n,
        email=f"{local}.{n}@{DOMAINS[n % len(DOMAINS)]}",
        name=f"{first} {last}",
        address={
            "name": f"{first} {last}",
            "line1": f"{STREETS[n % len(STREETS)]} {n % 97 + 1}",
            "city": city,
            "postal_code": postal_code,
            "country": "DE",
        },
    )


@dataclass(frozen=True, slots=True)
class OrderSpec:
    buyer: Buyer
    lines: tuple[tuple[str, int], ...]
    """(SKU, quantity) per line, SKUs distinct."""

    def body(self) -> dict[str, Any]:
        """The order as the HTTP API takes it."""
        return {
            "channel": "web",
            "customer": {"email": self.buyer.email, "name": self.buyer.name, "locale": "de-DE"},
            "shipping_address": self.buyer.address,
            "lines": [{"sku": sku, "quantity": quantity} for sku, quantity in self.lines],
        }


class OrderStream:
    """An endless, seeded stream of orders from existing buyers."""

    def __init__(self, skus: Sequence[str], buyers: int, seed: int, *, hot: bool = False) -> None:
        self._skus = list(skus[:3] if hot else skus)
        self._buyers = buyers
        self._rng = random.Random(seed)  # noqa: S311 (benchmark data, not secrets)

    def next(self) -> OrderSpec:
        rng = self._rng
        count = rng.randint(1, min(5, len(self._skus)))
        lines = tuple((sku, rng.choice((1, 1, 1, 2, 3))) for sku in rng.sample(self._skus, count))
        return OrderSpec(buyer(rng.randrange(self._buyers)), lines)


def totals(line_subtotals: Sequence[int]) -> dict[str, int]:
    """An order's money in cents as the web channel charges it: VAT included, shipping 4.90
    below 60.00."""
    subtotal = sum(line_subtotals)
    shipping = 0 if subtotal >= FREE_SHIPPING_FROM_MINOR else SHIPPING_MINOR
    return {
        "subtotal_minor": subtotal,
        "shipping_minor": shipping,
        "shipping_tax_minor": included_vat(shipping),
        "discount_minor": 0,
        "tax_minor": included_vat(subtotal) + included_vat(shipping),
        "total_minor": subtotal + shipping,
    }


def included_vat(gross_minor: int) -> int:
    return round(gross_minor * VAT / (1 + VAT))
