"""The README and the architecture page keep their promises: a two-command quick start made of
real make targets, and links that lead to files in this repository."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\]\((?!https?://|#|mailto:)([^)#\s]+)(?:#[^)]*)?\)")


def quick_start() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Quick start", 1)[1]
    block = section.split("```sh", 1)[1].split("```", 1)[0]
    return [line.split("#", 1)[0].strip() for line in block.strip().splitlines()]


def test_the_quick_start_is_two_make_targets_that_exist() -> None:
    commands = quick_start()
    targets = set(re.findall(r"^([a-z][a-z-]*):", (ROOT / "Makefile").read_text(), re.M))
    assert commands == ["make demo", "make test"]
    assert {command.split()[1] for command in commands} <= targets


@pytest.mark.parametrize("page", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_leads_to_a_file_in_the_repository(page: Path) -> None:
    broken = [
        target
        for target in LINK.findall(page.read_text())
        if not (page.parent / target).resolve().is_relative_to(ROOT)
        or not (page.parent / target).exists()
    ]
    assert broken == []
