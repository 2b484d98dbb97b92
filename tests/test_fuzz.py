"""Fuzzing the case folder through every command a user runs on it.

Hypothesis drives ``fuzzcase`` (mutations of the READY base case: its YAML values, its
text, its register, its front matter, its file names and folder) and each mutated case
goes through validate -> check -> stats on the command line; gentler mutations (real
edits, any date a case can hold), which mostly validate, go on to build --draft. Nothing
may end in a traceback, every exit code is 0, 1 or 2, JSON output parses, and a case
validate passed is never refused by check or stats and never crashes build.

The run is seeded (``derandomize``) and bounded, so CI runs the same cases every time in
well under two minutes; ``BUNDLER_FUZZ_EXAMPLES`` raises the count for a longer local run
(scripts/fuzz_campaign.py runs thousands and groups what it finds).
"""

from __future__ import annotations

import os
import random
import tempfile
from pathlib import Path

import pytest
from fuzzcase import mutated_case, run_chain
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

SCALE = int(os.environ.get("BUNDLER_FUZZ_EXAMPLES", "1"))


def _fuzz(examples: int) -> settings:
    return settings(
        derandomize=True,
        database=None,
        deadline=None,
        max_examples=examples * SCALE,
        suppress_health_check=[HealthCheck.too_slow],
    )


def _run(rnd: random.Random, build: bool) -> None:
    with tempfile.TemporaryDirectory(prefix="bundler-fuzz-") as tmp:
        case = mutated_case(Path(tmp), rnd, gentle=build)
        outcome = run_chain(case.folder, Path(tmp) / "draft.pdf", build=build)
        assert not outcome.failures, "mutations: " + "; ".join(case.steps) + "\n\n" + "\n\n".join(outcome.failures)


@_fuzz(60)
@given(st.randoms(use_true_random=False))
def test_validate_check_and_stats_never_crash(rnd: random.Random) -> None:
    _run(rnd, build=False)


@pytest.mark.slow
@_fuzz(16)
@given(st.randoms(use_true_random=False))
def test_a_case_validate_passes_builds_as_a_draft(rnd: random.Random) -> None:
    _run(rnd, build=True)


def test_the_mutations_reach_every_stage() -> None:
    """The fuzzer is only as good as its cases: many must stay valid (so check, stats
    and build run on them), and many must not (so validate's reports are tried)."""
    from bundler.api import validate

    with tempfile.TemporaryDirectory() as tmp:
        hostile = sum(validate(mutated_case(Path(tmp) / f"h{s}", random.Random(s)).folder).valid for s in range(40))
        gentle = sum(
            validate(mutated_case(Path(tmp) / f"g{s}", random.Random(s), gentle=True).folder).valid for s in range(20)
        )
    assert 8 <= hostile <= 32, hostile
    assert gentle >= 10, gentle
