"""Product categories as paths: levels joined by `` > `` (``Apparel > Tops``).

The catalog files products under them and the history import reads them from a file; both
store and check them the same way here.
"""

from __future__ import annotations

from oms.shared.errors import FieldProblem

MAX_CATEGORY = 120
CATEGORY_SEPARATOR = " > "


def category_path(raw: str | None) -> str | None:
    """A category as stored: each level trimmed and joined by `` > `` (``home>kitchen `` →
    ``home > kitchen``); None for none (an empty text removes a category)."""
    if raw is None:
        return None
    levels = [level.strip() for level in raw.split(">")]
    return CATEGORY_SEPARATOR.join(levels) if any(levels) else None


def check_category(raw: str | None) -> list[FieldProblem]:
    """A category, when given, is at most 120 characters and has no empty level."""
    path = category_path(raw)
    if path is None:
        return []
    if len(path) > MAX_CATEGORY:
        return [FieldProblem("category", f"must be at most {MAX_CATEGORY} characters")]
    if any(not level for level in path.split(CATEGORY_SEPARATOR)):
        return [FieldProblem("category", "has an empty level between two '>'")]
    return []
