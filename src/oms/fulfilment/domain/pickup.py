"""Pickup in store: the pickup code, how it is kept, and the rules of the counter.

A ready pickup gets a 6-digit code drawn with ``secrets`` and shown once (the response of the
``ready`` call and the event the customer is mailed from). The FO keeps only a salted scrypt
hash of it, so a database dump, a backup or a colleague with read access cannot read codes off
the table. That alone would not protect a code of 10^6 values against an offline guess (each
try costs scrypt's work, but there are only a million of them), so the protection that counts
is online: the handover takes at most ``MAX_ATTEMPTS`` wrong codes, then locks until a new code
is issued, and every code expires with the hold (``pickup_expires_on``). The hash keeps the
code from being *read*; the attempt limit keeps it from being *guessed at the counter*.

Pure: no I/O (scrypt is CPU work).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from oms.shared.errors import Conflict, Invalid

CODE_DIGITS = 6
MAX_ATTEMPTS = 5
"""Wrong codes a handover takes before it locks (a 1 in 200,000 chance to guess right)."""

# scrypt's cost: 2^14 x 8 x 128 bytes = 16 MiB and some tens of milliseconds per hash, checked
# once per handover attempt; the per-code salt makes every code's hash its own puzzle.
_N, _R, _P = 2**14, 8, 1
_SALT_BYTES = 16
_SCHEME = "scrypt"


@dataclass(frozen=True, slots=True)
class PickupCode:
    """A freshly drawn code: ``code`` to show once, ``hashed`` to store."""

    code: str
    hashed: str


def draw_code() -> PickupCode:
    """A new random 6-digit code (leading zeros kept) and its salted hash."""
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    return PickupCode(code=code, hashed=hash_code(code))


def hash_code(code: str, *, salt: bytes | None = None) -> str:
    """``scrypt$N$r$p$salt$hash`` (base64), so the cost can change without breaking old codes."""
    salt = salt if salt is not None else secrets.token_bytes(_SALT_BYTES)
    digest = hashlib.scrypt(code.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return "$".join((_SCHEME, str(_N), str(_R), str(_P), _b64(salt), _b64(digest)))


def code_matches(code: str, hashed: str | None) -> bool:
    """Whether ``code`` is the one ``hashed`` was made from (constant-time comparison)."""
    if hashed is None or not is_well_formed(code):
        return False
    scheme, n, r, p, salt, digest = hashed.split("$")
    if scheme != _SCHEME:
        return False
    tried = hashlib.scrypt(code.encode(), salt=_unb64(salt), n=int(n), r=int(r), p=int(p), dklen=32)
    return hmac.compare_digest(tried, _unb64(digest))


def is_well_formed(code: str) -> bool:
    return len(code) == CODE_DIGITS and code.isascii() and code.isdigit()


def expiry(today: date, hold_days: int) -> date:
    """The last day the units are held for the customer: ``hold_days`` after today."""
    return today + timedelta(days=hold_days)


def uncollected(expires_on: date | None, today: date) -> bool:
    """The hold is over: the last day to collect has passed."""
    return expires_on is not None and expires_on < today


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


# -- errors (facts; oms.platform.problems maps them) -------------------------------------------


class WrongPickupCode(Invalid):
    code = "wrong-pickup-code"
    title = "Wrong pickup code"

    def __init__(self, number: str, attempts_left: int) -> None:
        super().__init__(
            f"that is not the pickup code of {number}; {attempts_left} attempts left",
            field="code",
            attempts_left=attempts_left,
        )


class PickupLocked(Conflict):
    code = "pickup-locked"
    title = "Pickup locked after wrong codes"

    def __init__(self, number: str) -> None:
        super().__init__(
            f"{MAX_ATTEMPTS} wrong codes were tried for {number}; issue a new pickup code "
            "(POST .../pickup-code) before handing it over",
            attempts=MAX_ATTEMPTS,
        )


class TransferNotArrived(Conflict):
    code = "transfer-not-arrived"
    title = "The units are not at the pickup store yet"

    def __init__(self, number: str, location: str, store: str) -> None:
        super().__init__(
            f"{number} is sourced at {location}: ship it to {store} first, then mark it ready",
            location=location,
            pickup_location=store,
        )


class PickupNotExpired(Conflict):
    code = "pickup-not-expired"
    title = "The pickup is still held for the customer"

    def __init__(self, number: str, expires_on: date | None) -> None:
        held = f"until {expires_on.isoformat()}" if expires_on else "(it is not ready)"
        super().__init__(
            f"{number} is held for the customer {held}; only uncollected pickups are cancelled "
            "here (cancel the order to stop it sooner)",
            expires_on=expires_on.isoformat() if expires_on else None,
        )


class TransferredPickupUncollected(Conflict):
    code = "uncollected-transfer"
    title = "An uncollected transfer goes back as a return"

    def __init__(self, number: str) -> None:
        super().__init__(
            f"the units of {number} were shipped to the store from another location; they "
            "left that location's stock, so they come back through a return, not a cancellation"
        )
