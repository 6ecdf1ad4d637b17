"""Notes staff write about a customer: what was said on a call, a complaint, a promise made.

A note is appended and never edited (what was written stays as it was written, with who wrote it
and when); it is personal data, so it goes with the customer's erasure and comes with the export.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from oms.shared.errors import Invalid

NOTE_MAX_LENGTH = 2_000


@dataclass(frozen=True, slots=True, kw_only=True)
class CustomerNote:
    id: UUID
    body: str
    author: str
    """Who wrote it, as timelines name actors (``staff:<user id>``, ``api-key:<id>``)."""
    created_at: datetime


def checked_note_body(body: str, *, field: str = "body") -> str:
    """The note's text, trimmed: 1 to 2,000 characters."""
    text = body.strip()
    if not text:
        raise Invalid("a note needs some text", field=field)
    if len(text) > NOTE_MAX_LENGTH:
        raise Invalid(f"at most {NOTE_MAX_LENGTH} characters", field=field)
    return text
