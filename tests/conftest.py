"""Shared fixtures: ``case`` is a CaseBuilder holding the READY base case (see builder.py)."""

from __future__ import annotations

import pytest
from builder import CaseBuilder


@pytest.fixture
def case(tmp_path) -> CaseBuilder:
    return CaseBuilder(tmp_path / "EX-TEST-001")
