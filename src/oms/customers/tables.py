"""Tables of the customers context."""

from __future__ import annotations
