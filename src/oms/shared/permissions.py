"""Permissions: what a role may do, and what a caller confined to one channel may see.

Routes declare one permission each; the role table lives in ``auth``. ``channel_visible`` is
the one rule of channel confinement, shared by the HTTP principal and the services that filter.
"""

from __future__ import annotations

from enum import StrEnum


class Permission(StrEnum):
    CATALOG_READ = "catalog:read"
    CATALOG_WRITE = "catalog:write"
    CHANNELS_READ = "channels:read"
    CHANNELS_WRITE = "channels:write"
    LOCATIONS_READ = "locations:read"
    LOCATIONS_WRITE = "locations:write"
    CUSTOMERS_READ = "customers:read"
    CUSTOMERS_CONTACTS = "customers:contacts"
    """Field-level: see (and search by) phones, addresses, notes and every email."""
    CUSTOMERS_WRITE = "customers:write"
    CUSTOMERS_EXPORT = "customers:export"
    CUSTOMERS_ERASE = "customers:erase"
    INVENTORY_READ = "inventory:read"
    INVENTORY_WRITE = "inventory:write"
    ORDERS_READ = "orders:read"
    ORDERS_PLACE = "orders:place"
    ORDERS_HOLD = "orders:hold"
    ORDERS_CANCEL = "orders:cancel"
    ORDERS_EDIT = "orders:edit"
    ORDERS_CONFIGURE = "orders:configure"
    """Tax rates, shipping zones and rates, automatic hold rules."""
    PAYMENTS_READ = "payments:read"
    """An order's tenders and their ledger."""
    PAYMENTS_TAKE = "payments:take"
    """Add tenders, capture and void authorisations."""
    PAYMENTS_REFUND = "payments:refund"
    PAYMENTS_FINANCE = "payments:finance"
    """Mark manual tenders received, issue or deduct store credit, reconcile settlements."""
    FULFILMENT_READ = "fulfilment:read"
    """Fulfilment orders, shipments, tracking, pick lists and sourcing decisions."""
    FULFILMENT_WORK = "fulfilment:work"
    """Start, pick, pack, ship, reject, mark ready, hand over, record tracking events."""
    FULFILMENT_CONFIGURE = "fulfilment:configure"
    """Sourcing rules and each location's fulfilment settings (cut-off, carrier, pickup)."""
    FULFILMENT_REROUTE = "fulfilment:reroute"
    """Re-source an order's open lines to other locations."""
    RETURNS_READ = "returns:read"
    """Returns, exchanges and claims, their lines, labels and resolutions."""
    RETURNS_REQUEST = "returns:request"
    """Create a return, exchange or claim for a customer (customer service)."""
    RETURNS_DECIDE = "returns:decide"
    """Approve, decline or cancel a return; resolve a claim (refund or reship)."""
    RETURNS_RECEIVE = "returns:receive"
    """Receive and inspect returned units at a location, with their dispositions."""
    RETURNS_CONFIGURE = "returns:configure"
    """Each channel's return policy and its per-product overrides."""
    NOTIFICATIONS_READ = "notifications:read"
    """The mails sent for an order (or skipped, and why) and each channel's mail settings."""
    NOTIFICATIONS_SEND = "notifications:send"
    """Send an order's notification again (customer service)."""
    NOTIFICATIONS_CONFIGURE = "notifications:configure"
    """Each channel's mail settings: which mails are on, sender, reply-to, brand."""
    WEBHOOKS_READ = "webhooks:read"
    """Webhook endpoints (never their secrets) and their deliveries."""
    WEBHOOKS_MANAGE = "webhooks:manage"
    """Create, change, delete and re-enable webhook endpoints; replay deliveries."""
    API_KEYS_MANAGE = "api_keys:manage"
    REPORTS_READ = "reports:read"
    """Sales, returns, fulfilment, inventory, payments and customer reports; the Parquet export."""
    HISTORY_IMPORT = "history:import"
    """Import order history from a file (an import job) and read its jobs and rejects."""
    PREDICTIONS_RUN = "predictions:run"
    """Recompute demand forecasts and customer scores now; set lead times and service levels."""


def channel_visible(channel_code: str, *, to: str | None) -> bool:
    """Whether data of ``channel_code`` is visible to a caller confined to channel ``to``.

    ``to`` is None for callers that see every channel (staff); a channel key sees its own
    channel only, and anything else answers as if it did not exist (404, empty lists).
    """
    return to is None or to == channel_code
