"""Identifiers: time-ordered UUIDs (version 7) so new rows land at the end of B-tree indexes."""

from __future__ import annotations

import os
import time
import uuid

_RAND_A_MASK = (1 << 12) - 1
_RAND_B_MASK = (1 << 62) - 1


def new_id() -> uuid.UUID:
    """A UUIDv7 (RFC 9562): 48-bit Unix milliseconds, version, 74 random bits, variant."""
    millis = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")
    value = (millis & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76
    value |= ((rand >> 62) & _RAND_A_MASK) << 64
    value |= 0b10 << 62
    value |= rand & _RAND_B_MASK
    return uuid.UUID(int=value)
