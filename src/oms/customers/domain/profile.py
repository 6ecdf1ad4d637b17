"""Validation and normalisation of a customer's personal fields, for storage and for search.

Every check runs and every bad field is named in one ``Invalid``: a CSR fixing a form should not
have to submit it once per mistake.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

from email_validator import EmailNotValidError, validate_email

from oms.customers.domain.model import Customer, CustomerAddress
from oms.shared.address import normalise
from oms.shared.errors import FieldProblem, Invalid
from oms.shared.locale import normalise_locale
from oms.shared.phone import to_e164

T = TypeVar("T")

NAME_MAX_LENGTH = 200
LABEL_MAX_LENGTH = 40
TAG_MAX_LENGTH = 40
MAX_TAGS = 50
NOTES_MAX_LENGTH = 10_000

_TAG = re.compile(r"^[^\W_][\w-]*$")
_PHONE_QUERY = re.compile(r"^[\d\s+()./-]+$")
_MIN_PHONE_DIGITS = 3


def normalise_email(value: str, *, field: str = "email") -> str:
    """The address as ``email_validator`` normalises it (domain lower-cased, Unicode NFC)."""
    try:
        return validate_email(value.strip(), check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise Invalid(str(error), field=field) from None


def normalise_tag(tag: str, *, field: str = "tag") -> str:
    """``" VIP  Gold "`` -> ``"vip-gold"``: lower-case words joined by hyphens, <= 40 characters."""
    normal = "-".join(tag.lower().split())
    if not normal or len(normal) > TAG_MAX_LENGTH or not _TAG.match(normal):
        raise Invalid(
            f"must be 1-{TAG_MAX_LENGTH} letters, digits, hyphens or underscores", field=field
        )
    return normal


def normalise_tags(tags: Iterable[str], *, field: str = "tags") -> tuple[str, ...]:
    """Each tag normalised, duplicates dropped, sorted; at most 50."""
    found: list[str] = []
    problems: list[FieldProblem] = []
    for index, tag in enumerate(tags):
        try:
            normal = normalise_tag(tag, field=f"{field}.{index}")
        except Invalid as error:
            problems.extend(error.problems)
            continue
        if normal not in found:
            found.append(normal)
    if len(found) > MAX_TAGS:
        problems.append(FieldProblem(field, f"at most {MAX_TAGS} tags"))
    if problems:
        raise Invalid("the tags are not valid", problems=problems)
    return tuple(sorted(found))


def search_text(text: str) -> str:
    """Text as names are searched: case-folded, accents dropped, spaces collapsed.

    "Müller", "MULLER" and "muller" all become "muller", so staff find a customer however they
    type the name; the stored search column holds the same form.
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.split())


def phone_search_digits(query: str) -> str | None:
    """The digits a phone-like query should find inside stored E.164 digits, or None.

    The trunk prefix (``0`` in "030 1234567") and the international prefix (``00``) are dropped,
    so "+49 30 1234567", "0049 30 1234567", "030 1234567" and "1234567" all find +49301234567.
    """
    if not _PHONE_QUERY.match(query):
        return None
    digits = "".join(ch for ch in query if ch.isdigit()).lstrip("0")
    return digits if len(digits) >= _MIN_PHONE_DIGITS else None


@dataclass(frozen=True, slots=True, kw_only=True)
class SearchTerms:
    """What one free-text query looks for in each searchable column."""

    email_prefix: str
    name_part: str
    phone_digits: str | None
    number: str


def search_terms(query: str) -> SearchTerms | None:
    """Split a CSR's query into its forms per column; None when it is blank.

    The query may be the start of an email, part of a name, digits of a phone number or a
    customer number; a customer matching any of them is found.
    """
    text = query.strip()
    if not text:
        return None
    return SearchTerms(
        email_prefix=text.lower(),
        name_part=search_text(text),
        phone_digits=phone_search_digits(text),
        number=text.upper(),
    )


class Problems:
    """Runs several checks and remembers every field they name, to raise them all at once."""

    def __init__(self) -> None:
        self.found: list[FieldProblem] = []

    def check(self, run: Callable[[], T]) -> T | None:
        """The check's result, or None after noting the fields it found invalid."""
        try:
            return run()
        except Invalid as error:
            self.found.extend(error.problems or [FieldProblem("body", error.detail)])
            return None

    def add(self, field: str, message: str) -> None:
        self.found.append(FieldProblem(field, message))

    def raise_any(self, detail: str = "the customer has invalid fields") -> None:
        if self.found:
            raise Invalid(detail, problems=self.found)


def checked_address(saved: CustomerAddress, *, at: str = "") -> CustomerAddress:
    """The address validated and normalised for its country, its label trimmed."""
    problems = Problems()
    prefix = f"{at}." if at else ""
    label = saved.label.strip()
    if len(label) > LABEL_MAX_LENGTH:
        problems.add(prefix + "label", f"must be at most {LABEL_MAX_LENGTH} characters")
    address = problems.check(lambda: normalise(saved.address, at=at))
    problems.raise_any("the address is not valid")
    assert address is not None
    return dataclasses.replace(saved, label=label, address=address)


def _checked_name(name: str) -> str:
    normal = " ".join(name.split())
    if not normal:
        raise Invalid("is required", field="name")
    if len(normal) > NAME_MAX_LENGTH:
        raise Invalid(f"must be at most {NAME_MAX_LENGTH} characters", field="name")
    return normal


def _checked_notes(notes: str) -> str:
    if len(notes) > NOTES_MAX_LENGTH:
        raise Invalid(f"must be at most {NOTES_MAX_LENGTH} characters", field="notes")
    return notes.strip()


def phone_region(addresses: Sequence[CustomerAddress]) -> str | None:
    """National phone numbers are read for the country of the customer's first address."""
    if not addresses:
        return None
    return addresses[0].address.country.strip().upper() or None


def _checked_addresses(customer: Customer) -> tuple[CustomerAddress, ...]:
    problems = Problems()
    checked = [
        problems.check(partial(checked_address, saved, at=f"addresses.{index}")) or saved
        for index, saved in enumerate(customer.addresses)
    ]
    for flag in ("default_shipping", "default_billing"):
        marked = [index for index, saved in enumerate(checked) if getattr(saved, flag)]
        for index in marked[1:]:
            problems.add(f"addresses.{index}.{flag}", "only one address can be the default")
    problems.raise_any("the addresses are not valid")
    return tuple(checked)


_FIELD_CHECKS: dict[str, Callable[[Customer], Any]] = {
    "email": lambda c: normalise_email(c.email),
    "name": lambda c: _checked_name(c.name),
    "phone": lambda c: to_e164(c.phone, region=phone_region(c.addresses)) if c.phone else None,
    "locale": lambda c: normalise_locale(c.locale) if c.locale else None,
    "tags": lambda c: normalise_tags(c.tags),
    "notes": lambda c: _checked_notes(c.notes),
    "addresses": _checked_addresses,
}


def checked_profile(customer: Customer, *, only: Collection[str] | None = None) -> Customer:
    """``customer`` with its personal fields (or ``only`` those named) validated and normalised,
    or one ``Invalid`` naming every bad field (``email``, ``phone``, ``addresses.0.postal_code``).

    Fields not named are left as stored, so a stored value never blocks an unrelated edit.
    """
    problems = Problems()
    normal: dict[str, Any] = {
        name: problems.check(partial(check, customer))
        for name, check in _FIELD_CHECKS.items()
        if only is None or name in only
    }
    problems.raise_any()
    return dataclasses.replace(customer, **normal)
