"""Sending one webhook to a real HTTP receiver on a loopback port: Standard Webhooks headers that
verify (with either secret during a rotation), the vetted connection (a name that now resolves
to loopback is refused before any byte is sent, DNS rebinding included), no redirects, short
timeouts, and every failure as an attempt, never an exception."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import UTC, datetime
from ipaddress import ip_address

import pytest
from standardwebhooks import Webhook

from oms.notifications.domain.targets import IPAddress, WebhookTarget
from oms.notifications.domain.webhook_deliveries import Attempt
from oms.notifications.domain.webhooks import issue_secret
from oms.notifications.providers.webhook_http import USER_AGENT, WebhookHttp, signature
from tests.webhook_receiver import WebhookReceiver

BODY = '{"id":"0192","type":"orders.order_placed.v1","data":{"note":"große Bestellung"}}'
EVENT_ID = "01937a4e-0000-7000-8000-000000000001"


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with WebhookReceiver() as started:
        started.secret = issue_secret()
        yield started


def now() -> datetime:
    return datetime.now(UTC)


def http(
    *, allow_private: bool, timeout: float = 2.0, names: dict[str, str] | None = None
) -> WebhookHttp:
    """A sender; ``names`` answers DNS for made-up host names (a resolver that can be lied to)."""
    known = names or {}

    def resolve(host: str, port: int) -> list[IPAddress]:
        if host in known:
            return [ip_address(known[host])]
        return [ip_address(info[4][0]) for info in socket.getaddrinfo(host, port)]

    return WebhookHttp(timeout_seconds=timeout, allow_private=allow_private, resolver=resolve)


def send(sender: WebhookHttp, url: str, secrets: tuple[str, ...]) -> Attempt:
    return sender.send(
        WebhookTarget.parse(url), message_id=EVENT_ID, body=BODY, secrets=secrets, at=now()
    )


def test_a_delivery_carries_standard_webhooks_headers_that_verify(
    receiver: WebhookReceiver,
) -> None:
    assert receiver.secret is not None
    attempt = send(http(allow_private=True), receiver.url, (receiver.secret,))

    assert attempt.status_code == 200
    assert attempt.error is None
    (arrived,) = receiver.received
    assert arrived.verified, arrived.error
    assert arrived.payload["data"]["note"] == "große Bestellung"
    assert arrived.body == BODY.encode()
    assert arrived.headers["webhook-id"] == EVENT_ID
    assert arrived.headers["content-type"] == "application/json"
    assert arrived.headers["user-agent"] == USER_AGENT
    assert abs(int(arrived.headers["webhook-timestamp"]) - now().timestamp()) < 60


def test_during_a_rotation_both_secrets_verify(receiver: WebhookReceiver) -> None:
    old, new = issue_secret(), issue_secret()
    receiver.secret = old

    send(http(allow_private=True), receiver.url, (new, old))
    receiver.secret = new
    send(http(allow_private=True), receiver.url, (new, old))

    assert [r.verified for r in receiver.received] == [True, True]
    assert len(receiver.received[0].headers["webhook-signature"].split(" ")) == 2


def test_the_signature_is_the_librarys_own() -> None:
    secret, at = issue_secret(), now()

    header = signature((secret,), EVENT_ID, at, BODY)

    headers = {
        "webhook-id": EVENT_ID,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": header,
    }
    assert Webhook(secret).verify(BODY, headers)["type"] == "orders.order_placed.v1"


def test_loopback_is_refused_at_connect_time_by_default(receiver: WebhookReceiver) -> None:
    attempt = send(http(allow_private=False), receiver.url, ("whsec_AAAA",))

    assert attempt.status_code is None
    assert attempt.error == (
        "refused: 127.0.0.1 is refused (loopback); webhooks are only sent to public addresses"
    )
    assert receiver.received == []


def test_a_name_that_now_resolves_to_loopback_is_refused_before_connecting(
    receiver: WebhookReceiver,
) -> None:
    rebound = http(allow_private=False, names={"hooks.example": "127.0.0.1"})

    attempt = send(rebound, f"http://hooks.example:{receiver.port}/hooks", ("whsec_AAAA",))

    assert "hooks.example resolves to 127.0.0.1 (loopback)" in str(attempt.error)
    assert receiver.received == []


def test_the_vetted_address_is_called_with_the_name_as_host(receiver: WebhookReceiver) -> None:
    assert receiver.secret is not None
    allowed = http(allow_private=True, names={"hooks.example": "127.0.0.1"})

    send(allowed, f"http://hooks.example:{receiver.port}/hooks?via=name", (receiver.secret,))

    (arrived,) = receiver.received
    assert arrived.headers["host"] == f"hooks.example:{receiver.port}"
    assert arrived.path == "/hooks?via=name"


def test_a_redirect_is_a_failure_and_is_not_followed(receiver: WebhookReceiver) -> None:
    receiver.script(302)

    attempt = send(http(allow_private=True), receiver.url, ("whsec_AAAA",))

    assert attempt.status_code == 302
    assert attempt.error == (
        "HTTP 302: redirects are not followed (Location: http://127.0.0.1:1/elsewhere)"
    )
    assert len(receiver.received) == 1


def test_an_error_answer_keeps_an_excerpt_of_its_body(receiver: WebhookReceiver) -> None:
    receiver.script(503)

    attempt = send(http(allow_private=True), receiver.url, ("whsec_AAAA",))

    assert attempt.error == 'HTTP 503: {"status": 503}'


def test_a_receiver_slower_than_the_timeout_is_a_read_timeout() -> None:
    with WebhookReceiver(delay_seconds=1.0) as slow:
        attempt = send(http(allow_private=True, timeout=0.2), slow.url, ("whsec_AAAA",))

    assert attempt.status_code is None
    assert str(attempt.error).startswith("ReadTimeout")


def test_nobody_listening_is_a_connect_error() -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]

    attempt = send(http(allow_private=True), f"http://127.0.0.1:{port}/", ("whsec_AAAA",))

    assert attempt.status_code is None
    assert str(attempt.error).startswith("ConnectError")
