"""Shared fixtures: ``case`` is a CaseBuilder holding the READY base case (see builder.py)."""

from __future__ import annotations

import pytest
from builder import CaseBuilder


@pytest.fixture
def case(tmp_path) -> CaseBuilder:
    return CaseBuilder(tmp_path / "EX-TEST-001")


@pytest.fixture(autouse=True, scope="session")
def _part_cache(tmp_path_factory):
    """Rendered bundle parts are cached for the test session only, never in ~/.cache."""
    import os

    previous = os.environ.get("BUNDLER_CACHE_DIR")
    os.environ["BUNDLER_CACHE_DIR"] = str(tmp_path_factory.mktemp("part-cache"))
    yield
    if previous is None:
        os.environ.pop("BUNDLER_CACHE_DIR", None)
    else:
        os.environ["BUNDLER_CACHE_DIR"] = previous


def pytest_addoption(parser):
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="Rewrite the golden text fingerprints in tests/golden/ from what the code now gives.",
    )


@pytest.fixture(scope="session")
def update_golden(request) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(scope="session")
def sample_bundles(tmp_path_factory):
    """The three ready sample cases built once per session: {case id: PDF path}."""
    from pathlib import Path

    from bundler.bundle import build_bundle

    root = Path(__file__).resolve().parent.parent / "sample_cases"
    out = tmp_path_factory.mktemp("sample-bundles")
    built = {}
    for case_id in ("EX-2025-001", "EX-2025-002", "EX-2025-003"):
        built[case_id] = build_bundle(root / case_id, out / f"{case_id}.pdf").output
    return built
