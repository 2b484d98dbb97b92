"""Benchmark: ``bundler check CASES --summary`` over 1,000 generated cases, via the library.

    python benchmarks/bench_check.py              # 1,000 cases, 3 timed runs (about 4 minutes)
    python benchmarks/bench_check.py --cases 300 --repeat 1
    python benchmarks/bench_check.py --cli        # also time the real command once
    python benchmarks/bench_check.py --profile    # + cProfile over 100 cases, top functions

1,000 small cases are generated (one school year of register, about 380 sessions, 20
documents, 12 events each; seeds vary so no two are alike). Then, in a fresh
subprocess per measurement, each case goes through what the CLI does for
``--summary``: ``check_folder(case)`` then ``bundler.present.report.summary_row(check)``,
rows kept in a list as the CLI keeps them.

It reports cases per second (target >= 100/s) for the 1,000-case run (the median
of ``--repeat`` subprocesses; the clock starts after the imports, the first case
included), and the peak RSS (``ru_maxrss``) of a subprocess that stops after 100
cases and of one that goes on to 1,000. Flat memory means the two peaks differ by
no more than the rows themselves (a few hundred bytes a case).

Not a pytest test: pytest collects only ``tests/``.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

TARGET_RATE = 100.0


def peak_rss_mib() -> float:
    """Peak RSS of this process or of its largest worker (the check runs on every core)."""
    return max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)) / 1024


def child(cases_dir: Path, limit: int) -> None:
    from bundler import report
    from bundler.checklist.run import case_folders, check_folders

    folders = case_folders([cases_dir])[:limit]
    rss_before = peak_rss_mib()
    rows = []
    start = time.perf_counter()
    # as `bundler check --summary` does: every core, the summary row made in the worker
    for row in check_folders(folders, transform=report.summary_row):
        rows.append(row)
    seconds = time.perf_counter() - start
    assert all(r["case_id"] for r in rows), [r["error"] for r in rows if not r["case_id"]][:3]
    print(
        json.dumps(
            {
                "cases": len(rows),
                "ready": sum(1 for r in rows if r["ready"]),
                "seconds": seconds,
                "rate": len(rows) / seconds,
                "peak_rss_after_imports_mib": round(rss_before, 1),
                "peak_rss_mib": round(peak_rss_mib(), 1),
            }
        )
    )


def measure(cases_dir: Path, limit: int) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", str(cases_dir), "--cases", str(limit)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=3, help="timed 1,000-case subprocesses (median)")
    parser.add_argument("--cli", action="store_true", help="also time `bundler check DIR --summary --format csv`")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        child(args.child, args.cases)
        return 0

    from generate import make_cases

    with tempfile.TemporaryDirectory(prefix="bundler-bench-check-") as tmp:
        cases_dir = Path(tmp) / "cases"
        start = time.perf_counter()
        make_cases(cases_dir, args.cases, school_years=1, documents=20, seed=10_000)
        print(f"generated {args.cases:,} cases (1 school year, 20 documents) in {time.perf_counter() - start:.1f} s")

        small = measure(cases_dir, min(100, args.cases))
        runs = [measure(cases_dir, args.cases) for _ in range(args.repeat)]
        rates = [r["rate"] for r in runs]
        rate = statistics.median(rates)
        full = runs[len(runs) // 2]
        print(
            f"check_folder + summary_row, one subprocess per measurement ({full['ready']} of {full['cases']} cases ready)"
        )
        print(
            f"  {full['cases']:,} cases: median {rate:.1f} cases/s ({full['cases'] / rate:.1f} s; runs: "
            + ", ".join(f"{r:.1f}" for r in rates)
            + f")   target >= {TARGET_RATE:.0f}/s: "
            + ("ok" if rate >= TARGET_RATE else "MISSED")
        )
        print(f"  peak RSS after imports:            {small['peak_rss_after_imports_mib']:.1f} MiB")
        print(f"  peak RSS after {small['cases']:>5,} cases:         {small['peak_rss_mib']:.1f} MiB")
        peaks = [r["peak_rss_mib"] for r in runs]
        print(
            f"  peak RSS after {full['cases']:>5,} cases:         {statistics.median(peaks):.1f} MiB (runs: "
            + ", ".join(f"{p:.1f}" for p in peaks)
            + ")"
        )
        growth = statistics.median(peaks) - small["peak_rss_mib"]
        print(
            f"  growth from {small['cases']:,} to {full['cases']:,} cases: {growth:+.1f} MiB -> "
            + ("flat" if growth < 5 else "GROWING")
        )

        if args.cli:
            start = time.perf_counter()
            out = subprocess.run(
                ["bundler", "check", str(cases_dir), "--summary", "--format", "csv"], capture_output=True, text=True
            )
            seconds = time.perf_counter() - start
            lines = out.stdout.count("\n") - 1
            print(
                f"  CLI `bundler check DIR --summary --format csv`: {lines:,} rows in {seconds:.1f} s "
                f"= {lines / seconds:.1f} cases/s including start-up (exit {out.returncode})"
            )

        if args.profile:
            import cProfile
            import pstats

            from bundler import report
            from bundler.checklist.run import case_folders, check_folder

            folders = case_folders([cases_dir])[:100]
            report.summary_row(check_folder(folders[0]))  # warm
            profiler = cProfile.Profile()
            profiler.enable()
            for folder in folders:
                report.summary_row(check_folder(folder))
            profiler.disable()
            stats = pstats.Stats(profiler)
            stats.sort_stats("cumulative").print_stats(40)
            stats.sort_stats("tottime").print_stats(25)
    return 0


if __name__ == "__main__":
    sys.exit(main())
