"""Golden text fingerprints: the normalised text of every page of every sample bundle,
and of every toolkit letter rendered for a sample case, compared with tests/golden/.

A change that alters what a reader sees on any page shows up here as a diff, page by
page. When the change is meant, regenerate the fingerprints with one command and review
the diff in git:

    bash scripts/test.sh tests/test_golden.py --update-golden
"""

from __future__ import annotations

import datetime as dt
import difflib
from pathlib import Path

import pytest
from pypdf import PdfReader

from bundler import api

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"
LETTER_CASE = ROOT / "sample_cases" / "EX-2025-001"
LETTER_DATE = dt.date(2025, 3, 3)


def _compare(path: Path, actual: str, update: bool) -> None:
    if update:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        return
    assert path.is_file(), f"{path.relative_to(ROOT)} is missing: run the tests with --update-golden"
    expected = path.read_text(encoding="utf-8")
    if actual != expected:
        diff = "\n".join(
            list(difflib.unified_diff(expected.splitlines(), actual.splitlines(), "golden", "now", lineterm=""))[:60]
        )
        pytest.fail(f"{path.relative_to(ROOT)} differs (regenerate with --update-golden if meant):\n{diff}")


def bundle_fingerprint(pdf: Path) -> str:
    """Every page's text, whitespace folded, under a line naming the page and its label."""
    reader = PdfReader(str(pdf))
    labels = reader.page_labels
    out = []
    for number, page in enumerate(reader.pages, 1):
        out.append(f"=== page {number} ({labels[number - 1]})")
        out.append(" ".join(page.extract_text().split()))
    return "\n".join(out) + "\n"


@pytest.mark.slow
@pytest.mark.parametrize("case_id", ["EX-2025-001", "EX-2025-002", "EX-2025-003"])
def test_sample_bundle_reads_as_before(case_id, sample_bundles, update_golden):
    _compare(GOLDEN / "bundles" / f"{case_id}.txt", bundle_fingerprint(sample_bundles[case_id]), update_golden)


@pytest.fixture(scope="module")
def letter_case():
    return api.validate(LETTER_CASE).case


@pytest.mark.parametrize("name", [t.name for t in api.list_templates()])
def test_letter_reads_as_before(name, letter_case, update_golden):
    template = api.get_template(name)
    parent = "p1" if template.addressed == "parent" else None
    serve = "post_first_class" if template.served else None
    letter = api.render_letter(letter_case, name, parent, LETTER_DATE, serve)
    _compare(GOLDEN / "letters" / f"{name}.md", letter.text, update_golden)
