"""Benchmark: validate_folder + case_stats on a large case, against the floor of
reading and parsing the same files bare; then peak memory over a 10,000-run batch.

    python benchmarks/bench_validate.py                 # everything (about 10 minutes)
    python benchmarks/bench_validate.py --skip-batch    # timings only (about 30 s)
    python benchmarks/bench_validate.py --runs 2000     # a shorter batch
    python benchmarks/bench_validate.py --profile       # + cProfile of (a), top functions

Part 1, on one generated 5-school-year / 200-document case (about 1,900 sessions, 50
events), repeated ``--repeat`` times (15), (a) and (b) alternately, after one warm-up run of each:

  (a) ``validate_folder(case)`` then ``case_stats(result.case)``: what ``bundler
      validate`` + ``bundler stats`` do;
  (b) the floor: read the same files and parse them with nothing else,
      ``yaml.safe_load`` of case.yaml, events.yaml and every document's front
      matter, and ``csv.reader`` over attendance.csv.

It prints the medians and the ratio (a)/(b). Targets: (a) under 0.5 s; ratio under 2x.

Part 2, the batch: 50 small generated cases (one school year, 20 documents each) are
validated and summarised in a loop, cycling to ``--runs`` runs (10,000), in a fresh
subprocess per measurement so that the peak RSS (``ru_maxrss``) is that of the
batch alone, not of the generator. One subprocess stops at 1,000 runs, one at
10,000; the second also reports its peak at every 1,000 runs. Flat means the peak
after 10,000 runs is within a few MiB of the peak after 1,000.

Not a pytest test: pytest collects only ``tests/``.
"""

from __future__ import annotations

import argparse
import csv
import gc
import io
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import make_case, make_cases  # noqa: E402

from bundler.case.load import split_front_matter  # noqa: E402
from bundler.case.validate import validate_folder  # noqa: E402
from bundler.present.stats import case_stats  # noqa: E402

TARGET_SECONDS = 0.5
TARGET_RATIO = 2.0


def peak_rss_mib() -> float:
    """Peak resident set size of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_bundler(case: Path) -> dict:
    result = validate_folder(case)
    if not result.valid:
        raise SystemExit(f"{case}: generated case does not validate: {result.problems[:3]}")
    return case_stats(result.case)


def run_floor(case: Path) -> int:
    """Read and parse the same files with nothing else; returns a count so that no
    work can be skipped."""
    n = 0
    n += len(yaml.safe_load((case / "case.yaml").read_text(encoding="utf-8")))
    n += len(yaml.safe_load((case / "events.yaml").read_text(encoding="utf-8")))
    text = (case / "attendance.csv").read_text(encoding="utf-8")
    n += sum(1 for _ in csv.reader(io.StringIO(text, newline="")))
    for path in sorted((case / "documents").iterdir()):
        split = split_front_matter(path.read_text(encoding="utf-8"))
        n += len(yaml.safe_load(split[0]))
    return n


def timed_pair(case: Path, repeat: int) -> tuple[list[float], list[float]]:
    """Time (a) and (b) alternately, so that a change in the machine's load (other
    processes on a shared machine) falls on both alike; one warm-up run of each."""
    run_bundler(case)  # warm-up: imports, pydantic validators, the page cache
    run_floor(case)
    a, b = [], []
    for _ in range(repeat):
        for fn, out in ((run_bundler, a), (run_floor, b)):
            gc.collect()
            start = time.perf_counter()
            fn(case)
            out.append(time.perf_counter() - start)
    return a, b


# ----------------------------------------------------------------------- batch (child)


def batch_child(cases_dir: Path, runs: int, every: int) -> None:
    cases = sorted(p for p in cases_dir.iterdir() if (p / "case.yaml").exists())
    checkpoints = []
    start = time.perf_counter()
    for i in range(1, runs + 1):
        stats = run_bundler(cases[(i - 1) % len(cases)])
        assert stats["case_id"]
        if i % every == 0 or i == runs:
            checkpoints.append(
                {"runs": i, "peak_rss_mib": round(peak_rss_mib(), 1), "seconds": round(time.perf_counter() - start, 1)}
            )
    print(json.dumps({"runs": runs, "cases": len(cases), "checkpoints": checkpoints}))


def batch(cases_dir: Path, runs: int) -> dict:
    """Run the batch in a fresh interpreter; its JSON report."""
    out = subprocess.run(
        [sys.executable, __file__, "--child", str(cases_dir), "--runs", str(runs)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


# ----------------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--runs", type=int, default=10_000, help="batch size (default 10,000)")
    parser.add_argument("--batch-cases", type=int, default=50)
    parser.add_argument("--skip-batch", action="store_true")
    parser.add_argument("--profile", action="store_true", help="cProfile (a) and print the top functions")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        batch_child(args.child, args.runs, every=1_000)
        return 0

    failed = []
    with tempfile.TemporaryDirectory(prefix="bundler-bench-") as tmp:
        case = make_case(Path(tmp) / "big", school_years=5, documents=200, seed=0)
        sessions = sum(1 for _ in open(case / "attendance.csv", encoding="utf-8")) - 1
        docs = len(list((case / "documents").iterdir()))
        print(f"case: 5 school years, {sessions} sessions, {docs} documents; median of {args.repeat} runs")

        a, b = timed_pair(case, args.repeat)
        ma, mb = statistics.median(a), statistics.median(b)
        ratio = ma / mb
        pair_ratio = statistics.median(x / y for x, y in zip(a, b))
        print(
            f"  (a) validate_folder + case_stats   median {ma:.3f} s  (min {min(a):.3f}, max {max(a):.3f})"
            f"   target < {TARGET_SECONDS} s: {'ok' if ma < TARGET_SECONDS else 'MISSED'}"
        )
        print(f"  (b) floor: safe_load + csv.reader  median {mb:.3f} s  (min {min(b):.3f}, max {max(b):.3f})")
        print(
            f"  ratio (a)/(b) {ratio:.2f}x (median of per-run ratios {pair_ratio:.2f}x)   target < {TARGET_RATIO}x: "
            f"{'ok' if ratio < TARGET_RATIO else 'MISSED'}"
        )
        if ma >= TARGET_SECONDS:
            failed.append("validate time")
        if ratio >= TARGET_RATIO:
            failed.append("ratio to floor")

        if args.profile:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(3):
                run_bundler(case)
            profiler.disable()
            stats = pstats.Stats(profiler)
            stats.sort_stats("cumulative").print_stats(35)
            stats.sort_stats("tottime").print_stats(25)

        if not args.skip_batch:
            cases_dir = Path(tmp) / "batch"
            make_cases(cases_dir, args.batch_cases, school_years=1, documents=20, seed=1000)
            print(
                f"\nbatch: {args.batch_cases} cases (1 school year, 20 documents), cycled; validate_folder + case_stats"
            )
            short = batch(cases_dir, min(1_000, args.runs))
            long = batch(cases_dir, args.runs)
            p1 = short["checkpoints"][-1]["peak_rss_mib"]
            p2 = long["checkpoints"][-1]["peak_rss_mib"]
            print(
                f"  subprocess of {short['runs']:>6,} runs: peak RSS {p1:.1f} MiB  ({short['checkpoints'][-1]['seconds']} s)"
            )
            print(
                f"  subprocess of {long['runs']:>6,} runs: peak RSS {p2:.1f} MiB  ({long['checkpoints'][-1]['seconds']} s)"
            )
            print(
                "  peak RSS within the long run: "
                + ", ".join(f"{c['runs']:,}: {c['peak_rss_mib']}" for c in long["checkpoints"])
            )
            growth = p2 - p1
            flat = growth < 5.0
            print(
                f"  growth from {short['runs']:,} to {long['runs']:,} runs: {growth:+.1f} MiB -> {'flat' if flat else 'GROWING'}"
            )
            if not flat:
                failed.append("memory")

    if failed:
        print("\ntargets missed: " + ", ".join(failed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
