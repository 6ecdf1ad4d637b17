"""The demo merchant's customers: Faker with a fixed seed, addresses that pass validation."""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass

import phonenumbers
from faker import Faker

from oms.shared.address import Address

MARKETS = (  # (Faker locale, country, preferred locale, share of customers)
    ("de_DE", "DE", "de", 0.35),
    ("fr_FR", "FR", "fr", 0.25),
    ("en_US", "US", "en_US", 0.2),
    ("es_ES", "ES", "es", 0.12),
    ("en_GB", "GB", "en_GB", 0.08),
)
SPANISH_CITIES = (
    ("Madrid", "28", "M"),
    ("Barcelona", "08", "B"),
    ("Valencia", "46", "V"),
    ("Sevilla", "41", "SE"),
    ("Bilbao", "48", "BI"),
)
TAGS = ("vip", "newsletter", "wholesale", "gift-buyer", "returns-often", "sustainability")
EMAIL_DOMAINS = ("example.com", "example.org", "example.net")
NOTES = (
    "Prefers delivery after 5 pm.",
    "Asked about the repair service.",
    "Regular at the Paris store.",
    "Business customer; invoices to the company address.",
)


@dataclass(frozen=True)
class DemoCustomer:
    email: str
    name: str
    phone: str | None
    locale: str
    marketing_consent: bool
    tags: tuple[str, ...]
    notes: str
    addresses: tuple[Address, ...]


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if ch.isalnum())


def _address(fake: Faker, rng: random.Random, country: str, name: str) -> Address:
    if country == "US":
        state = fake.state_abbr(include_territories=False, include_freely_associated_states=False)
        return Address(
            name=name,
            line1=fake.street_address(),
            city=fake.city(),
            postal_code=fake.zipcode_in_state(state),
            region=state,
            country="US",
        )
    if country == "ES":
        city, prefix, province = rng.choice(SPANISH_CITIES)
        return Address(
            name=name,
            line1=fake.street_address(),
            city=city,
            postal_code=f"{prefix}{rng.randint(1, 80):03d}",
            region=province,
            country="ES",
        )
    return Address(
        name=name,
        line1=fake.street_address(),
        city=fake.city(),
        postal_code=fake.postcode(),
        country=country,
    )


def _phone(fake: Faker, country: str) -> str | None:
    for _ in range(5):
        candidate = fake.phone_number()
        if "x" in candidate:
            continue
        try:
            number = phonenumbers.parse(candidate, country)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return candidate
    return None


def customers(count: int, seed: int) -> list[DemoCustomer]:
    """``count`` customers spread over five markets; the same seed gives the same people."""
    rng = random.Random(seed)  # noqa: S311 (deterministic demo data, not secrets)
    fakers = {locale: Faker(locale) for locale, *_ in MARKETS}
    for index, fake in enumerate(fakers.values()):
        fake.seed_instance(seed + index)
    people = []
    for number in range(count):
        locale, country, preferred, _ = rng.choices(MARKETS, weights=[m[3] for m in MARKETS])[0]
        fake = fakers[locale]
        first, last = fake.first_name(), fake.last_name()
        name = f"{first} {last}"
        homes = [_address(fake, rng, country, name)]
        if rng.random() < 0.25:
            homes.append(_address(fake, rng, country, name))
        people.append(
            DemoCustomer(
                email=f"{_ascii(first)}.{_ascii(last)}{number}@{rng.choice(EMAIL_DOMAINS)}",
                name=name,
                phone=_phone(fake, country),
                locale=preferred,
                marketing_consent=rng.random() < 0.6,
                tags=tuple(sorted(rng.sample(TAGS, k=rng.choice((0, 0, 1, 2))))),
                notes=rng.choice(NOTES) if rng.random() < 0.1 else "",
                addresses=tuple(homes),
            )
        )
    return people
