"""Phone numbers validated with libphonenumber and stored in E.164."""

from __future__ import annotations

import phonenumbers

from oms.shared.errors import Invalid


def to_e164(number: str, *, region: str | None = None, field: str = "phone") -> str:
    """Parse ``number`` (international, or national for ``region``) into ``+4930123456``."""
    try:
        parsed = phonenumbers.parse(number, region.upper() if region else None)
    except phonenumbers.NumberParseException:
        raise Invalid(
            "is not a phone number; use international format such as +49 30 1234567",
            field=field,
        ) from None
    if not phonenumbers.is_valid_number(parsed):
        raise Invalid("is not a valid phone number", field=field)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
