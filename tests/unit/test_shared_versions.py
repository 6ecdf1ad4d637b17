"""Reading If-Match: strong comparison, ``*``, lists, and what is not an entity-tag list."""

from __future__ import annotations

import pytest

from oms.shared.errors import Invalid
from oms.shared.versions import ExpectedVersion, StaleVersion, check_expected


@pytest.mark.parametrize(
    ("header", "current", "matches"),
    [
        ('"3"', 3, True),
        ('"3"', 4, False),
        (' "2" , "3" ', 3, True),
        ('"3",', 3, True),
        ('W/"3"', 3, False),
        ('W/"2", "3"', 3, True),
        ('"abc"', 3, False),
        ('""', 3, False),
        ('"0003"', 3, True),
        ('"' + "9" * 40 + '"', 3, False),
        ("*", 41, True),
    ],
)
def test_a_precondition_matches_only_the_current_version_by_strong_comparison(
    header: str, current: int, matches: bool
) -> None:
    assert ExpectedVersion.parse(header).allows(current) is matches


@pytest.mark.parametrize("header", ["3", ', "3"', '"3""4"', '"3" x', "", "   ", "é"])
def test_a_value_that_is_no_entity_tag_list_is_refused_naming_the_header(header: str) -> None:
    with pytest.raises(Invalid) as refused:
        ExpectedVersion.parse(header)
    assert [p.field for p in refused.value.problems] == ["If-Match"]


def test_a_stale_version_says_what_was_expected_and_what_is_current() -> None:
    with pytest.raises(StaleVersion) as refused:
        check_expected(ExpectedVersion.parse('"1", "2"'), "channel", "web", 5)
    assert refused.value.code == "stale-version"
    assert refused.value.facts == {"expected_versions": [1, 2], "actual_version": 5}
    assert "channel web is at version 5, not 1 or 2" in refused.value.detail


def test_without_a_precondition_any_version_will_do() -> None:
    check_expected(None, "channel", "web", 5)
