"""HTTP routes: notifications that payment providers push (Stripe's webhooks).

No API key: Stripe cannot send one. What proves a notification comes from Stripe is its
``Stripe-Signature`` (HMAC of the raw body with the endpoint's signing secret), checked before
anything is read or stored; a bad one is 400 problem+json. The raw bytes are what is signed, so
the route reads the body itself instead of letting FastAPI parse it.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Request
from pydantic import BaseModel, ConfigDict, Field

from oms.payments.api.payments import PaymentProviders
from oms.payments.services.notifications import receive_stripe_notification as receive
from oms.platform.http import UoW
from oms.platform.problems import HTTPProblem, responses

router = APIRouter(prefix="/v1", tags=["payments"])


async def raw_body(request: Request) -> bytes:
    """The request body exactly as sent (what the signature covers); a body that is not JSON
    is 400 ``bad-request`` as on every route, before the signature is looked at."""
    body = await request.body()
    try:
        json.loads(body)
    except ValueError as error:
        raise HTTPProblem(
            400, "bad-request", "Bad request", f"the body is not JSON: {error}"
        ) from None
    return body


async def stripe_secret(request: Request) -> str | None:
    secret = request.app.state.settings.stripe_webhook_secret
    return secret.get_secret_value() if secret is not None else None


class StripeNotificationOut(BaseModel):
    """What oms did with a Stripe event: applied, waiting for its payment, or a redelivery."""

    model_config = ConfigDict(extra="forbid")

    event: str = Field(description="Stripe's id of the event.", examples=["evt_1QbXyz"])
    type: str = Field(examples=["payment_intent.succeeded"])
    duplicate: bool = Field(description="The event had been received before: nothing changed.")
    processed: bool = Field(
        description="Applied to the ledger. False while no payment has the event's "
        "PaymentIntent yet: it is kept and applied when one does."
    )
    outcome: str = Field(examples=["capture of 30.00 EUR recorded"])


EVENT_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "A Stripe event (`object: event`) exactly as Stripe sends it.",
        "content": {"application/json": {"schema": {"type": "object"}}},
    }
}


@router.post(
    "/payments/providers/stripe/notifications",
    responses=responses(400, 422),
    openapi_extra=EVENT_BODY,
)
def receive_stripe_notification(
    payload: Annotated[bytes, Depends(raw_body)],
    secret: Annotated[str | None, Depends(stripe_secret)],
    providers: PaymentProviders,
    uow: UoW,
    stripe_signature: Annotated[
        str | None, Header(alias="Stripe-Signature", max_length=2000)
    ] = None,
) -> StripeNotificationOut:
    """Stripe's webhook endpoint: verify the signature, record the event once, apply it.

    Handles `payment_intent.succeeded`, `.amount_capturable_updated`, `.payment_failed`,
    `.canceled`, `charge.refunded`, `charge.dispute.created` and `charge.dispute.closed`; other
    types are recorded and acknowledged. The same event twice changes nothing. Signed by Stripe
    (`Stripe-Signature`), not by an API key: a bad or missing signature is 400.
    """
    receipt = receive(payload, stripe_signature, secret=secret, uow=uow, providers=providers)
    return StripeNotificationOut(
        event=receipt.event_id,
        type=receipt.type,
        duplicate=receipt.duplicate,
        processed=receipt.processed,
        outcome=receipt.outcome,
    )
