"""What every page builder of the toolkit site shares: page paths, the rule-to-step
mapping, Markdown helpers, and the figures written pages may quote.

The site is built from bundler's public API (``bundler.api``) only, so it shows what
the tool does and cannot reach past what the tool offers.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import os
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from bundler import api

log = logging.getLogger("mkdocs.plugins.bundler_site")


#: the road-map step (1-9) whose work produces the evidence each checklist rule reads.
#: Templates declare their own step (front matter ``step.number``); this is the other half.
RULE_STEPS: dict[str, int] = {
    # Case and pupil
    "S444-01": 9,
    "S444-02": 9,
    "S444-03": 2,
    "S444-04": 2,
    "S444-05": 9,
    "S444-06": 2,
    # Parents and carers
    "S444-10": 1,
    "S444-11": 1,
    "S444-12": 1,
    "S444-13": 1,
    # Attendance
    "S444-20": 9,
    "S444-21": 9,
    "S444-22": 3,
    "S444-23": 4,
    "S444-24": 7,
    "S444-25": 3,
    "S444-26": 2,
    "S444-27": 2,
    "S444-28": 2,
    # Communication and service
    "S444-30": 1,
    "S444-31": 1,
    "S444-32": 1,
    "S444-33": 1,
    "S444-34": 1,
    "S444-35": 9,
    # Support first
    "S444-40": 6,
    "S444-41": 6,
    "S444-42": 7,
    "S444-43": 5,
    "S444-44": 6,
    "S444-45": 1,
    "S444-46": 6,
    # Attendance contract and plan
    "S444-50": 8,
    "S444-51": 8,
    # Notices and warnings
    "S444-60": 9,
    "S444-61": 9,
    "S444-62": 9,
    "S444-63": 9,
    "S444-64": 4,
    # Safeguarding
    "S444-70": 6,
    "S444-71": 9,
    # Legal route
    "S444-80": 9,
    "S444-81": 9,
    "S444-82": 9,
    "S444-83": 9,
    "S444-84": 9,
    "S444-85": 9,
    "S444-87": 9,
    # The bundle
    "S444-90": 9,
    "S444-91": 3,
    "S444-92": 9,
    "S444-93": 9,
}


#: the sample case and parent the letter previews are rendered for
SAMPLE_CASE = "EX-2025-001"


SAMPLE_PARENT = "p1"


CHECKLIST_PAGE = "checklist.md"


LETTERS_DIR = "letters"


DOWNLOADS_DIR = "letters/downloads"


SAMPLES_DIR = "samples"


SCHEMA_DIR = "reference/schemas"


THUMBNAILS = "docs/thumbnails"  # committed PNGs, relative to the repository root


ROUTE_LABELS = {
    "all": "all routes",
    "pn": "penalty notice and notice to improve",
    "pros": "prosecution, s444(1) and s444(1A)",
    "eso": "education supervision order",
    "prosecution_444_1a": "prosecution under s444(1A) only",
}


def step_page(number: int) -> str:
    """The written page of road-map step ``number`` (docs_dir-relative)."""
    return f"road-map/step-{number}.md"


def rule_anchor(rule_id: str) -> str:
    return rule_id.lower()


def template_page(name: str) -> str:
    return f"{LETTERS_DIR}/{name}.md"


def sample_page(case_id: str) -> str:
    return f"{SAMPLES_DIR}/{case_id}.md"


def produces(t: Any) -> str:
    """What a template produces: its document type (and notice kind)."""
    return t.type + (f" ({t.notice_kind.replace('_', ' ')})" if t.notice_kind else "")


def rel(from_page: str, to_path: str) -> str:
    """A relative link from one docs_dir file to another (mkdocs resolves .md links)."""
    return os.path.relpath(to_path, os.path.dirname(from_page) or ".").replace(os.sep, "/")


def cell(text: Any) -> str:
    """Text for a Markdown table cell."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def esc(text: Any) -> str:
    """Plain text that Markdown must not read as markup (emphasis, HTML); ``cell`` adds
    what a table cell needs."""
    return html.escape(str(text), quote=False).replace("*", "\\*").replace("_", "\\_")


def longdate(day: dt.date) -> str:
    return api.figures.long_date(day)


def show(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None:
        return "none"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class Deferred:
    """A page whose Markdown is made when mkdocs reads it (``deferred()``)."""

    def __init__(self, func: Callable[..., Any], *args: Any) -> None:
        self.func, self.args = func, args

    def __call__(self) -> Any:
        return self.func(*self.args)


class DeferredBytes(Deferred):
    """A file (not a page) whose bytes are made once every page has been read, before
    mkdocs copies the files: a download made from the slow work."""


def _longest_run(text: str, char: str) -> int:
    runs = re.findall(re.escape(char) + "+", text)
    return max((len(r) for r in runs), default=0)


def _demote_headings(body_html: str, by: int = 2) -> str:
    """Letter headings sit under the page's own: h1 -> h3 and so on (h6 at most)."""

    def sub(m: re.Match[str]) -> str:
        level = min(6, int(m.group(2)) + by)
        return f"<{m.group(1)}h{level}"

    return re.sub(r"<(/?)h([1-6])", sub, body_html)


_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")


#: the parts of a sample case's notes that tell its story to a reader; the rest (what it
#: is built to exercise, the outcome its tests expect) is for those who work on bundler
STORY_PARTS = ("Story", "Service")

_PART = re.compile(r"^\*\*([^*]+?)[.:]?\*\*")


def _sample_stories(readme: Path) -> dict[str, str]:
    """Each sample case's story, from its section of sample_cases/README.md: the parts
    named in ``STORY_PARTS`` (headings demoted, links as text)."""
    if not readme.is_file():
        return {}
    out: dict[str, str] = {}
    current: str | None = None
    keep = False
    buffer: list[str] = []
    for line in readme.read_text(encoding="utf-8").splitlines() + ["## end"]:
        if line.startswith("## ") or line.strip() == "---":
            if current and buffer:
                out[current] = "\n".join(buffer).strip()
            current, buffer, keep = None, [], False
            m = re.match(r"## (\S+)\s*[-:]\s*(.*)", line)
            if m:
                current = m.group(1)
                buffer = [f"*{esc(m.group(2))}*", ""] if m.group(2) else []
            continue
        part = _PART.match(line)
        if part:
            keep = part.group(1).split(" (")[0] in STORY_PARTS
        if current and keep:
            line = _LINK.sub(r"\1", line)
            if line.startswith("#"):
                line = "##" + line
            buffer.append(line)
    return out


def _check_report(markdown_text: str, root: Path, checklist: str) -> str:
    """check_markdown output under the sample page's heading, rule IDs linked to the checklist."""
    text = markdown_text.replace(str(root / "sample_cases") + os.sep, "").replace(str(root) + os.sep, "")
    lines = text.splitlines()
    out = []
    for line in lines:
        if line.startswith("# "):
            out.append("**" + esc(line[2:]) + "**")
            continue
        if line.startswith("## "):
            out.append("###" + line[2:])
            continue
        if line.startswith("| S444-"):
            line = re.sub(
                r"^\| (S444-\d+) \|", lambda m: f"| [{m.group(1)}]({checklist}#{rule_anchor(m.group(1))}) |", line
            )
        out.append(line)
    return "\n".join(out)


_FACT = re.compile(r"\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}")


def fill_facts(markdown_text: str, facts: Mapping[str, str], where: str) -> str:
    """Replace ``{{ name }}`` with the tool's figure; an unknown name is a build warning."""

    def sub(m: re.Match[str]) -> str:
        key = m.group(1)
        if key not in facts:
            log.warning(
                "bundler site: %s quotes {{ %s }}, which the tool does not define (known: %s)",
                where,
                key,
                ", ".join(sorted(facts)),
            )
            return m.group(0)
        return facts[key]

    return _FACT.sub(sub, markdown_text)


def check_mapping(templates: Iterable[Any] = ()) -> list[str]:
    """Problems with the rule -> step mapping (every rule mapped, no stale IDs, steps 1-9)."""
    ROAD_MAP = api.reference()["road_map"]
    RULES = {r["id"] for r in api.rules_catalogue()["rules"]}
    problems = []
    missing = [r for r in RULES if r not in RULE_STEPS]
    if missing:
        problems.append(f"rules with no road-map step in bundler.site.RULE_STEPS: {', '.join(missing)}")
    stale = [r for r in RULE_STEPS if r not in RULES]
    if stale:
        problems.append(f"bundler.site.RULE_STEPS names rules that do not exist: {', '.join(stale)}")
    bad = [f"{r}: {s}" for r, s in RULE_STEPS.items() if s not in ROAD_MAP]
    if bad:
        problems.append(f"bundler.site.RULE_STEPS has steps outside the road map: {', '.join(bad)}")
    return problems
