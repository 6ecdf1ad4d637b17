"""Optimistic concurrency for versioned records: what a caller's ``If-Match`` expects.

Every change to a versioned record (an order, a channel, a product, a customer...) raises its
``version`` by one; the HTTP layer shows it as the strong ETag ``"<version>"``. A caller that
read version 3 and sends ``If-Match: "3"`` with its change is refused with ``StaleVersion``
(412) when someone changed the record since: that is how lost updates are prevented.

Comparison is strong only (RFC 9110 13.1.1): a weak tag ``W/"3"`` names a representation that
is merely equivalent, so it never matches; ``*`` matches any version of an existing record.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from oms.shared.errors import Invalid, PreconditionFailed

_ENTITY_TAG = re.compile(r'\s*(W/)?"([\x21\x23-\x7e\x80-\xff]*)"\s*(?:,|$)')
_MAX_DIGITS = 18
"""A version fits a 64-bit integer; longer digit strings can name no version."""


@dataclass(frozen=True, slots=True)
class ExpectedVersion:
    """The versions an ``If-Match`` header accepts: listed strong tags, or any (``*``)."""

    versions: frozenset[int] = frozenset()
    any: bool = False

    @classmethod
    def parse(cls, header: str) -> ExpectedVersion:
        """Read ``*`` or a list of entity tags (``"3"``, ``"3", "4"``, ``W/"3"``).

        Weak tags and tags that are not version numbers are well formed but match nothing
        (412); a value that is not an entity-tag list at all is refused naming the header.
        """
        text = header.strip()
        if text == "*":
            return cls(any=True)
        versions: set[int] = set()
        position = 0
        while position < len(text):
            found = _ENTITY_TAG.match(text, position)
            if found is None or found.end() == position:
                raise Invalid(
                    'If-Match must be "*" or entity tags as the ETag header gave them, such as "3"',
                    field="If-Match",
                )
            weak, tag = found.group(1), found.group(2)
            if not weak and tag.isascii() and tag.isdigit() and len(tag) <= _MAX_DIGITS:
                versions.add(int(tag))
            position = found.end()
        if position == 0:
            raise Invalid('If-Match must not be empty; send "*" or an ETag', field="If-Match")
        return cls(versions=frozenset(versions))

    def allows(self, version: int) -> bool:
        """Whether a record at ``version`` meets the precondition (strong comparison)."""
        return self.any or version in self.versions

    def check(self, kind: str, key: str, version: int) -> None:
        """Refuse (412) when the record named ``kind`` ``key`` has moved past what was read."""
        if not self.allows(version):
            raise StaleVersion(kind, key, expected=self.versions, actual=version)


def check_expected(expected: ExpectedVersion | None, kind: str, key: str, version: int) -> None:
    """Refuse a stale change; without a precondition (no ``If-Match``) any version will do."""
    if expected is not None:
        expected.check(kind, key, version)


class StaleVersion(PreconditionFailed):
    """The caller changed a record from a version that is no longer current."""

    code = "stale-version"
    title = "The record has changed"

    def __init__(
        self, kind: str, key: str, *, expected: Collection[int], actual: int | None = None
    ) -> None:
        named = sorted(expected)
        seen = " or ".join(map(str, named)) if named else "the one given"
        if actual is None:
            detail = f"{kind} {key} changed after version {seen} was read; reload and retry"
        else:
            detail = f"{kind} {key} is at version {actual}, not {seen}; reload and retry"
        super().__init__(
            detail,
            expected_versions=named,
            actual_version=actual,
        )
