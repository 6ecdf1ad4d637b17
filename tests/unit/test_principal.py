"""Who may see what, decided once on the principal: channel scope, contact details, profile ids."""

from __future__ import annotations

from uuid import uuid4

import pytest

from oms.auth import ROLE_PERMISSIONS, Role
from oms.platform.security import Principal
from oms.shared.errors import Forbidden, Invalid
from oms.shared.permissions import channel_visible


def principal(role: Role, channel: str | None = None) -> Principal:
    return Principal(
        key_id=uuid4(),
        name=f"{role} key",
        role=role.value,
        permissions=ROLE_PERMISSIONS[role],
        channel_id=uuid4() if channel else None,
        channel_code=channel,
    )


@pytest.mark.parametrize(
    ("role", "contacts", "profiles"),
    [
        (Role.ADMIN, True, True),
        (Role.CSR, True, True),
        (Role.FINANCE, True, True),
        (Role.WAREHOUSE, False, False),
        (Role.MARKETING, False, True),
        (Role.CHANNEL, True, False),
    ],
)
def test_each_role_sees_contacts_and_profile_ids_as_the_role_table_allows(
    role: Role, contacts: bool, profiles: bool
) -> None:
    caller = principal(role, "web" if role is Role.CHANNEL else None)
    assert (caller.sees_contacts, caller.sees_customer_ids) == (contacts, profiles)


def test_a_channel_key_sees_and_acts_for_its_own_channel_only() -> None:
    web = principal(Role.CHANNEL, "web")
    assert web.channel_scope == "web"
    assert (web.sees_channel("web"), web.sees_channel("mkt")) == (True, False)
    assert web.channel_to_act_for(None) == "web"
    assert web.channel_to_act_for("web") == "web"
    with pytest.raises(Forbidden):
        web.channel_to_act_for("mkt")


def test_staff_see_every_channel_and_must_name_the_one_they_act_for() -> None:
    csr = principal(Role.CSR)
    assert csr.channel_scope is None
    assert csr.sees_channel("mkt")
    assert csr.channel_to_act_for("mkt") == "mkt"
    with pytest.raises(Invalid):
        csr.channel_to_act_for(None)


def test_channel_visibility_is_one_rule() -> None:
    assert channel_visible("web", to=None)
    assert channel_visible("web", to="web")
    assert not channel_visible("web", to="mkt")
