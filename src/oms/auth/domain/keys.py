"""Staff and integration access: API keys, roles and the permission table.

A key is ``oms_`` followed by 256 random bits (base64url). Only its SHA-256 is stored: the key is
high-entropy, so a fast hash is as safe as a slow one and keeps authentication cheap.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType
from uuid import UUID

from oms.shared.errors import Invalid, NotFound
from oms.shared.events import Event
from oms.shared.permissions import Permission

KEY_PREFIX = "oms_"


class Role(StrEnum):
    ADMIN = "admin"
    CSR = "csr"
    WAREHOUSE = "warehouse"
    FINANCE = "finance"
    MARKETING = "marketing"
    CHANNEL = "channel"


_READ_REFERENCE = frozenset(
    {Permission.CATALOG_READ, Permission.CHANNELS_READ, Permission.LOCATIONS_READ}
)

_ORDER_DESK = frozenset(
    {
        Permission.ORDERS_READ,
        Permission.ORDERS_PLACE,
        Permission.ORDERS_HOLD,
        Permission.ORDERS_CANCEL,
        Permission.ORDERS_EDIT,
    }
)

ROLE_PERMISSIONS: MappingProxyType[Role, frozenset[Permission]] = MappingProxyType(
    {
        Role.ADMIN: frozenset(Permission),
        Role.CSR: _READ_REFERENCE
        | _ORDER_DESK
        | {
            Permission.CUSTOMERS_READ,
            Permission.CUSTOMERS_CONTACTS,
            Permission.CUSTOMERS_WRITE,
            Permission.CUSTOMERS_EXPORT,
            Permission.INVENTORY_READ,
            Permission.PAYMENTS_READ,
            Permission.PAYMENTS_TAKE,
            Permission.PAYMENTS_REFUND,
            Permission.FULFILMENT_READ,
            Permission.FULFILMENT_REROUTE,
            Permission.RETURNS_READ,
            Permission.RETURNS_REQUEST,
            Permission.RETURNS_DECIDE,
            Permission.NOTIFICATIONS_READ,
            Permission.NOTIFICATIONS_SEND,
        },
        Role.WAREHOUSE: _READ_REFERENCE
        | {
            Permission.INVENTORY_READ,
            Permission.INVENTORY_WRITE,
            Permission.ORDERS_READ,
            Permission.FULFILMENT_READ,
            Permission.FULFILMENT_WORK,
            Permission.RETURNS_READ,
            Permission.RETURNS_RECEIVE,
        },
        Role.FINANCE: _READ_REFERENCE
        | {
            Permission.CUSTOMERS_READ,
            Permission.CUSTOMERS_CONTACTS,
            Permission.INVENTORY_READ,
            Permission.ORDERS_READ,
            Permission.ORDERS_HOLD,
            Permission.PAYMENTS_READ,
            Permission.PAYMENTS_TAKE,
            Permission.PAYMENTS_REFUND,
            Permission.PAYMENTS_FINANCE,
            Permission.FULFILMENT_READ,
            Permission.RETURNS_READ,
            Permission.NOTIFICATIONS_READ,
            Permission.REPORTS_READ,
        },
        Role.MARKETING: _READ_REFERENCE
        | {
            Permission.CATALOG_WRITE,
            Permission.CUSTOMERS_READ,
            Permission.REPORTS_READ,
            Permission.NOTIFICATIONS_READ,
            Permission.NOTIFICATIONS_CONFIGURE,
        },
        Role.CHANNEL: _READ_REFERENCE
        | {
            Permission.INVENTORY_READ,
            Permission.ORDERS_READ,
            Permission.ORDERS_PLACE,
            Permission.ORDERS_CANCEL,
            Permission.PAYMENTS_READ,
            Permission.PAYMENTS_TAKE,
        },
    }
)
"""Who may do what. Erasure, key management and order configuration are admin-only on purpose;
a channel key places, reads and cancels only its own channel's orders, and reads and takes
payments for them (a storefront adds the card payment its customer confirmed). Refunds are
for the customer service desk and finance; what only finance does with money (manual tenders
received, store credit, reconciliation) is ``payments:finance``."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ApiKey:
    id: UUID
    name: str
    role: Role
    channel_id: UUID | None
    channel_code: str | None
    display_prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    location_code: str | None = None
    """A warehouse key bound to one location works only that location's fulfilment."""

    @property
    def active(self) -> bool:
        return self.revoked_at is None


def generate_secret() -> str:
    """A new key: ``oms_`` + 43 base64url characters (256 bits)."""
    return KEY_PREFIX + secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def display_prefix(secret: str) -> str:
    """What lists show to tell keys apart without revealing them."""
    return secret[: len(KEY_PREFIX) + 8]


def check_binding(role: Role, channel_code: str | None, location_code: str | None = None) -> None:
    """Channel keys are bound to exactly one channel; other roles to none. A warehouse key may
    be bound to one location (its staff see and work only that location's fulfilment); no
    other role may (a location-bound CSR or admin key would hide work without a reason)."""
    if role is Role.CHANNEL and not channel_code:
        raise Invalid("a channel key must name its channel", field="channel")
    if role is not Role.CHANNEL and channel_code:
        raise Invalid("only channel keys are bound to a channel", field="channel")
    if role is not Role.WAREHOUSE and location_code:
        raise Invalid("only warehouse keys are bound to a location", field="location")


class ApiKeyNotFound(NotFound):
    code = "api-key-not-found"
    title = "API key not found"

    def __init__(self, key_id: UUID) -> None:
        super().__init__(f"no API key has id {key_id}", api_key_id=str(key_id))


@dataclass(frozen=True, kw_only=True)
class ApiKeyCreated(Event):
    """An API key was created with a role (and, for a channel key, its channel)."""

    type = "auth.api_key_created.v1"
    aggregate = "api_key"
    role: str
    channel_code: str | None


@dataclass(frozen=True, kw_only=True)
class ApiKeyRevoked(Event):
    """An API key was revoked; requests with it are refused from now on."""

    type = "auth.api_key_revoked.v1"
    aggregate = "api_key"
