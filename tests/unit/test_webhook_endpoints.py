"""Webhook endpoints' rules: patterns, secrets, rotation's day of grace, and when an endpoint
stops (410 at once, three days without a success) and how an admin starts it again."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import pytest

from oms.notifications.domain.targets import WebhookTarget
from oms.notifications.domain.webhooks import (
    EventTypesInvalid,
    WebhookEndpoint,
    check_patterns,
    issue_secret,
    matches,
)
from oms.shared.ids import new_id

KNOWN = (
    "orders.order_placed.v1",
    "orders.order_cancelled.v1",
    "fulfilment.shipment_created.v1",
)
AT = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)


def endpoint(*, enabled: bool = True) -> WebhookEndpoint:
    return WebhookEndpoint.register(
        id=new_id(),
        target=WebhookTarget.parse("https://erp.example.com/in"),
        event_types=("orders.*",),
        description="ERP",
        enabled=enabled,
        secret=issue_secret(),
        at=AT,
    )


@pytest.mark.parametrize(
    ("pattern", "event_type", "expected"),
    [
        ("*", "orders.order_placed.v1", True),
        ("orders.*", "orders.order_placed.v1", True),
        ("orders.*", "ordersx.order_placed.v1", False),
        ("orders.order_placed.*", "orders.order_placed.v2", True),
        ("orders.order_placed.*", "orders.order_placed_twice.v1", False),
        ("orders.order_placed.v1", "orders.order_placed.v1", True),
        ("orders.order_placed.v1", "orders.order_placed.v2", False),
    ],
)
def test_patterns_match_whole_segments(pattern: str, event_type: str, expected: bool) -> None:
    assert matches(pattern, event_type) is expected


def test_patterns_are_kept_once_in_the_order_given() -> None:
    checked = check_patterns(["orders.*", "fulfilment.shipment_created.v1", "orders.*"], KNOWN)

    assert checked == ("orders.*", "fulfilment.shipment_created.v1")


def test_every_bad_pattern_is_named_at_once() -> None:
    with pytest.raises(EventTypesInvalid) as refused:
        check_patterns(["orders.*", "orderz.*", "Orders.Placed", "payments.*"], KNOWN)

    assert [(p.field, p.message) for p in refused.value.problems] == [
        ("event_types.1", "'orderz.*' matches no registered event type"),
        (
            "event_types.2",
            "'Orders.Placed' is not an event type or a pattern such as '*', 'orders.*' or "
            "'orders.order_placed.v1'",
        ),
        ("event_types.3", "'payments.*' matches no registered event type"),
    ]


def test_no_pattern_at_all_is_refused() -> None:
    with pytest.raises(EventTypesInvalid, match="name at least one"):
        check_patterns([], KNOWN)


def test_a_secret_is_whsec_and_base64_of_32_random_bytes() -> None:
    secret = issue_secret()

    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"))) == 32
    assert issue_secret() != secret


def test_a_new_endpoint_is_version_1_and_enabled_unless_asked_otherwise() -> None:
    created, paused = endpoint(), endpoint(enabled=False)

    assert (created.version, created.enabled, created.disabled_reason) == (1, True, None)
    assert (paused.enabled, paused.disabled_reason, paused.disabled_at) == (
        False,
        "created disabled",
        AT,
    )


def test_after_a_rotation_the_previous_secret_signs_too_for_a_day() -> None:
    rotated = endpoint()
    old = rotated.secret

    rotated.rotate_secret(issue_secret(), AT)

    assert rotated.signing_secrets(AT + timedelta(hours=23)) == (rotated.secret, old)
    assert rotated.signing_secrets(AT + timedelta(days=1)) == (rotated.secret,)
    assert rotated.version == 2


def test_a_410_disables_at_once_with_the_reason() -> None:
    gone = endpoint()

    assert gone.note_attempt(succeeded=False, status_code=410, at=AT)

    assert not gone.enabled
    assert gone.disabled_reason == "the endpoint answered 410 Gone"
    assert (gone.disabled_at, gone.version) == (AT, 2)


def test_three_days_of_failures_without_a_success_disable() -> None:
    failing = endpoint()
    failing.note_attempt(succeeded=False, status_code=500, at=AT)
    failing.note_attempt(succeeded=False, status_code=None, at=AT + timedelta(days=2, hours=23))
    assert failing.enabled

    failing.note_attempt(succeeded=False, status_code=503, at=AT + timedelta(days=3))

    assert not failing.enabled
    assert failing.disabled_reason == "no delivery succeeded since 2026-12-03 10:00 UTC (3 days)"


def test_a_success_clears_the_failure_state() -> None:
    recovering = endpoint()
    recovering.note_attempt(succeeded=False, status_code=500, at=AT)

    assert recovering.note_attempt(succeeded=True, status_code=200, at=AT + timedelta(days=2))
    recovering.note_attempt(succeeded=False, status_code=500, at=AT + timedelta(days=4))

    assert recovering.enabled
    assert recovering.failing_since == AT + timedelta(days=4)


def test_successes_of_a_healthy_endpoint_change_nothing_to_save() -> None:
    healthy = endpoint()

    assert not healthy.note_attempt(succeeded=True, status_code=204, at=AT)
    assert healthy.version == 1


def test_enabling_clears_the_failure_state_in_one_new_version() -> None:
    disabled = endpoint()
    disabled.note_attempt(succeeded=False, status_code=410, at=AT)

    assert disabled.change(at=AT + timedelta(hours=1), enabled=True)

    assert disabled.enabled
    assert (disabled.disabled_reason, disabled.disabled_at, disabled.failing_since) == (
        None,
        None,
        None,
    )
    assert disabled.version == 3


def test_a_change_that_changes_nothing_keeps_the_version() -> None:
    same = endpoint()

    assert not same.change(at=AT, description="ERP", enabled=True)
    assert same.version == 1


def test_an_admin_disabling_is_recorded_as_such() -> None:
    stopped = endpoint()

    stopped.change(at=AT, enabled=False, description="paused")

    assert (stopped.enabled, stopped.disabled_reason) == (False, "disabled by an admin")
    assert (stopped.description, stopped.version) == ("paused", 2)
