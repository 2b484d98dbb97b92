"""Benchmark `bundler build`: cold build vs the engine floor, warm rebuild, and memory.

    python benchmarks/bench_build.py [--runs 3] [--quick]

1. A generated case of 200 documents (Markdown, PDF, Word, email, images) making about
   400 pages. Cold build (empty part cache) against the engine floor: WeasyPrint
   rendering the same HTML as ONE document, measured in the same run. Target <= 1.0x.
2. Rebuild after editing one document (part cache warm): target <= 0.25x of cold.
3. Peak RSS of a ~1,000-page bundle against a ~100-page one, each built in its own
   process: target under 2x.

Medians are printed; figures go in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).parent
ROOT = HERE.parent
SAMPLE_DOCS = ROOT / "sample_cases" / "EX-2025-001" / "documents"
sys.path.insert(0, str(HERE))

from generate import make_case  # noqa: E402


def attachments() -> dict[str, Path]:
    """One file of each non-Markdown kind from the sample case, to copy into generated cases."""
    found = {}
    for path in sorted(SAMPLE_DOCS.iterdir()):
        suffix = path.suffix.lower()
        if suffix in (".pdf", ".docx", ".eml", ".png") and suffix not in found:
            found[suffix] = path
    return found


def make_mixed_case(
    folder: Path, *, markdown: int, pdfs: int, docx: int, eml: int, images: int, school_years: int = 5, seed: int = 0
) -> Path:
    """A generated case with ``markdown`` Markdown documents plus copies of the sample
    PDF (3 pages), Word, email and image documents, each with its sidecar."""
    make_case(folder, school_years=school_years, documents=markdown, seed=seed)
    sources = attachments()
    docs = folder / "documents"
    import datetime as dt

    case_text = (folder / "case.yaml").read_text()
    referral = (
        dt.date.fromisoformat(case_text.split("date: ", 2)[1][:10]) if "date: " in case_text else dt.date(2025, 3, 1)
    )
    day = referral - dt.timedelta(days=400)
    counts = {".pdf": pdfs, ".docx": docx, ".eml": eml, ".png": images}
    n = 0
    for suffix, count in counts.items():
        for i in range(count):
            n += 1
            name = f"zz-{suffix[1:]}-{i:03d}{suffix}"
            shutil.copyfile(sources[suffix], docs / name)
            when = day + dt.timedelta(days=n % 380)
            (docs / f"{name}.yaml").write_text(
                f"type: other\ntitle: Generated {suffix[1:]} document {i}\ndate: {when.isoformat()}\n"
            )
    return folder


def build(folder: Path, out: Path, cache: Path | None) -> float:
    from bundler.bundle import build_bundle

    start = time.perf_counter()
    build_bundle(folder, out, draft=True, cache_dir=cache if cache else False)
    return time.perf_counter() - start


def floor_html(folder: Path) -> str:
    """Every HTML part of the bundle (final versions), joined as one document."""
    import re

    import bundler.bundle.render as pdf
    from bundler.bundle import build_bundle

    captured: list[str] = []
    original = pdf.Renderer.render

    def capture(self, units):
        for unit in units:
            for job in getattr(unit, "jobs", (unit,)):  # a batch holds several documents
                if job.label not in ("cover", "index", "checklist", "chronology"):
                    captured.append(pdf._job_html(job))  # Word bodies converted, as rendered
        return original(self, units)

    pdf.Renderer.render = capture
    try:
        with tempfile.TemporaryDirectory() as tmp:
            build_bundle(folder, Path(tmp) / "x.pdf", draft=True, cache_dir=False)
    finally:
        pdf.Renderer.render = original
    # the generated parts: take their last (final) rendering
    with tempfile.TemporaryDirectory() as tmp:
        finals: dict[str, str] = {}

        def keep(self, jobs):
            for job in jobs:
                if getattr(job, "label", None) in ("cover", "index", "checklist", "chronology"):
                    finals[job.label] = job.html
            return original(self, jobs)

        pdf.Renderer.render = keep
        try:
            build_bundle(folder, Path(tmp) / "y.pdf", draft=True, cache_dir=Path(tmp) / "cache")
        finally:
            pdf.Renderer.render = original
    htmls = list(finals.values()) + captured
    head = re.search(r"<head>.*?</head>", htmls[0], re.S).group(0)
    bodies = [re.search(r"<body>(.*)</body>", h, re.S).group(1) for h in htmls]
    return (
        f"<!doctype html><html>{head}<body>"
        + "".join(f'<div style="break-before: page">{b}</div>' for b in bodies)
        + "</body></html>"
    )


def engine_floor(folder: Path, combined: str) -> tuple[float, int]:
    """WeasyPrint rendering the bundle's HTML as one document."""
    from weasyprint import HTML

    import bundler.bundle.render as pdf

    fetcher = pdf._fetcher_class()([pdf.assets_dir(), folder / "documents"], 50 * 1024 * 1024)
    start = time.perf_counter()
    document = HTML(
        string=combined, base_url=(folder / "documents").resolve().as_uri() + "/", url_fetcher=fetcher
    ).render()
    document.write_pdf()
    return time.perf_counter() - start, len(document.pages)


def rss_child(markdown: int, pdfs: int) -> tuple[int, int]:
    """Build a generated case in a fresh process; return (pages, peak RSS in MiB)."""
    code = f"""
import resource, sys, tempfile, json
from pathlib import Path
sys.path.insert(0, {str(HERE)!r})
from bench_build import make_mixed_case
from bundler.bundle import build_bundle
with tempfile.TemporaryDirectory() as tmp:
    folder = make_mixed_case(Path(tmp) / "case", markdown={markdown}, pdfs={pdfs}, docx=2, eml=2, images=2, school_years=1)
    result = build_bundle(folder, Path(tmp) / "b.pdf", draft=True, cache_dir=Path(tmp) / "cache")
    # the build process or its largest render worker, whichever peaked higher
    peak = max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    print(json.dumps([result.pages, peak // 1024]))
"""
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    pages, rss = json.loads(out.stdout.strip().splitlines()[-1])
    return pages, rss


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="a smaller case, for a smoke run")
    args = parser.parse_args()
    scale = 4 if args.quick else 1
    # memory first: a child forked from this process once it has grown would start its
    # life (and its ru_maxrss, which survives exec) at this process's size
    small = rss_child(markdown=40 // scale, pdfs=10 // scale)
    large = rss_child(markdown=400 // scale, pdfs=100 // scale)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        folder = make_mixed_case(
            tmp / "case", markdown=120 // scale, pdfs=40 // scale, docx=15 // scale, eml=15 // scale, images=10 // scale
        )
        from bundler.case.validate import validate_folder

        assert validate_folder(folder).valid, "the generated case must validate"
        cold, pages = [], 0
        for run in range(args.runs):
            cold.append(build(folder, tmp / f"cold-{run}.pdf", tmp / f"cache-{run}"))
        from pypdf import PdfReader

        pages = len(PdfReader(str(tmp / "cold-0.pdf")).pages)
        floors = []
        floor_pages = 0
        combined = floor_html(folder)
        for _ in range(args.runs):
            t, floor_pages = engine_floor(folder, combined)
            floors.append(t)
        # warm rebuild after editing one document
        warm = []
        target = sorted((folder / "documents").glob("*.md"))[0]
        for run in range(args.runs):
            with target.open("a") as fh:
                fh.write(f"\nEdited for rebuild run {run}.\n")
            warm.append(build(folder, tmp / f"warm-{run}.pdf", tmp / "cache-0"))
        cold_m, floor_m, warm_m = statistics.median(cold), statistics.median(floors), statistics.median(warm)
        print(
            f"case: {len(list((folder / 'documents').iterdir()))} files in documents/, bundle {pages} pages (floor document {floor_pages} pages), {os.cpu_count()} cores"
        )
        print(f"cold build        median {cold_m:6.2f} s   runs {[round(x, 2) for x in cold]}")
        print(f"engine floor      median {floor_m:6.2f} s   runs {[round(x, 2) for x in floors]}")
        print(f"cold / floor      {cold_m / floor_m:6.2f}x   (target <= 1.0x)")
        print(f"rebuild, one edit median {warm_m:6.2f} s   runs {[round(x, 2) for x in warm]}")
        print(f"rebuild / cold    {warm_m / cold_m:6.2f}x   (target <= 0.25x)")
    print(
        f"peak RSS          {small[0]} pages: {small[1]} MiB; {large[0]} pages: {large[1]} MiB; ratio {large[1] / small[1]:.2f}x (target < 2x)"
    )


if __name__ == "__main__":
    main()
