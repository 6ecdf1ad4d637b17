"""Webhook targets: which addresses oms refuses to call (and why), what a webhook URL may be,
and that one refused address refuses the host."""

from __future__ import annotations

from ipaddress import ip_address

import pytest

from oms.notifications.domain.targets import (
    WebhookTarget,
    WebhookTargetRefused,
    WebhookUrlInvalid,
    refusal,
    vet,
)


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("127.255.0.9", "loopback"),
        ("::1", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.10", "private"),
        ("fd00::1", "private"),
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("224.0.0.1", "multicast"),
        ("ff02::1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("0.1.2.3", "this network (0.0.0.0/8)"),
        ("100.64.0.1", "shared address space (100.64.0.0/10)"),
        ("100.127.255.254", "shared address space (100.64.0.0/10)"),
        ("240.0.0.1", "private"),
        ("192.0.2.1", "private"),
        ("::ffff:127.0.0.1", "loopback (embedded in ::ffff:7f00:1)"),
        ("::ffff:10.0.0.1", "private (embedded in ::ffff:a00:1)"),
        ("::ffff:169.254.169.254", "link-local (embedded in ::ffff:a9fe:a9fe)"),
        ("2002:7f00:1::", "loopback (embedded in 2002:7f00:1::)"),
        ("64:ff9b::a9fe:a9fe", "link-local (embedded in 64:ff9b::a9fe:a9fe)"),
    ],
)
def test_addresses_that_are_not_public_are_refused_with_the_reason(
    address: str, reason: str
) -> None:
    assert refusal(ip_address(address)) == reason


@pytest.mark.parametrize(
    "address",
    ["93.184.216.34", "8.8.8.8", "100.128.0.1", "2606:4700:4700::1111", "::ffff:93.184.216.34"],
)
def test_public_unicast_addresses_are_allowed(address: str) -> None:
    assert refusal(ip_address(address)) is None


def test_one_refused_address_refuses_the_whole_host() -> None:
    with pytest.raises(WebhookTargetRefused) as refused:
        vet(
            "mixed.example",
            [ip_address("93.184.216.34"), ip_address("10.0.0.7")],
            allow_private=False,
        )

    assert refused.value.facts["address"] == "10.0.0.7"
    assert refused.value.detail.startswith("mixed.example resolves to 10.0.0.7 (private)")
    assert refused.value.problems[0].field == "url"


def test_a_host_that_resolves_to_nothing_is_refused() -> None:
    with pytest.raises(WebhookTargetRefused, match=r"nowhere\.invalid does not resolve"):
        vet("nowhere.invalid", [], allow_private=True)


def test_allowing_private_targets_accepts_loopback() -> None:
    assert vet("localhost", [ip_address("127.0.0.1")], allow_private=True) == (
        ip_address("127.0.0.1"),
    )


def test_an_address_written_as_the_host_is_named_plainly() -> None:
    with pytest.raises(WebhookTargetRefused, match=r"^127\.0\.0\.1 is refused \(loopback\)"):
        vet("127.0.0.1", [ip_address("127.0.0.1")], allow_private=False)


def test_a_url_is_read_into_scheme_host_port_and_request_target() -> None:
    target = WebhookTarget.parse("https://Hooks.Example.com:8443/in/oms?token=1")

    assert (target.scheme, target.host, target.port) == ("https", "hooks.example.com", 8443)
    assert target.target == "/in/oms?token=1"
    assert target.url == "https://Hooks.Example.com:8443/in/oms?token=1"
    assert target.literal_address is None


def test_default_ports_and_paths_follow_the_scheme() -> None:
    assert WebhookTarget.parse("http://example.com").port == 80
    assert WebhookTarget.parse("https://example.com").target == "/"


def test_an_ipv6_literal_host_loses_its_brackets() -> None:
    target = WebhookTarget.parse("http://[::1]:9000/hook")

    assert target.host == "::1"
    assert target.literal_address == ip_address("::1")


def test_an_international_domain_name_is_sent_in_ascii() -> None:
    assert WebhookTarget.parse("https://bücher.example/hook").host == "xn--bcher-kva.example"


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://example.com/", "must start with https:// or http://"),
        ("example.com/hook", "must start with https:// or http://"),
        ("https:///hook", "names no host"),
        ("https://user:pw@example.com/", "user name or password"),
        ("https://user@example.com/", "user name or password"),
        ("https://example.com/#part", "#fragment"),
        ("https://example.com/a b", "spaces or control characters"),
        ("https://example.com:99999/", "cannot be read"),
        ("https://example.com/" + "a" * 2000, "longer than 2000"),
    ],
)
def test_urls_that_cannot_be_webhook_targets_are_refused_saying_why(url: str, reason: str) -> None:
    with pytest.raises(WebhookUrlInvalid, match=reason) as refused:
        WebhookTarget.parse(url)

    assert refused.value.problems[0].field == "url"
