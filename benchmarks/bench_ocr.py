"""Benchmark text recognition (issue 14): OCR cost per scanned page, and a warm rebuild.

    python benchmarks/bench_ocr.py [--pages 20] [--runs 3]

Builds a case with ``--pages`` scanned pages (typed text drawn as pixels, 150 dpi, one
per PDF) three ways, each in a fresh process, CPU seconds of the process and its
children (Tesseract runs as a child): with OCR and an empty cache, without OCR
(``--no-ocr``, its own empty cache), and with OCR again on the warm cache. Prints the OCR cost per page (the
first minus the second, over the pages) and how many times Tesseract ran on the warm
rebuild, which should be none. Medians of ``--runs``. Not a test.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent / "tests"))
sys.path.insert(0, str(HERE))


def make_case(folder: Path, pages: int) -> Path:
    from builder import CaseBuilder
    from test_ocr import _scanned_pdf, _typed

    root = CaseBuilder(folder).write()
    for i in range(pages):
        lines = [f"Scanned reply slip number {i}", "I will attend the meeting", f"Reference EX/{i:04d}"]
        (root / "documents" / f"2024-11-{1 + i % 28:02d}-scan-{i:03d}.pdf").write_bytes(_scanned_pdf(_typed(lines)))
        (root / "documents" / f"2024-11-{1 + i % 28:02d}-scan-{i:03d}.pdf.yaml").write_text(
            f"type: other\ntitle: Scan {i}\ndate: 2024-11-{1 + i % 28:02d}\n"
        )
    return root


def cpu(args: list[str], env: dict[str, str]) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, "-m", "bundler", *args], env=env, check=True, capture_output=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory(prefix="bench-ocr-") as tmp:
        work = Path(tmp)
        case = make_case(work / "EX-TEST-001", args.pages)
        cold, plain, warm, warm_runs = [], [], [], []
        for run in range(args.runs):
            cache = work / f"cache-{run}"
            env = dict(os.environ, BUNDLER_CACHE_DIR=str(cache))
            # both cold: each with an empty cache of its own
            plain_env = dict(os.environ, BUNDLER_CACHE_DIR=str(work / f"plain-{run}"))
            plain.append(cpu(["build", str(case), "-o", str(work / "plain.pdf"), "--no-ocr", "--force"], plain_env))
            cold.append(cpu(["build", str(case), "-o", str(work / "ocr.pdf"), "--force"], env))
            ocr_cache = cache / "ocr"
            before = sum(1 for _ in ocr_cache.rglob("*.pdf"))
            stamp = max((p.stat().st_mtime for p in ocr_cache.rglob("*.pdf")), default=0)
            warm.append(cpu(["build", str(case), "-o", str(work / "warm.pdf"), "--force"], env))
            after = [p for p in ocr_cache.rglob("*.pdf") if p.stat().st_mtime > stamp]
            warm_runs.append(len(after) + (sum(1 for _ in ocr_cache.rglob("*.pdf")) - before))
            shutil.rmtree(cache, ignore_errors=True)
    per_page = (statistics.median(cold) - statistics.median(plain)) / args.pages
    print(f"{args.pages} scanned pages, {args.runs} runs, medians (CPU s, bundler and Tesseract):")
    print(f"  build with OCR, cold cache  {statistics.median(cold):.2f} s")
    print(f"  build with --no-ocr         {statistics.median(plain):.2f} s")
    print(f"  OCR cost per page           {per_page:.2f} s")
    print(f"  warm rebuild with OCR       {statistics.median(warm):.2f} s, Tesseract results written: {max(warm_runs)}")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
