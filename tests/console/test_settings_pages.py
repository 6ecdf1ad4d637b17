"""Every settings page with the demo merchant's data, as an admin reading German: it renders,
shows the merchant's records, has one h1, ids used once and a field for every label."""

from __future__ import annotations

import re
from collections import Counter

from oms import channels
from oms.app import demo
from oms.orders import pricing
from oms.platform.unit_of_work import UnitOfWork
from tests.console.conftest import StaffFor

IDS = re.compile(r'\sid="([^"]+)"')
LABELS = re.compile(r'<label for="([^"]+)"')


def test_every_settings_page_renders_the_demo_merchant_accessibly(
    uow: UnitOfWork, demo_merchant: demo.Summary, staff_for: StaffFor
) -> None:
    admin = staff_for("admin", locale="de")
    codes = [c.code for c in channels.list_channels(uow=uow, after=None, limit=50)]
    zones = [z.code for z in pricing.list_shipping_zones(uow=uow)]
    assert codes
    assert zones
    paths = [
        "/console/settings",
        "/console/settings/channels",
        "/console/settings/sourcing",
        "/console/settings/hold-rules",
        "/console/settings/refunds",
        "/console/settings/taxes",
        "/console/settings/shipping-zones",
        "/console/settings/api-keys",
        "/console/settings/webhooks",
        "/console/settings/staff",
        *(f"/console/settings/channels/{code}" for code in codes),
        *(f"/console/settings/sourcing/{code}" for code in codes),
        *(f"/console/settings/shipping-zones/{code}" for code in zones),
    ]
    for path in paths:
        answer = admin.get(path)
        assert answer.status_code == 200, path
        page = answer.text
        assert page.count("<h1") == 1, path
        ids = Counter(IDS.findall(page))
        assert [i for i, n in ids.items() if n > 1] == [], path
        assert [f for f in LABELS.findall(page) if f not in ids] == [], path
    listed = admin.get("/console/settings/channels").text
    for code in codes:
        assert f'href="/console/settings/channels/{code}"' in listed
    taxes = admin.get("/console/settings/taxes").text
    assert " %" in taxes
    assert pricing.list_tax_rates(uow=uow)[0].country in taxes
