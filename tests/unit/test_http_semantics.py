"""If-None-Match evaluation (RFC 9110 13.1.2), without a server."""

from __future__ import annotations

import pytest

from oms.platform.http_semantics import none_match


@pytest.mark.parametrize(
    ("header", "etag", "matches"),
    [
        ('"3"', '"3"', True),
        ('"3"', '"4"', False),
        ('"1", "2", "3"', '"3"', True),
        ('"1","3"', '"3"', True),
        ("*", '"3"', True),
        ('W/"3"', '"3"', True),
        ('"3"', 'W/"3"', True),
        ('"33"', '"3"', False),
        ('"3" "4"', '"3"', False),
        ("3", '"3"', False),
        ("", '"3"', False),
        ('"3', '"3"', False),
    ],
)
def test_if_none_match_uses_the_weak_comparison_over_a_list_of_tags(
    header: str, etag: str, matches: bool
) -> None:
    assert none_match(header, etag) is matches
