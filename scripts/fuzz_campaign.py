"""A long fuzz campaign: thousands of mutated case folders through the command chain.

    python scripts/fuzz_campaign.py --cases 5000 --seed 1 --build-every 20 [--report out.json]

Uses the mutations and the chain of tests/fuzzcase.py (the same the CI fuzz test runs,
there a few dozen at a time). Case ``i`` is made by ``random.Random(seed + i)``, so any
finding can be made again alone (``--cases 1 --seed N``). Every ``--build-every``-th case
that validates is also built as a draft. Prints how many cases ran, how many validated
and were built, the build refusals of validated cases grouped by message, and each
distinct failure signature (for a traceback: its exception and innermost bundler frame)
with the first seed that showed it and the mutations made.

Writes nothing but temporary folders (removed as it goes) and the optional report.
"""

from __future__ import annotations

import argparse
import collections
import json
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import fuzzcase  # tests/ holds the mutations the CI test shares


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--build-every", type=int, default=20, help="build every N-th case that validates (0: never)")
    parser.add_argument("--report", type=Path, default=None, help="write the findings here as JSON")
    args = parser.parse_args()

    signatures: collections.Counter[str] = collections.Counter()
    first: dict[str, dict[str, object]] = {}
    refusals: collections.Counter[str] = collections.Counter()
    valid = built = validated_seen = harness = 0
    started = time.monotonic()
    for i in range(args.cases):
        seed = args.seed + i
        with tempfile.TemporaryDirectory(prefix="bundler-fuzz-") as tmp:
            try:
                case = fuzzcase.mutated_case(Path(tmp), random.Random(seed))
            except Exception as exc:  # the fuzzer's own mistake: said, and not counted as a case
                print(f"seed {seed}: the mutations themselves failed ({exc!r})", file=sys.stderr)
                harness += 1
                continue
            build = bool(args.build_every) and validated_seen % args.build_every == 0
            outcome = fuzzcase.run_chain(case.folder, Path(tmp) / "draft.pdf", build=build)
        if outcome.valid:
            valid += 1
            validated_seen += 1
        built += bool(outcome.built)
        if outcome.refused:
            refusals[outcome.refused.split(": ", 2)[-1][:140]] += 1
        for failure in outcome.failures:
            head = failure.splitlines()[0]
            sig = f"{head.split(':')[0]}: {fuzzcase.signature(failure)}" if "traceback" in head else head[:160]
            signatures[sig] += 1
            first.setdefault(sig, {"seed": seed, "mutations": case.steps, "detail": failure[-2000:]})
        if (i + 1) % 250 == 0:
            print(
                f"... {i + 1} cases, {len(signatures)} signatures, {time.monotonic() - started:.0f} s", file=sys.stderr
            )

    print(
        f"{args.cases - harness} cases (seeds {args.seed}-{args.seed + args.cases - 1}, {harness} not made) "
        f"in {time.monotonic() - started:.0f} s"
    )
    print(f"{valid} validated, {built} built as drafts, {sum(refusals.values())} validated cases refused by build")
    for message, count in refusals.most_common():
        print(f"  refused x{count}: {message}")
    print(f"{len(signatures)} distinct failure signatures")
    for sig, count in signatures.most_common():
        print(f"  x{count} {sig}\n     first seed {first[sig]['seed']}: {'; '.join(first[sig]['mutations'])}")  # type: ignore[arg-type]
    if args.report:
        args.report.write_text(
            json.dumps(
                {
                    "cases": args.cases,
                    "seed": args.seed,
                    "valid": valid,
                    "built": built,
                    "refusals": dict(refusals),
                    "signatures": {sig: {"count": signatures[sig], **first[sig]} for sig in signatures},
                },
                indent=1,
                default=str,
            )
        )
    return 1 if signatures else 0


if __name__ == "__main__":
    sys.exit(main())
