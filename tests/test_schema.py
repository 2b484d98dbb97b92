"""The committed JSON Schemas are exactly what the models export."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from bundler.api import write_schemas
from bundler.case.schema import json_schemas
from bundler.cli import main

SCHEMAS = Path(__file__).parent.parent / "schemas"


def test_committed_schemas_match_the_models() -> None:
    stale = write_schemas(SCHEMAS, dry_run=True)
    assert stale == [], f"schemas/ is out of date for {stale}: run `bundler schema --out schemas/`"
    on_disk = {p.name for p in SCHEMAS.glob("*.json")}
    assert on_disk == set(json_schemas()), "schemas/ holds a file the models no longer export"


def test_schema_check_flags_drift(tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["schema", "--out", str(tmp_path)]).exit_code == 0
    target = tmp_path / "case.schema.json"
    data = json.loads(target.read_text())
    data["properties"].pop("case_id")
    target.write_text(json.dumps(data))
    result = runner.invoke(main, ["schema", "--out", str(tmp_path), "--check"])
    assert result.exit_code == 1
    assert "case.schema.json: out of date" in result.output


def test_schema_publishes_closed_lists() -> None:
    schema = json_schemas()["document.schema.json"]
    text = json.dumps(schema)
    for value in (
        "post_first_class",
        "declining_attendance",
        "notice_to_improve",
        "not_offered",
        "pre_court_interview",
    ):
        assert value in text
