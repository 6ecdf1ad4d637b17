"""The customer's link to their order page after a lookup: ``/track/{number}?t=<token>``.

The token is ``<order id>.<expires>.<signature>``: an HMAC-SHA256, under the deployment's
``OMS_TRACK_SECRET``, of the order's id, its number, its buyer's email and the instant the link
ends. The number alone never opens the page; the link ends after ``OMS_TRACK_LINK_HOURS``, and
at once when the buyer's email changes (an erasure replaces it), since the signature no longer
matches. The email is signed, never written into the link (links end up in histories and logs).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

import structlog
from fastapi import Request

from oms import orders

log = structlog.get_logger("oms.console.track")
_KEY_LOCK = threading.Lock()


def _key(request: Request) -> bytes:
    """The signing key: the setting, else one random key made on first use in this process."""
    configured = request.app.state.settings.track_secret
    if configured is not None:
        return str(configured.get_secret_value()).encode()
    state = request.app.state
    with _KEY_LOCK:
        made: bytes | None = getattr(state, "track_key", None)
        if made is None:
            made = state.track_key = secrets.token_bytes(32)
            log.warning("track_secret_not_set", hint="set OMS_TRACK_SECRET")
    return made


def _signature(key: bytes, order: orders.Order, expires: int) -> str:
    message = f"oms-track-v1|{order.id}|{order.number}|{order.buyer.email.lower()}|{expires}"
    digest = hmac.new(key, message.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def issue(request: Request, order: orders.Order) -> str:
    """A token opening ``order``'s page until the configured hours have passed."""
    now: datetime = request.app.state.clock.now()
    hours = request.app.state.settings.track_link_hours
    expires = int((now + timedelta(hours=hours)).timestamp())
    return f"{order.id.hex}.{expires}.{_signature(_key(request), order, expires)}"


@dataclass(frozen=True, slots=True)
class Claim:
    """What a token says before it is checked against the order it names."""

    order_id: UUID
    expires: int
    signature: str


def read(token: str | None) -> Claim | None:
    """The token's parts, or None when it is not one."""
    if not token or len(token) > 200:
        return None
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        return Claim(UUID(hex=parts[0]), int(parts[1]), parts[2])
    except ValueError:
        return None


def opens(request: Request, claim: Claim, order: orders.Order, number: str) -> bool:
    """Whether the claim is a live token for this order under this number."""
    now: datetime = request.app.state.clock.now()
    if claim.expires < now.timestamp() or order.number != number.strip().upper():
        return False
    expected = _signature(_key(request), order, claim.expires)
    return hmac.compare_digest(expected, claim.signature)
