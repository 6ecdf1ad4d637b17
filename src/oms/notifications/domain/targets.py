"""Safe webhook targets: what a webhook URL may be, and which addresses oms may call.

Whoever manages webhooks chooses the URL oms will POST to. Without a rule, that would let them
make oms call its own database port, a cloud metadata service (169.254.169.254) or a router on
the private network: server-side request forgery. So oms calls only globally routable unicast
addresses. The rule applies to *addresses*, after DNS resolution, twice: when the endpoint is
saved (so the admin hears about it at once) and again when each delivery connects (a name that
resolved to a public address yesterday may resolve to 127.0.0.1 today: DNS rebinding). The
connect-time check is the one that protects; ``providers.webhook_http`` connects only to the
address it vetted. ``allow_private`` lifts the rule for tests and for on-premise deployments
whose receivers live on the private network (``OMS_WEBHOOKS_ALLOW_PRIVATE_TARGETS``).

Pure rules on ``ipaddress`` values and URL text; resolving names is the provider's job.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address
from urllib.parse import SplitResult, urlsplit

from oms.shared.errors import Invalid

IPAddress = IPv4Address | IPv6Address

MAX_URL_LENGTH = 2000

_THIS_NETWORK = IPv4Network("0.0.0.0/8")
_SHARED = IPv4Network("100.64.0.0/10")
"""Shared address space (RFC 6598, carrier-grade NAT): not private by the book, not public."""
_NAT64 = (IPv6Network("64:ff9b::/96"), IPv6Network("64:ff9b:1::/48"))
"""NAT64 prefixes: the last 32 bits are the IPv4 address a translator will call."""
_CONTROL = re.compile(r"[\x00-\x20\x7f]")


def refusal(address: IPAddress) -> str | None:
    """Why ``address`` may not be called (``"loopback"``, ``"private"``, ...), or None when it
    is a globally routable unicast address.

    An IPv6 address that carries an IPv4 address (IPv4-mapped ``::ffff:127.0.0.1``, 6to4,
    Teredo, NAT64) is judged by the IPv4 address it would reach as well.
    """
    embedded = _embedded_ipv4(address)
    if embedded is not None and (why := refusal(embedded)) is not None:
        return f"{why} (embedded in {address})"
    if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
        return None  # a socket connects to the IPv4 address itself, judged above
    return _own_refusal(address)


_REFUSED: tuple[tuple[str, Callable[[IPAddress], bool]], ...] = (
    ("unspecified", lambda a: a.is_unspecified),
    ("this network (0.0.0.0/8)", lambda a: a.version == 4 and a in _THIS_NETWORK),
    ("loopback", lambda a: a.is_loopback),
    ("link-local", lambda a: a.is_link_local),
    ("multicast", lambda a: a.is_multicast),
    ("shared address space (100.64.0.0/10)", lambda a: a.version == 4 and a in _SHARED),
    ("private", lambda a: a.is_private),
    ("reserved", lambda a: a.is_reserved),
    ("not globally routable", lambda a: not a.is_global),
)
"""Why an address is refused, the most telling reason first (127.0.0.1 is private too, but
"loopback" says more)."""


def _own_refusal(address: IPAddress) -> str | None:
    return next((why for why, refused in _REFUSED if refused(address)), None)


def _embedded_ipv4(address: IPAddress) -> IPv4Address | None:
    if isinstance(address, IPv4Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if any(address in prefix for prefix in _NAT64):
        return IPv4Address(int(address) & 0xFFFFFFFF)
    return None


class WebhookTargetRefused(Invalid):
    """The URL's host resolves to an address oms does not call (or to none at all)."""

    code = "webhook-target-refused"
    title = "Webhook target refused"

    def __init__(self, host: str, reason: str, *, address: str | None = None) -> None:
        super().__init__(
            f"{host} {reason}; webhooks are only sent to public addresses",
            field="url",
            host=host,
            address=address,
        )


class WebhookUrlInvalid(Invalid):
    code = "webhook-url-invalid"
    title = "Invalid webhook URL"

    def __init__(self, reason: str) -> None:
        super().__init__(reason, field="url")


@dataclass(frozen=True, slots=True)
class WebhookTarget:
    """A checked webhook URL: ``url`` as given, ``host`` in ASCII (IDNA) without brackets."""

    url: str
    scheme: str
    host: str
    port: int
    target: str
    """Path and query, as the request line carries them."""

    @classmethod
    def parse(cls, text: str) -> WebhookTarget:
        """The target ``text`` names; ``WebhookUrlInvalid`` saying why it cannot be one."""
        if len(text) > MAX_URL_LENGTH:
            raise WebhookUrlInvalid(f"the URL is longer than {MAX_URL_LENGTH} characters")
        if _CONTROL.search(text):
            raise WebhookUrlInvalid("the URL contains spaces or control characters")
        try:
            parts = urlsplit(text)
            port = parts.port
        except ValueError as error:
            raise WebhookUrlInvalid(f"the URL cannot be read: {error}") from None
        _check_parts(parts)
        scheme = parts.scheme.lower()
        path = parts.path or "/"
        return cls(
            url=text,
            scheme=scheme,
            host=_ascii_host(parts.hostname or ""),
            port=port if port is not None else (443 if scheme == "https" else 80),
            target=f"{path}?{parts.query}" if parts.query else path,
        )

    @property
    def literal_address(self) -> IPAddress | None:
        """The address when the host is written as one (no DNS involved)."""
        try:
            return ip_address(self.host)
        except ValueError:
            return None


def _check_parts(parts: SplitResult) -> None:
    if parts.scheme.lower() not in ("http", "https"):
        raise WebhookUrlInvalid("the URL must start with https:// or http://")
    if not parts.hostname:
        raise WebhookUrlInvalid("the URL names no host")
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise WebhookUrlInvalid("the URL must not carry a user name or password")
    if parts.fragment:
        raise WebhookUrlInvalid("the URL must not have a #fragment (it is never sent)")


def _ascii_host(host: str) -> str:
    try:
        return host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise WebhookUrlInvalid(f"the host {host!r} is not a valid domain name") from None


def vet(host: str, addresses: Iterable[IPAddress], *, allow_private: bool) -> tuple[IPAddress, ...]:
    """The addresses ``host`` resolved to, if oms may call it; ``WebhookTargetRefused`` naming
    the first refused address otherwise, or when there is none.

    One refused address refuses the host: connecting to "whichever answers" would let a name
    with one public and one private address reach the private one.
    """
    found = tuple(dict.fromkeys(addresses))
    if not found:
        raise WebhookTargetRefused(host, "does not resolve")
    if allow_private:
        return found
    for address in found:
        why = refusal(address)
        if why is not None:
            shown = f"resolves to {address}" if str(address) != host else "is refused"
            raise WebhookTargetRefused(host, f"{shown} ({why})", address=str(address))
    return found
