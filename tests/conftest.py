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
