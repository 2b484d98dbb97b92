"""The project's copies of the shared contract stay identical, and the README's examples are true."""

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from bundler.cli import main

ROOT = Path(__file__).parent.parent
SHARED = ROOT.parent / "shared"


def _shared(name: str) -> Path:
    path = SHARED / name
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{path} is missing: CI runs with ../shared beside the clone")
        pytest.skip(f"no {path} beside this clone (a fresh clone has none)")
    return path


@pytest.mark.parametrize("name", ["case-format.md", "s444-checklist.md"])
def test_docs_copy_matches_shared(name: str) -> None:
    assert (ROOT / "docs" / name).read_text(encoding="utf-8") == _shared(name).read_text(encoding="utf-8"), (
        f"docs/{name} differs from ../shared/{name}: copy the shared file over and review what changed"
    )


def test_checklist_ids_in_docs_are_implemented() -> None:
    from bundler.checklist import RULES

    ids = sorted(set(re.findall(r"S444-\d\d", (ROOT / "docs" / "s444-checklist.md").read_text())))
    assert ids == sorted(RULES)


def _readme_examples() -> list[tuple[str, list[str]]]:
    """(command, expected output lines) for each `$ bundler ...` block in the README."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    examples = []
    for block in re.findall(r"```\n(\$ bundler .*?)```", text, flags=re.S):
        lines = block.strip().splitlines()
        examples.append((lines[0][2:], lines[1:]))
    return examples


@pytest.mark.parametrize("command, expected", _readme_examples())
def test_readme_examples_are_what_the_tool_prints(command: str, expected: list[str], monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    args = shlex.split(command)[1:]
    output = CliRunner().invoke(main, args).output.splitlines()
    for line in expected:
        if "..." in line:
            head = line.split("...", 1)[0]
            assert any(o.startswith(head) for o in output), line
        else:
            assert line in output, line


def test_readme_has_examples() -> None:
    assert _readme_examples(), "the README shows the tool at work"
