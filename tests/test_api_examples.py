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
    import importlib
    import pkgutil

    attempted = failed = 0
    modules = [bundler.api] + [
        importlib.import_module(f"bundler.api.{m.name}") for m in pkgutil.iter_modules(bundler.api.__path__)
    ]
    for module in modules:
        result = doctest.testmod(
            module, globs={"api": bundler.api, "dt": __import__("datetime")}, optionflags=doctest.ELLIPSIS
        )
        attempted += result.attempted
        failed += result.failed
    assert attempted > 20
    assert failed == 0
