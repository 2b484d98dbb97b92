"""The examples in bundler.api's docstrings run, so the public surface's documentation
cannot drift from what it does (examples that write or build are marked +SKIP)."""

from __future__ import annotations

import doctest
from pathlib import Path

import bundler.api

ROOT = Path(__file__).resolve().parent.parent


def test_api_examples_run(monkeypatch) -> None:
    monkeypatch.chdir(ROOT)  # the examples name sample_cases/ and tests/ relative to the repo
    monkeypatch.setenv("NO_COLOR", "1")
    result = doctest.testmod(
        bundler.api, globs={"api": bundler.api, "dt": __import__("datetime")}, optionflags=doctest.ELLIPSIS
    )
    assert result.attempted > 20
    assert result.failed == 0
