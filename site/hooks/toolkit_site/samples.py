"""The sample cases: an index, and one page per case with its check report and
thumbnails of its bundle."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from .common import CHECKLIST_PAGE, SAMPLES_DIR, THUMBNAILS, Deferred, _check_report, _sample_stories, rel, sample_page


class SamplePages:
    """The sample-case pages of a build (a mixin of ``Build``)."""

    root: Path
    case_ids: tuple[str, ...]
    work: dict[str, Any]

    def thumbnails(self, case_id: str) -> list[Path]:
        """Committed images of the case's bundle: ``<CASE>-p<N>.png`` (its first pages, in
        page order), then any other ``<CASE>-<label>.png`` (an inside page, e.g. ``register``)."""
        folder = self.root / THUMBNAILS
        if not folder.is_dir():
            return []
        pages, others = [], []
        for path in folder.glob(f"{case_id}-*.png"):
            m = re.fullmatch(re.escape(case_id) + r"-p(\d+)\.png", path.name)
            if m:
                pages.append((int(m.group(1)), path))
            elif re.fullmatch(re.escape(case_id) + r"-[a-z0-9-]+\.png", path.name):
                others.append(path)
        return [p for _, p in sorted(pages)] + sorted(others)

    def sample_files(self) -> dict[str, str | bytes | Deferred]:
        out: dict[str, str | bytes | Deferred] = {}
        for case_id in self.case_ids:
            for path in self.thumbnails(case_id):
                out[f"{SAMPLES_DIR}/thumbnails/{path.name}"] = path.read_bytes()
        out[f"{SAMPLES_DIR}/index.md"] = Deferred(self._samples_index)
        stories = _sample_stories(self.root / "sample_cases" / "README.md")
        for case_id in self.case_ids:
            out[sample_page(case_id)] = Deferred(self._sample_page, case_id, stories.get(case_id))
        return out

    def _samples_index(self) -> str:
        index = f"{SAMPLES_DIR}/index.md"
        checks = self.work["checks"]
        lines = [
            "# Sample cases",
            "",
            "Fictional cases that come with bundler: every name, address and number in them is",
            "made up. Each page tells the case's story and shows the report `bundler check` gives",
            "for it, and pages of the bundle `bundler build` makes.",
            "",
            "| Case | Result |",
            "| --- | --- |",
        ]
        for case_id in self.case_ids:
            c = checks.get(case_id, {})
            if c.get("ready"):
                result = "ready to refer"
            elif c.get("checked"):
                result = "not ready"
            else:
                result = f"cannot be checked ({c.get('problems', 0)} validation problems)"
            lines.append(f"| [{case_id}]({rel(index, sample_page(case_id))}) | {result} |")
        lines.append("")
        return "\n".join(lines)

    def _sample_page(self, case_id: str, story: str | None) -> str:
        page = sample_page(case_id)
        body = [f"# Sample case {case_id}", ""]
        if story:
            body += [story, ""]
        report = self.work["checks"].get(case_id, {}).get("markdown")
        if report is None:
            body += [
                '!!! warning "No check report"',
                "",
                "    There is no report for this case.",
                "",
            ]
        else:
            body += [
                "## Check report",
                "",
                "What `bundler check` reports for this case:",
                "",
                _check_report(report, self.root, rel(page, CHECKLIST_PAGE)),
                "",
            ]
        thumbs = self.thumbnails(case_id)
        first = [p for p in thumbs if re.fullmatch(re.escape(case_id) + r"-p\d+\.png", p.name)]
        inside = [p for p in thumbs if p not in first]
        if thumbs:
            body += [
                "## Pages of the bundle",
                "",
                "Pages of the bundle `bundler build` makes for this case (select one to enlarge).",
                "",
            ]
        for label, group, css in (
            ("The first pages", first, "bundle-thumbnails"),
            ("Inside the bundle", inside, "bundle-thumbnails wide"),
        ):
            if not group:
                continue
            body += [f"**{label}**", "", f'<div class="{css}" markdown>', ""]
            images = []
            for path in group:
                dest = f"{SAMPLES_DIR}/thumbnails/{path.name}"
                name = path.stem[len(case_id) + 1 :]
                alt = f"page {name[1:]}" if re.fullmatch(r"p\d+", name) else name.replace("-", " ") + " page"
                images.append(f"[![{case_id} bundle, {alt}]({rel(page, dest)}){{ loading=lazy }}]({rel(page, dest)})")
            body += [" ".join(images), "", "</div>", ""]
        return "\n".join(body)
