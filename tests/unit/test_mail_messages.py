"""A mail's lifecycle walked whole through ``Message``, the retry schedule, the skip rules, and
what is kept of a mail (no address in errors, keys or the timeline; no pickup code once done)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from oms.notifications.domain.kinds import NotificationKind
from oms.notifications.domain.messages import (
    LIFECYCLE,
    Audience,
    DeliveryRefused,
    Message,
    MessageAction,
    MessageStatus,
    SkipReason,
    address_key,
    message_id_for,
    skip_reason,
    timeline_note,
)
from oms.notifications.domain.settings import MailSettings
from oms.shared.errors import IllegalTransition

S, A, K = MessageStatus, MessageAction, NotificationKind
AT = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
ADA = "ada@example.com"


def queued(kind: NotificationKind = K.ORDER_SHIPPED, **data: object) -> Message:
    id_ = uuid4()
    return Message(
        id=id_,
        kind=kind,
        channel="web",
        order_id=uuid4(),
        order_number="SO-10001",
        customer_id=uuid4(),
        reference_id=None,
        event_id=uuid4(),
        data=data,
        recipient=ADA,
        locale="de",
        message_id=message_id_for(id_, "shop@northwind.example"),
        next_attempt_at=AT,
        created_at=AT,
    )


ACTIONS: dict[MessageAction, Callable[[Message], None]] = {
    A.SEND: lambda m: m.sent(subject="Ihre Bestellung", at=AT),
    A.RETRY: lambda m: m.deferred("451 4.3.0 try again later", at=AT),
    A.FAIL: lambda m: m.refused(DeliveryRefused("554 no", recipient=False), at=AT),
    A.SKIP: lambda m: m.skip(SkipReason.KIND_DISABLED, at=AT),
}


def in_state(status: MessageStatus) -> Message:
    message = queued()
    if status is not S.QUEUED:
        action = next(a for (s, a), target in LIFECYCLE.transitions.items() if target is status)
        ACTIONS[action](message)
    return message


@pytest.mark.parametrize(("state", "action"), [(s, a) for s in S for a in A])
def test_every_action_in_every_state_follows_the_transition_table(
    state: MessageStatus, action: MessageAction
) -> None:
    message = in_state(state)
    if LIFECYCLE.allows(state, action):
        ACTIONS[action](message)
        assert message.status is LIFECYCLE.next(state, action)
    else:
        with pytest.raises(IllegalTransition):
            ACTIONS[action](message)
        assert message.status is state


def test_only_a_queued_mail_moves_and_every_final_state_is_reached() -> None:
    assert {state for state, _ in LIFECYCLE.transitions} == {S.QUEUED}
    assert set(LIFECYCLE.transitions.values()) == set(S)


def test_a_temporary_failure_waits_a_minute_then_twice_as_long_each_time() -> None:
    message = queued()
    waits = []
    now = AT
    while message.status is S.QUEUED:
        message.deferred("451 try later", at=now)
        if message.next_attempt_at is not None:
            waits.append(message.next_attempt_at - now)
            now = message.next_attempt_at
    minutes = [int(w.total_seconds() // 60) for w in waits]
    assert minutes == [1, 2, 4, 8, 16, 32, 64, 128, 256, 360, 360]
    assert message.status is S.FAILED
    assert message.attempts == 12
    assert now - AT == timedelta(hours=20, minutes=31)
    assert message.first_attempt_at == AT
    assert message.next_attempt_at is None


def test_a_refusal_for_good_fails_at_once_without_the_address_in_the_error() -> None:
    message = queued()
    answer = f"550 5.1.1 <{ADA}>: Recipient address rejected: User unknown"

    message.refused(DeliveryRefused(answer, recipient=True), at=AT)

    assert message.status is S.FAILED
    assert message.last_error == "550 5.1.1 <<recipient>>: Recipient address rejected: User unknown"
    assert ADA not in (message.last_error or "")


def test_the_pickup_code_is_not_kept_once_the_mail_is_done() -> None:
    for finish in ACTIONS.values():
        message = queued(K.READY_FOR_PICKUP, pickup_code="123456", expires_on="2026-12-08")
        finish(message)
        kept = dict(message.data)
        if message.status is S.QUEUED:
            assert kept["pickup_code"] == "123456"
        else:
            assert kept == {"expires_on": "2026-12-08"}


def test_erasing_forgets_the_address_and_values_and_skips_a_waiting_mail() -> None:
    waiting, sent = queued(note="x"), queued(note="x")
    sent.sent(subject="Ihre Bestellung, Ada", at=AT)

    for message in (waiting, sent):
        message.erase(at=AT)

    assert (waiting.status, waiting.skip_reason) == (S.SKIPPED, SkipReason.CUSTOMER_ERASED)
    assert sent.status is S.SENT
    for message in (waiting, sent):
        assert (message.recipient, dict(message.data), message.subject) == ("", {}, None)


AUDIENCE = Audience(recipient=ADA, marketing_consent=False, erased=False, suppressed=False)
EVERYTHING_ON = MailSettings.default("web")
NOTHING_ON = MailSettings(channel="web", enabled=frozenset())


@pytest.mark.parametrize(
    ("kind", "audience", "settings", "requested", "expected"),
    [
        (K.ORDER_SHIPPED, AUDIENCE, EVERYTHING_ON, False, None),
        (K.ORDER_SHIPPED, AUDIENCE, NOTHING_ON, False, SkipReason.KIND_DISABLED),
        (K.ORDER_SHIPPED, AUDIENCE, NOTHING_ON, True, None),
        (K.REVIEW_REQUEST, AUDIENCE, EVERYTHING_ON, False, SkipReason.NO_CONSENT),
        (K.REVIEW_REQUEST, AUDIENCE, EVERYTHING_ON, True, SkipReason.NO_CONSENT),
        (
            K.REVIEW_REQUEST,
            Audience(recipient=ADA, marketing_consent=True, erased=False, suppressed=False),
            EVERYTHING_ON,
            False,
            None,
        ),
        (
            K.ORDER_SHIPPED,
            Audience(recipient=ADA, marketing_consent=True, erased=False, suppressed=True),
            EVERYTHING_ON,
            True,
            SkipReason.ADDRESS_SUPPRESSED,
        ),
        (
            K.ORDER_SHIPPED,
            Audience(recipient="", marketing_consent=True, erased=True, suppressed=False),
            EVERYTHING_ON,
            True,
            SkipReason.CUSTOMER_ERASED,
        ),
    ],
)
def test_the_skip_rules(
    kind: NotificationKind,
    audience: Audience,
    settings: MailSettings,
    requested: bool,
    expected: SkipReason | None,
) -> None:
    assert skip_reason(kind, audience, settings, requested=requested) is expected


def test_only_the_review_request_needs_consent_and_waits_three_days() -> None:
    assert [k for k in K if not k.transactional] == [K.REVIEW_REQUEST]
    assert {k: k.delay for k in K if k.delay} == {K.REVIEW_REQUEST: timedelta(days=3)}


def test_a_refused_address_is_kept_as_a_key_that_does_not_depend_on_case() -> None:
    key = address_key(" Ada@Example.com ")
    assert key == address_key(ADA)
    assert len(key) == 64
    assert "ada" not in key


def test_the_message_id_is_made_from_the_id_at_the_senders_domain() -> None:
    id_ = uuid4()
    assert message_id_for(id_, "Northwind <shop@northwind.example>") == (
        f"<{id_.hex}@northwind.example>"
    )
    assert message_id_for(id_, "nobody") == f"<{id_.hex}@oms.invalid>"


def test_the_timeline_names_the_mail_and_why_never_the_address() -> None:
    sent, skipped, failed = queued(), queued(K.REVIEW_REQUEST), queued()
    sent.sent(subject="Ihr Paket ist unterwegs", at=AT)
    skipped.skip(SkipReason.NO_CONSENT, at=AT)
    failed.refused(DeliveryRefused(f"550 5.1.1 <{ADA}> unknown", recipient=True), at=AT)

    notes = {m.status: timeline_note(m) for m in (sent, skipped, failed)}

    assert notes[S.SENT][0] == "order_shipped email sent (de)"
    assert notes[S.SENT][1] == {
        "kind": "order_shipped",
        "status": "sent",
        "message_id": sent.message_id,
        "locale": "de",
        "message": str(sent.id),
    }
    assert notes[S.SKIPPED][0] == "review_request email skipped (de): no marketing consent"
    assert notes[S.SKIPPED][1]["reason"] == "no_marketing_consent"
    assert notes[S.FAILED][0].startswith("order_shipped email failed (de): 550 5.1.1")
    assert all(ADA not in repr(note) for note in notes.values())
