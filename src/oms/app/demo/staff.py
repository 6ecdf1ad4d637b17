"""The demo merchant's staff: one console login per desk, each with a fresh passphrase that
``oms demo load`` prints once (they are stored only as Argon2id hashes)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from oms import auth
from oms.platform.unit_of_work import UnitOfWork

DOMAIN = "northwind.example"
DESKS: tuple[tuple[str, auth.Role, str | None, str], ...] = (
    ("admin", auth.Role.ADMIN, None, "en"),
    ("service", auth.Role.CSR, None, "en"),
    ("warehouse", auth.Role.WAREHOUSE, "wh-de", "de"),
    ("finance", auth.Role.FINANCE, None, "en"),
)
"""(mailbox, role, bound location, console language) of each demo staff user."""


@dataclass(frozen=True, slots=True)
class Login:
    email: str
    role: auth.Role
    location: str | None
    password: str


def create(uow: UnitOfWork) -> list[Login]:
    """Create the demo staff users, each with a new random passphrase."""
    logins = []
    for mailbox, role, location, locale in DESKS:
        password = "-".join(secrets.token_urlsafe(4) for _ in range(3))
        user = auth.create_staff_user(
            auth.CreateStaffUser(
                email=f"{mailbox}@{DOMAIN}",
                role=role,
                password=password,
                location_code=location,
                locale=locale,
            ),
            uow=uow,
        )
        logins.append(Login(user.email, role, location, password))
    return logins
