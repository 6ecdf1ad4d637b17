"""Who is calling and what they may do: permissions, principals and the route guard.

Every route declares exactly one permission with ``Requires``. The guard resolves the bearer key
through the authenticator the composition root put on ``app.state`` (the ``auth`` context owns
keys and the role table), so contexts depend on this small module and never on each other for auth.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Literal
from uuid import UUID

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from oms.platform.problems import HTTPProblem
from oms.shared.errors import Forbidden, Invalid
from oms.shared.permissions import Permission, channel_visible

__all__ = ["Authenticator", "Permission", "Principal", "Requires"]


@dataclass(frozen=True, slots=True)
class Principal:
    """An authenticated API key: its role, permissions and, for channel keys, its channel (for
    a location-bound warehouse key, its location)."""

    key_id: UUID
    name: str
    role: str
    permissions: frozenset[Permission]
    channel_id: UUID | None = None
    channel_code: str | None = None
    location_code: str | None = None
    """The one location a bound warehouse key (or staff user) works for (its code), else None."""
    kind: Literal["api-key", "staff"] = "api-key"
    """An API key (``key_id`` is the key's) or a staff user in the console (the user's id)."""

    @property
    def actor(self) -> str:
        """How ledgers and timelines name this caller: ``api-key:<id>`` (never its secret) or
        ``staff:<user id>``."""
        return f"{self.kind}:{self.key_id}"

    def can(self, permission: Permission) -> bool:
        return permission in self.permissions

    @property
    def channel_scope(self) -> str | None:
        """The one channel this caller sees (a channel key's), or None for every channel: what
        routes pass to services as ``visible_to``."""
        return self.channel_code

    @property
    def location_scope(self) -> str | None:
        """The one location whose fulfilment this caller sees and works (a bound warehouse
        key's), or None for every location: what fulfilment routes pass to services; another
        location's fulfilment orders and shipments do not exist for it (404, absent from
        lists)."""
        return self.location_code

    def sees_channel(self, channel_code: str) -> bool:
        """A channel key sees only its own channel; every other role sees all."""
        return channel_visible(channel_code, to=self.channel_code)

    def channel_to_act_for(self, named: str | None) -> str:
        """The channel an order or quote is for: a channel key acts for its own channel only
        (naming another is 403) and may omit it; every other caller must name one."""
        if self.channel_code is not None:
            if named not in (None, self.channel_code):
                raise Forbidden(
                    f"this key acts only for channel {self.channel_code!r}", channel=named
                )
            return self.channel_code
        if named is None:
            raise Invalid("name the channel the order comes from", field="channel")
        return named

    @property
    def sees_contacts(self) -> bool:
        """Whether buyers' and customers' emails and phones may be shown (and searched by).

        Roles with ``customers:contacts`` see them all. A channel key sees those on its own
        channel's orders, which it sent itself; it cannot read customer profiles at all. Every
        other role (warehouse, marketing) sees none: the one place this is decided.
        """
        return self.can(Permission.CUSTOMERS_CONTACTS) or self.channel_code is not None

    @property
    def sees_customer_ids(self) -> bool:
        """Whether an order may name its customer profile: only to roles that may read
        profiles, so a channel key cannot learn that an email is known from another channel."""
        return self.can(Permission.CUSTOMERS_READ)


Authenticator = Callable[[str], Principal | None]
"""Turns a presented key into a principal, or None when unknown or revoked.

It may also offer ``cached(secret) -> (known, principal)``: an answer from memory without
touching the database (``known`` False when it has none). The guard asks that on the event loop
and goes to the thread pool only on a miss, so a request with a recently seen key pays
microseconds for authentication instead of a thread hand-over.
"""

_bearer = HTTPBearer(
    auto_error=False,
    scheme_name="ApiKey",
    description="An oms API key: `Authorization: Bearer oms_...`.",
)

_UNAUTHENTICATED = {"WWW-Authenticate": 'Bearer realm="oms"'}


class Requires:
    """Route dependency: authenticate the bearer key and demand one permission."""

    def __init__(self, permission: Permission) -> None:
        self.permission = permission

    async def __call__(
        self,
        request: Request,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> Principal:
        if credentials is None:
            raise HTTPProblem(
                401,
                "unauthenticated",
                "Authentication required",
                "send an API key as `Authorization: Bearer oms_...`",
                _UNAUTHENTICATED,
            )
        principal = await _authenticate(request.app.state.authenticator, credentials.credentials)
        if principal is None:
            raise HTTPProblem(
                401,
                "invalid-api-key",
                "Authentication required",
                "the API key is unknown or revoked",
                _UNAUTHENTICATED,
            )
        request.state.principal = principal
        if not principal.can(self.permission):
            raise HTTPProblem(
                403,
                "forbidden",
                "Forbidden",
                f"role {principal.role!r} lacks permission {self.permission.value!r}",
            )
        return principal

    def __repr__(self) -> str:
        return f"Requires({self.permission.value})"


async def _authenticate(authenticate: Authenticator, secret: str) -> Principal | None:
    """From the authenticator's memory when it has the answer, else on the thread pool (a
    database read must not block the event loop)."""
    cached = getattr(authenticate, "cached", None)
    if cached is not None:
        known, principal = cached(secret)
        if known:
            return principal  # type: ignore[no-any-return]
    return await run_in_threadpool(authenticate, secret)
