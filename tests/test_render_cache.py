"""What the build remembers between runs can make it faster, never different: the part
cache keys on everything a page depends on, and remembered page counts are only a guess
that the final render checks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from builder import CaseBuilder

import bundler.bundle.render as render
from bundler.bundle import build_bundle

pytestmark = pytest.mark.slow


def test_the_stylesheet_is_part_of_every_cache_key(monkeypatch) -> None:
    job = render.RenderJob("<p>x</p>", "x", None)
    before = job.cache_key()
    monkeypatch.setattr(render, "_stylesheet_digest", lambda: "another stylesheet")
    assert job.cache_key() != before


def _layouts(monkeypatch) -> list[bool]:
    """Record every WeasyPrint layout: True for a layout-only one."""
    calls: list[bool] = []
    original = render.html_to_pdf

    def counted(html, **kw):
        calls.append(bool(kw.get("layout_only")))
        return original(html, **kw)

    monkeypatch.setattr(render, "html_to_pdf", counted)
    return calls


def test_an_edit_renders_the_front_matter_once_and_the_bundle_matches_a_cold_build(tmp_path, monkeypatch) -> None:
    b = CaseBuilder(tmp_path / "EX-TEST-001")
    folder = b.write()
    cache = tmp_path / "cache"
    build_bundle(folder, tmp_path / "first.pdf", cache_dir=cache, workers=1)
    sidecar = folder / "documents" / "2024-09-20-letter-p2-concern.md"
    sidecar.write_text(sidecar.read_text().replace("title: Attendance concern", "title: Attendance concern (father)"))
    calls = _layouts(monkeypatch)
    build_bundle(folder, tmp_path / "edited.pdf", cache_dir=cache, workers=1)
    assert True not in calls  # no first layout: last build's page counts were the guess
    assert 0 < len(calls) <= 4  # the front matter the title appears in, rendered once
    monkeypatch.undo()
    build_bundle(folder, tmp_path / "cold.pdf", cache_dir=False)
    assert (tmp_path / "edited.pdf").read_bytes() == (tmp_path / "cold.pdf").read_bytes()


def test_wrong_remembered_counts_are_corrected(tmp_path) -> None:
    b = CaseBuilder(tmp_path / "EX-TEST-001")
    folder = b.write()
    cache = tmp_path / "cache"
    build_bundle(folder, tmp_path / "first.pdf", cache_dir=cache, workers=1)
    [remembered] = list((cache / "counts").glob("*.json"))
    counts = json.loads(remembered.read_text())
    remembered.write_text(json.dumps([c + 3 for c in counts]))  # every count wrong
    build_bundle(folder, tmp_path / "again.pdf", cache_dir=cache, workers=1)
    assert (tmp_path / "again.pdf").read_bytes() == (tmp_path / "first.pdf").read_bytes()
    assert json.loads(remembered.read_text()) == counts


def test_a_damaged_counts_file_is_ignored(tmp_path: Path) -> None:
    b = CaseBuilder(tmp_path / "EX-TEST-001")
    folder = b.write()
    cache = tmp_path / "cache"
    build_bundle(folder, tmp_path / "first.pdf", cache_dir=cache, workers=1)
    [remembered] = list((cache / "counts").glob("*.json"))
    remembered.write_text("{not json")
    build_bundle(folder, tmp_path / "again.pdf", cache_dir=cache, workers=1)
    assert (tmp_path / "again.pdf").read_bytes() == (tmp_path / "first.pdf").read_bytes()
