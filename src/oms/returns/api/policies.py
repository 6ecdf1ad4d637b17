"""Routes of a channel's return policy: ``GET/PUT /v1/channels/{code}/return-policy``.

The policy's ``ETag`` is its version (``"0"`` while the channel has the default); a ``PUT`` with
``If-Match`` naming an older version is refused with 412, so two admins editing at once cannot
silently overwrite each other.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from oms.platform.http import IfMatch, Tagged, UoW, send_version
from oms.platform.problems import responses
from oms.platform.security import Permission, Principal, Requires
from oms.returns.schemas.policies import ReturnPolicyIn, ReturnPolicyOut
from oms.returns.services import policies

router = APIRouter(prefix="/v1", tags=["returns"])

Reader = Annotated[Principal, Depends(Requires(Permission.CHANNELS_READ))]
Configurer = Annotated[Principal, Depends(Requires(Permission.RETURNS_CONFIGURE))]


@router.get("/channels/{code}/return-policy", responses=responses(401, 403, 404))
def get_return_policy(code: str, principal: Reader, uow: UoW, response: Tagged) -> ReturnPolicyOut:
    """The channel's return policy (the default, version 0, until one is set). Read as the
    channel's reference data: a storefront's channel key may show its own channel's policy."""
    policy = policies.get_return_policy(code, uow=uow, visible_to=principal.channel_scope)
    send_version(response, policy.version)
    return ReturnPolicyOut.of(code, policy)


@router.put("/channels/{code}/return-policy", responses=responses(401, 403, 404, 412, 422))
def set_return_policy(
    code: str,
    body: ReturnPolicyIn,
    principal: Configurer,
    uow: UoW,
    response: Tagged,
    if_match: IfMatch,
) -> ReturnPolicyOut:
    """Replace the channel's return policy whole: window (days, from delivery or shipment),
    restocking fee (percent or fixed), who pays the way back, per-reason rules (fee, keep the
    item under a value, auto-approval) and per-product overrides (SKU or product handle).

    With `If-Match` (optional), a policy changed since that ETag is refused with 412. Every
    bad field is named at once (422).
    """
    policy = policies.set_return_policy(
        policies.SetReturnPolicy(
            channel=code, document=body.document(), expected=if_match, actor=principal.actor
        ),
        uow=uow,
    )
    send_version(response, policy.version)
    return ReturnPolicyOut.of(code, policy)
