"""Stripe's webhooks: signed as Stripe signs them, recorded once, applied so the ledger converges.

PaymentIntents and refunds are real ones in localstripe; the events about them are built from
what localstripe returns and signed with the endpoint's secret (``t=...,v1=HMAC``), except in
the last test, where localstripe itself delivers ``payment_intent.succeeded`` to a served app.
localstripe has no disputes and sends no ``charge.refunded``: those events are built here.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any
from uuid import UUID

import httpx
import pytest
import stripe
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from oms.app import tasks
from oms.app.cli import app as oms_cli
from oms.payments.domain import Payment, ProviderName, TransactionKind, TransactionStatus
from oms.payments.providers.registry import build_providers
from oms.payments.services import (
    AddTender,
    add_tender,
    capture_payment,
    settle_pending,
    start_movement,
)
from oms.payments.services.notifications import (
    receive_stripe_notification,
    replay_stripe_notifications,
)
from oms.payments.services.settling import settle
from oms.payments.tables.notifications import provider_notifications
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.clock import SystemClock
from oms.shared.money import Money
from tests.conftest import KeyMaker
from tests.payments_stripe import (
    API_KEY,
    WEBHOOK_SECRET,
    event_payload,
    localstripe,
    place_web_order,
    served_stripe_app,
    signature_header,
    storefront,
    stripe_app,
    stripe_settings,
)

__all__ = ["localstripe", "served_stripe_app", "storefront", "stripe_app"]

ROUTE = "/v1/payments/providers/stripe/notifications"
Providers = Mapping[ProviderName, Any]


def eur(amount: str) -> Money:
    return Money.of(amount, "EUR")


@pytest.fixture
def providers(localstripe: str, uow: UnitOfWork) -> Providers:
    return build_providers(stripe_settings(localstripe), uow)


@pytest.fixture
def client(stripe_app: FastAPI, providers: Providers) -> Any:
    stripe_app.state.payment_providers = providers
    with TestClient(stripe_app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def order_id(uow: UnitOfWork, client: TestClient, key_for: KeyMaker) -> UUID:
    return place_web_order(uow, client, key_for("admin"))


def card_tender(order_id: UUID, providers: Providers, uow: UnitOfWork) -> Payment:
    """The call centre's card payment for the whole order (44.90 EUR authorised)."""
    return add_tender(
        AddTender(
            order_id=order_id,
            provider=ProviderName.STRIPE,
            details={"payment_method": "pm_card_visa"},
            actor="test",
        ),
        uow=uow,
        providers=providers,
    )


def deliver(client: TestClient, payload: bytes, signature: str | None = None) -> Any:
    headers = {"Content-Type": "application/json"}
    headers["Stripe-Signature"] = signature or signature_header(payload)
    return client.post(ROUTE, content=payload, headers=headers)


def intent_event(event_id: str, kind: str, intent: stripe.PaymentIntent) -> bytes:
    return event_payload(event_id, kind, intent.to_dict())


def kept(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(provider_notifications)).one()[0])


def moves(payment: Payment) -> list[tuple[str, str, str]]:
    return [(t.kind.value, t.status.value, str(t.amount.amount)) for t in payment.transactions]


def reloaded(payment: Payment, uow: UnitOfWork) -> Payment:
    from oms.payments.services import get_payment

    return get_payment(payment.id, uow=uow)


def test_a_capture_made_in_stripe_is_recorded_once_however_often_stripe_says_so(
    client: TestClient,
    order_id: UUID,
    providers: Providers,
    uow: UnitOfWork,
    storefront: stripe.StripeClient,
    engine: Engine,
) -> None:
    payment = card_tender(order_id, providers, uow)
    intent = storefront.v1.payment_intents.capture(str(payment.provider_reference))
    payload = intent_event("evt_captured_1", "payment_intent.succeeded", intent)

    first = deliver(client, payload)
    assert first.status_code == 200, first.text
    assert first.json()["processed"] is True
    assert first.json()["duplicate"] is False
    again = deliver(client, payload)
    assert again.json()["duplicate"] is True

    assert moves(reloaded(payment, uow)) == [
        ("authorize", "succeeded", "44.90"),
        ("capture", "succeeded", "44.90"),
    ]
    assert kept(engine) == 1


def test_stripes_report_of_our_partial_capture_waits_for_it_and_adds_nothing(
    client: TestClient,
    order_id: UUID,
    providers: Providers,
    uow: UnitOfWork,
    storefront: stripe.StripeClient,
) -> None:
    """Stripe captured 30.00 for us and released the rest, but our answer is not recorded yet
    when its event comes: the event names no transaction of ours, so it waits rather than
    settling our capture; the sweep records our answer, then replays the event, which finds
    the capture by the PaymentIntent's reference and adds nothing."""
    payment = card_tender(order_id, providers, uow)
    started = start_movement(payment.id, TransactionKind.CAPTURE, eur("30.00"), actor="t", uow=uow)
    begun = reloaded(payment, uow)
    providers[ProviderName.STRIPE].capture(begun, begun.transaction(started.transaction_id))
    intent = storefront.v1.payment_intents.retrieve(str(payment.provider_reference))

    early = deliver(client, intent_event("evt_partial", "payment_intent.succeeded", intent))
    assert early.json()["processed"] is False
    assert reloaded(payment, uow).transaction(started.transaction_id).open

    assert settle_pending(uow=uow, providers=providers, older_than=timedelta(0)) == 1
    assert replay_stripe_notifications(uow=uow, providers=providers) == 1
    after = reloaded(payment, uow)
    assert moves(after) == [
        ("authorize", "succeeded", "44.90"),
        ("capture", "succeeded", "30.00"),
        ("void", "succeeded", "14.90"),
    ]
    assert (after.captured, after.released, after.capturable) == (
        eur("30.00"),
        eur("14.90"),
        eur("0.00"),
    )


def test_an_order_shows_what_a_webhook_captured(
    client: TestClient,
    order_id: UUID,
    providers: Providers,
    uow: UnitOfWork,
    storefront: stripe.StripeClient,
    key_for: KeyMaker,
) -> None:
    payment = card_tender(order_id, providers, uow)
    intent = storefront.v1.payment_intents.capture(str(payment.provider_reference))
    deliver(client, intent_event("evt_captured_2", "payment_intent.succeeded", intent))
    order = client.get(f"/v1/orders/{order_id}", headers=key_for("admin")).json()
    assert order["payment_status"] == "paid"
    assert order["captured"] == {"amount": "44.90", "currency": "EUR"}


def test_a_bad_signature_is_refused_and_nothing_is_kept(
    client: TestClient, order_id: UUID, providers: Providers, uow: UnitOfWork, engine: Engine
) -> None:
    payment = card_tender(order_id, providers, uow)
    payload = event_payload(
        "evt_forged",
        "payment_intent.canceled",
        {"id": payment.provider_reference, "object": "payment_intent", "status": "canceled"},
    )
    forged = deliver(client, payload, signature_header(payload, secret="whsec_someone_else"))
    assert forged.status_code == 400
    assert forged.headers["content-type"] == "application/problem+json"
    assert forged.json()["code"] == "invalid-signature"
    unsigned = client.post(ROUTE, content=payload, headers={"Content-Type": "application/json"})
    assert unsigned.status_code == 400
    stale = deliver(client, payload, signature_header(payload, at=int(time.time()) - 3600))
    assert stale.status_code == 400
    tampered = deliver(
        client, payload.replace(b"canceled", b"cancelled"), signature_header(payload)
    )
    assert tampered.status_code == 400
    assert kept(engine) == 0
    assert moves(reloaded(payment, uow)) == [("authorize", "succeeded", "44.90")]


def test_a_refund_reported_before_our_own_answer_is_recorded_counts_once(
    client: TestClient, order_id: UUID, providers: Providers, uow: UnitOfWork
) -> None:
    """Step 1 committed, Stripe refunded (step 2), its ``charge.refunded`` arrives, then step 3
    records our own answer: one refund of 10.00, matched by our transaction id in its
    metadata (the event does not embed refunds; oms lists the PaymentIntent's from Stripe)."""
    payment = card_tender(order_id, providers, uow)
    payment = capture_payment(payment.id, None, actor="test", uow=uow, providers=providers)
    started = start_movement(payment.id, TransactionKind.REFUND, eur("10.00"), actor="t", uow=uow)
    begun = reloaded(payment, uow)
    answer = providers[ProviderName.STRIPE].refund(begun, begun.transaction(started.transaction_id))

    charge = {
        "id": "ch_reported",
        "object": "charge",
        "payment_intent": payment.provider_reference,
        "amount": 4490,
        "amount_refunded": 1000,
        "currency": "eur",
        "refunded": False,
    }
    reported = deliver(client, event_payload("evt_refunded_1", "charge.refunded", charge))
    assert reported.json()["processed"] is True
    settle(payment.id, started.transaction_id, answer, uow=uow)

    after = reloaded(payment, uow)
    refunds = [t for t in after.transactions if t.kind is TransactionKind.REFUND]
    assert [(t.status, t.amount, t.provider_reference) for t in refunds] == [
        (TransactionStatus.SUCCEEDED, eur("10.00"), answer.reference)
    ]
    assert after.refunded == eur("10.00")


def test_a_refund_made_in_stripes_dashboard_is_recorded_once(
    client: TestClient,
    order_id: UUID,
    providers: Providers,
    uow: UnitOfWork,
    storefront: stripe.StripeClient,
    engine: Engine,
) -> None:
    payment = card_tender(order_id, providers, uow)
    payment = capture_payment(payment.id, None, actor="test", uow=uow, providers=providers)
    refund = storefront.v1.refunds.create(
        {"payment_intent": str(payment.provider_reference), "amount": 490}
    )
    charge = {
        "id": "ch_dashboard",
        "object": "charge",
        "payment_intent": payment.provider_reference,
        "refunds": {"object": "list", "data": [refund.to_dict()]},
        "billing_details": {"name": "Ada Lovelace", "email": "ada@example.com"},
    }
    for event_id in ("evt_dash_1", "evt_dash_2"):  # two events listing the same refund
        deliver(client, event_payload(event_id, "charge.refunded", charge))
    with engine.connect() as conn:
        payloads = conn.execute(select(provider_notifications.c.payload)).scalars().all()
    assert len(payloads) == 2
    assert "Ada" not in str(payloads)  # the card holder's details are not kept
    after = reloaded(payment, uow)
    assert after.refunded == eur("4.90")
    assert [t.actor for t in after.transactions if t.kind is TransactionKind.REFUND] == [
        "provider:stripe"
    ]


def dispute(payment: Payment, status: str, amount: int = 4490) -> dict[str, Any]:
    return {
        "id": "dp_1",
        "object": "dispute",
        "amount": amount,
        "currency": "eur",
        "charge": "ch_1",
        "payment_intent": payment.provider_reference,
        "reason": "fraudulent",
        "status": status,
    }


def test_a_won_dispute_reported_before_its_opening_converges(
    client: TestClient, order_id: UUID, providers: Providers, uow: UnitOfWork
) -> None:
    payment = card_tender(order_id, providers, uow)
    payment = capture_payment(payment.id, None, actor="test", uow=uow, providers=providers)
    closed = event_payload("evt_dp_closed", "charge.dispute.closed", dispute(payment, "won"))
    created = event_payload(
        "evt_dp_created", "charge.dispute.created", dispute(payment, "needs_response")
    )
    assert deliver(client, closed).json()["processed"] is True
    assert deliver(client, created).json()["outcome"].startswith("nothing to change")
    after = reloaded(payment, uow)
    assert moves(after)[2:] == [
        ("chargeback", "succeeded", "44.90"),
        ("chargeback_reversal", "succeeded", "44.90"),
    ]
    assert after.charged_back == eur("0.00")


def test_a_lost_dispute_keeps_the_chargeback(
    client: TestClient, order_id: UUID, providers: Providers, uow: UnitOfWork
) -> None:
    payment = card_tender(order_id, providers, uow)
    payment = capture_payment(payment.id, None, actor="test", uow=uow, providers=providers)
    deliver(
        client,
        event_payload("evt_dp_open", "charge.dispute.created", dispute(payment, "needs_response")),
    )
    deliver(client, event_payload("evt_dp_lost", "charge.dispute.closed", dispute(payment, "lost")))
    after = reloaded(payment, uow)
    assert after.charged_back == eur("44.90")
    assert after.refundable == eur("0.00")


def test_an_event_for_a_payment_intent_oms_does_not_know_is_kept_waiting(
    client: TestClient, storefront: stripe.StripeClient, engine: Engine
) -> None:
    intent = storefront.v1.payment_intents.create(
        {"amount": 1000, "currency": "eur", "payment_method": "pm_card_visa", "confirm": True}
    )
    answer = deliver(client, intent_event("evt_elsewhere", "payment_intent.succeeded", intent))
    assert answer.status_code == 200
    assert answer.json()["processed"] is False
    assert answer.json()["outcome"] == f"waiting: no payment has PaymentIntent {intent.id}"
    assert kept(engine) == 1


def delivered_about(intent_id: str, engine: Engine) -> Any:
    """The kept notification about ``intent_id``, once localstripe has delivered it (events
    of earlier tests' PaymentIntents may arrive too: localstripe sends them a second late)."""
    deadline = time.monotonic() + 10
    while True:
        with engine.connect() as conn:
            rows = conn.execute(select(provider_notifications)).all()
        found = [r for r in rows if r.payload["data"]["object"].get("id") == intent_id]
        if found:
            return found[0]
        assert time.monotonic() < deadline, "localstripe delivered no webhook"
        time.sleep(0.2)


def test_localstripe_delivers_a_signed_event_that_oms_verifies_and_keeps(
    localstripe: str,
    served_stripe_app: str,
    stripe_app: FastAPI,
    providers: Providers,
    client: TestClient,
    order_id: UUID,
    uow: UnitOfWork,
    engine: Engine,
) -> None:
    """localstripe signs with the secret it was given and posts ``payment_intent.succeeded``
    about a second after oms captures; oms verifies it and finds nothing left to change."""
    registered = httpx.post(
        f"{localstripe}/_config/webhooks/oms",
        data={
            "url": served_stripe_app + ROUTE,
            "secret": WEBHOOK_SECRET,
            "events[]": "payment_intent.succeeded",
        },
    )
    assert registered.status_code == 200
    payment = card_tender(order_id, providers, uow)
    capture_payment(payment.id, None, actor="test", uow=uow, providers=providers)

    row = delivered_about(str(payment.provider_reference), engine)
    assert row.type == "payment_intent.succeeded"
    assert row.outcome == "nothing to change: the ledger already says so"
    assert row.processed_at is not None
    assert moves(reloaded(payment, uow))[1] == ("capture", "succeeded", "44.90")
    httpx.post(
        f"{localstripe}/_config/webhooks/oms",
        data={"url": "http://127.0.0.1:9/", "secret": WEBHOOK_SECRET, "events[]": "none"},
    )


def test_an_event_that_came_before_its_tender_is_applied_when_replayed(
    client: TestClient,
    order_id: UUID,
    providers: Providers,
    uow: UnitOfWork,
    storefront: stripe.StripeClient,
) -> None:
    """The storefront's PaymentIntent is captured automatically; Stripe's event reaches oms
    before the storefront adds the tender. The replay (the worker's sweep) records the capture."""
    intent = storefront.v1.payment_intents.create(
        {"amount": 4490, "currency": "eur", "payment_method": "pm_card_visa", "confirm": True}
    )
    early = deliver(client, intent_event("evt_early", "payment_intent.succeeded", intent))
    assert early.json()["processed"] is False

    payment = add_tender(
        AddTender(
            order_id=order_id,
            provider=ProviderName.STRIPE,
            details={"payment_intent": intent.id},
            actor="storefront",
        ),
        uow=uow,
        providers=providers,
    )
    assert payment.captured == eur("0.00")
    assert replay_stripe_notifications(uow=uow, providers=providers) == 1
    assert replay_stripe_notifications(uow=uow, providers=providers) == 0
    assert moves(reloaded(payment, uow)) == [
        ("authorize", "succeeded", "44.90"),
        ("capture", "succeeded", "44.90"),
    ]


def test_the_workers_sweep_applies_an_event_that_came_before_its_tender(
    client: TestClient,
    order_id: UUID,
    providers: Providers,
    uow: UnitOfWork,
    engine: Engine,
    localstripe: str,
    storefront: stripe.StripeClient,
) -> None:
    """Nobody replays by hand: the worker's periodic sweep (settle pending, then replay the
    waiting notifications) records the capture Stripe reported before the tender existed."""
    intent = storefront.v1.payment_intents.create(
        {"amount": 4490, "currency": "eur", "payment_method": "pm_card_visa", "confirm": True}
    )
    early = deliver(client, intent_event("evt_swept", "payment_intent.succeeded", intent))
    assert early.json()["processed"] is False
    payment = add_tender(
        AddTender(
            order_id=order_id,
            provider=ProviderName.STRIPE,
            details={"payment_intent": intent.id},
            actor="storefront",
        ),
        uow=uow,
        providers=providers,
    )
    worker_sweep = tasks.payments_sweeper(engine, stripe_settings(localstripe), SystemClock())

    assert worker_sweep.action() == 1
    assert worker_sweep.action() == 0
    assert moves(reloaded(payment, uow)) == [
        ("authorize", "succeeded", "44.90"),
        ("capture", "succeeded", "44.90"),
    ]


def test_oms_payments_sweep_applies_an_event_that_came_before_its_tender(
    client: TestClient,
    order_id: UUID,
    providers: Providers,
    uow: UnitOfWork,
    engine: Engine,
    localstripe: str,
    storefront: stripe.StripeClient,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    intent = storefront.v1.payment_intents.create(
        {"amount": 4490, "currency": "eur", "payment_method": "pm_card_visa", "confirm": True}
    )
    deliver(client, intent_event("evt_cli", "payment_intent.succeeded", intent))
    payment = add_tender(
        AddTender(
            order_id=order_id,
            provider=ProviderName.STRIPE,
            details={"payment_intent": intent.id},
            actor="storefront",
        ),
        uow=uow,
        providers=providers,
    )
    monkeypatch.setenv("OMS_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("OMS_STRIPE_API_KEY", API_KEY)
    monkeypatch.setenv("OMS_STRIPE_API_BASE", localstripe)

    swept = CliRunner().invoke(oms_cli, ["payments", "sweep"])

    assert swept.exit_code == 0, swept.output
    assert "applied 1 waiting provider notification(s)" in swept.output
    assert reloaded(payment, uow).captured == eur("44.90")


def test_the_same_event_delivered_twice_at_once_is_applied_once(
    order_id: UUID,
    providers: Providers,
    uow: UnitOfWork,
    engine: Engine,
    storefront: stripe.StripeClient,
) -> None:
    """Stripe retries while the first delivery is still being handled: the second waits on
    the event's unique row and finds it applied."""
    payment = card_tender(order_id, providers, uow)
    intent = storefront.v1.payment_intents.capture(str(payment.provider_reference))
    payload = intent_event("evt_racing", "payment_intent.succeeded", intent)
    barrier = threading.Barrier(2)

    def receive() -> bool:
        barrier.wait()
        receipt = receive_stripe_notification(
            payload,
            signature_header(payload),
            secret=WEBHOOK_SECRET,
            uow=UnitOfWork(engine),
            providers=providers,
        )
        return receipt.duplicate

    with ThreadPoolExecutor(2) as pool:
        duplicates = sorted(pool.map(lambda _: receive(), range(2)))
    assert duplicates == [False, True]
    assert kept(engine) == 1
    assert [m[0] for m in moves(reloaded(payment, uow))] == ["authorize", "capture"]


def test_an_event_oms_does_not_act_on_is_kept_and_acknowledged(
    client: TestClient, engine: Engine
) -> None:
    payload = event_payload("evt_balance", "balance.available", {"object": "balance"})
    answer = deliver(client, payload)
    assert answer.status_code == 200
    assert answer.json() == {
        "event": "evt_balance",
        "type": "balance.available",
        "duplicate": False,
        "processed": True,
        "outcome": "ignored: oms does not act on balance.available",
    }
    assert kept(engine) == 1


def test_a_dashboard_refund_reported_while_ours_is_in_flight_waits_and_is_not_taken_for_ours(
    client: TestClient,
    order_id: UUID,
    providers: Providers,
    uow: UnitOfWork,
    storefront: stripe.StripeClient,
) -> None:
    payment = card_tender(order_id, providers, uow)
    payment = capture_payment(payment.id, None, actor="test", uow=uow, providers=providers)
    started = start_movement(payment.id, TransactionKind.REFUND, eur("10.00"), actor="t", uow=uow)
    dashboard = storefront.v1.refunds.create(
        {"payment_intent": str(payment.provider_reference), "amount": 300}
    )
    charge = {
        "id": "ch_both",
        "object": "charge",
        "payment_intent": payment.provider_reference,
        "refunds": {"object": "list", "data": [dashboard.to_dict()]},
    }
    early = deliver(client, event_payload("evt_dash_early", "charge.refunded", charge))
    assert early.json()["processed"] is False

    begun = reloaded(payment, uow)
    answer = providers[ProviderName.STRIPE].refund(begun, begun.transaction(started.transaction_id))
    settle(payment.id, started.transaction_id, answer, uow=uow)
    assert replay_stripe_notifications(uow=uow, providers=providers) == 1
    refunds = [t for t in reloaded(payment, uow).transactions if t.kind is TransactionKind.REFUND]
    assert [(t.amount, t.provider_reference) for t in refunds] == [
        (eur("10.00"), answer.reference),
        (eur("3.00"), dashboard.id),
    ]
