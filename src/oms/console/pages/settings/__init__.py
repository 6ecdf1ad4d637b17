"""Settings pages (``/console/settings``): channels and their policies, sourcing rules, hold
rules, the refund policy, tax rates, shipping zones, API keys, webhooks and staff users.

One module per area; each page is guarded by the permission the API uses for the same setting
(reading a setting by its read permission, changing it by its write permission), so a role that
may read a setting but not change it sees the form read-only.
"""

from fastapi import APIRouter

from oms.console.pages.settings import (
    api_keys,
    channel_policies,
    channels,
    hold_rules,
    index,
    refunds,
    shipping_zones,
    sourcing,
    staff_users,
    taxes,
    webhooks,
)

router = APIRouter(include_in_schema=False)
for _area in (
    index,
    channels,
    channel_policies,
    sourcing,
    hold_rules,
    refunds,
    taxes,
    shipping_zones,
    api_keys,
    webhooks,
    staff_users,
):
    router.include_router(_area.router)

__all__ = ["router"]
