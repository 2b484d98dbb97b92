"""The checklist's own words: rule IDs, routes, severities, texts and sections, read
from the checklist document the project ships (``docs/s444-checklist.md``, packaged as
``bundler.docs``).

Takes the Markdown document; gives one ``RuleText`` per table row. No rule's wording is
written in code: the engine, ``bundler rules``, the bundle and the site all print what
this module reads, so they cannot drift from the document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

__all__ = ["RuleText", "rule_texts", "section_titles", "plain", "CHECKLIST_FILE"]

CHECKLIST_FILE = "s444-checklist.md"

_SECTION = re.compile(r"^## (?P<title>.+?) \((?P<first>\d\d)-(?P<last>\d\d)\)\s*$")
_ROW = re.compile(r"^\| (?P<id>S444-\d\d) \| (?P<routes>[^|]+?) \| (?P<sev>[a-z_]+) \| (?P<text>.+) \|\s*$")
_PER_PARENT = "**Per parent**:"


@dataclass(frozen=True)
class RuleText:
    """One rule as the checklist document states it."""

    id: str
    routes: tuple[str, ...]  # all | pn | pros | eso | prosecution_444_1a ...
    severity: str  # fail | warn | info
    text: str  # as written (Markdown: `code`, **bold**)
    per_parent: bool
    section: str  # the section's title, e.g. "Case and pupil"

    @property
    def plain_text(self) -> str:
        """The text without Markdown marks, for terminals and JUnit."""
        return plain(self.text)


def plain(text: str) -> str:
    """Markdown inline marks removed: `code` -> code, **bold** -> bold."""
    return text.replace("**", "").replace("`", "")


def _document() -> str:
    return resources.files("bundler.docs").joinpath(CHECKLIST_FILE).read_text(encoding="utf-8")


def parse(document: str) -> tuple[dict[str, RuleText], dict[str, str]]:
    """Rules and section titles (by the tens digit: "0" -> "Case and pupil") of a checklist."""
    rules: dict[str, RuleText] = {}
    sections: dict[str, str] = {}
    section = ""
    for line in document.splitlines():
        heading = _SECTION.match(line)
        if heading:
            section = heading.group("title")
            sections[heading.group("first")[0]] = section
            continue
        row = _ROW.match(line)
        if not row:
            continue
        text = row.group("text").strip()
        per_parent = text.startswith(_PER_PARENT)
        routes = tuple(r.strip() for r in row.group("routes").split(",") if r.strip())
        if row.group("id") in rules:
            raise ValueError(f"{CHECKLIST_FILE}: {row.group('id')} is listed twice")
        rules[row.group("id")] = RuleText(row.group("id"), routes, row.group("sev"), text, per_parent, section)
    return rules, sections


@cache
def _parsed() -> tuple[dict[str, RuleText], dict[str, str]]:
    return parse(_document())


def rule_texts() -> dict[str, RuleText]:
    """Every rule of the shipped checklist, in document order."""
    return _parsed()[0]


def section_titles() -> dict[str, str]:
    """Section titles by the tens digit of their rule IDs."""
    return _parsed()[1]
