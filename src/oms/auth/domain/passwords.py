"""Staff passwords, hashed with Argon2id (argon2-cffi's ``PasswordHasher`` and its defaults).

A password is low-entropy, unlike an API key: it gets a slow, memory-hard hash. ``verify``
costs the same whether or not there is a hash to check (an unknown email is checked against a
dummy hash), so the time a login takes does not tell whether the email exists.
"""

from __future__ import annotations

from functools import cached_property

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError


class Passwords:
    """Hash, verify and re-hash passwords with one set of Argon2id parameters."""

    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self.hasher = hasher or PasswordHasher()

    def hash(self, password: str) -> str:
        return self.hasher.hash(password)

    def verify(self, stored: str | None, password: str) -> bool:
        """Whether ``password`` matches ``stored``; with no stored hash, a dummy one is checked
        (and fails) so that the answer takes as long."""
        try:
            matches = self.hasher.verify(stored or self._dummy, password)
        except (VerificationError, InvalidHashError):
            return False
        return matches and stored is not None

    def needs_rehash(self, stored: str) -> bool:
        """Whether ``stored`` was made with other parameters than this hasher's."""
        return self.hasher.check_needs_rehash(stored)

    @cached_property
    def _dummy(self) -> str:
        return self.hasher.hash("not a password anyone has: dummy for unknown emails")


PASSWORDS = Passwords()
"""The default hasher (argon2-cffi's recommended parameters); tests pass cheaper ones."""
