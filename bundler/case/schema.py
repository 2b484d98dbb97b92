"""JSON Schema for every input file of a case folder, exported from the models.

Takes the models; gives one schema per file kind (``schemas/*.schema.json`` in the
repository, drift-tested), and writes them where asked (never into a case folder).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from ..output import atomic_write_text
from .models import DOCUMENT_ADAPTER, DOCUMENT_TYPES, EVENTS_ADAPTER, Case, RegisterEntry

__all__ = ["json_schemas", "write_schemas"]


def json_schemas() -> dict[str, dict[str, Any]]:
    """JSON Schema for every input file, keyed by the schema's file name."""
    schemas: dict[str, dict[str, Any]] = {
        "case.schema.json": Case.model_json_schema(by_alias=True),
        "events.schema.json": EVENTS_ADAPTER.json_schema(by_alias=True),
        "document.schema.json": DOCUMENT_ADAPTER.json_schema(by_alias=True),
        "register-row.schema.json": RegisterEntry.model_json_schema(by_alias=True),
    }
    for name, cls in DOCUMENT_TYPES.items():
        schemas[f"document-{name}.schema.json"] = cls.model_json_schema(by_alias=True)
    titles = {
        "case.schema.json": "case.yaml",
        "events.schema.json": "events.yaml",
        "document.schema.json": "document front matter (any type)",
        "register-row.schema.json": "attendance.csv row",
    }
    for name, schema in schemas.items():
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["$id"] = f"https://bundler.example/schemas/{name}"
        if name in titles:
            schema["title"] = titles[name]
    return schemas


def write_schemas(out_dir: str | os.PathLike[str], *, dry_run: bool = False) -> list[str]:
    """Write the models' JSON Schemas into ``out_dir``; return the names that changed."""
    out = Path(out_dir)
    changed = []
    for name, schema in sorted(json_schemas().items()):
        text = json.dumps(schema, indent=2, sort_keys=True) + "\n"
        target = out / name
        if target.exists() and target.read_text(encoding="utf-8") == text:
            continue
        changed.append(name)
        if not dry_run:
            atomic_write_text(target, text)
    return changed
