"""``bundler add``: copy letters, emails, scans and photos into a case's ``documents/``
and write the sidecar that says what each one is.

Takes files, a case folder, the front-matter fields given as options, and optionally a
function that asks a person for a missing required field (the CLI passes one only when
standard input is a terminal); gives the documents and sidecars written.

For an ``.eml`` or ``.msg`` the sidecar is first proposed from the message's headers
(``propose``), then the options override it. Each sidecar is built as the case's own
document model and validated, then written and read back with the case loader's strict
YAML, before any file is copied; a file or sidecar that exists already is never
overwritten, and one refusal writes nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..case.load import ATTACHMENT_KINDS, CASE_FILE, DOCUMENTS_DIR, MARKDOWN_SUFFIXES
from ..case.models import DOCUMENT_ADAPTER, DOCUMENT_TYPES, EmailServed, HandServed, PostServed
from ..case.outlook import MsgError
from ..case.strict_yaml import parse_yaml
from ..errors import Problem
from .common import ImportFailed, ImportLimits, read_input, write_new
from .propose import parse_email, propose

__all__ = ["Added", "Ask", "add_documents", "required_fields"]

#: ask(field, allowed values or None, proposed value or None) -> the person's answer ("" to leave it out)
Ask = Callable[[str, "list[str] | None", "str | None"], str]

_ORDER = ("type", "title", "date", "kind", "to", "template", "served")
_SERVED = {
    "post_first_class": PostServed,
    "post_second_class": PostServed,
    "recorded_delivery": PostServed,
    "hand": HandServed,
    "email": EmailServed,
}


@dataclass
class Added:
    document: Path
    sidecar: Path
    meta: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _allowed(annotation: Any) -> list[str] | None:
    """The closed list of values of an enum or Literal field, else None."""
    args = typing.get_args(annotation)
    if isinstance(annotation, type) and issubclass(annotation, str) and hasattr(annotation, "__members__"):
        return [str(v.value) for v in annotation.__members__.values()]
    if typing.get_origin(annotation) is typing.Literal:
        return [str(a) for a in args]
    for arg in args:
        found = _allowed(arg)
        if found:
            return found
    return None


def _is_list(annotation: Any) -> bool:
    if typing.get_origin(annotation) is list:
        return True
    return (
        any(_is_list(a) for a in typing.get_args(annotation))
        if typing.get_origin(annotation) in (typing.Union, types.UnionType)
        else False
    )


def required_fields(doc_type: str) -> list[tuple[str, list[str] | None, bool]]:
    """(field, allowed values, is a list) for every required field of a document type."""
    model = DOCUMENT_TYPES[doc_type]
    out = []
    for name, info in model.model_fields.items():
        if name == "type" or not info.is_required():
            continue
        out.append((info.alias or name, _allowed(info.annotation), _is_list(info.annotation)))
    return out


_PLAIN = re.compile(r"[a-z][a-z0-9_-]*\Z")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
_WORDS = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null"})


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, dt.date | int):
        return str(value) if not isinstance(value, dt.date) else value.isoformat()
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_scalar(v) for v in value) + "]"
    text = str(value)
    if (_PLAIN.match(text) and text not in _WORDS) or _ISO_DATE.match(text):
        return text
    return json.dumps(text, ensure_ascii=False)


def sidecar_text(meta: Mapping[str, Any], source: str, notes: Sequence[str]) -> str:
    lines = [f"# What {source} is: written by `bundler add`. Check every value against the document."]
    lines += [f"# {n}" for n in notes]
    for key in sorted(meta, key=lambda k: (_ORDER.index(k) if k in _ORDER else len(_ORDER), 0)):
        value = meta[key]
        if isinstance(value, dict):
            lines.append(f"{key}:")
            lines += [f"  {k}: {_scalar(v)}" for k, v in value.items()]
        else:
            lines.append(f"{key}: {_scalar(value)}")
    return "\n".join(lines) + "\n"


def _parse_answer(name: str, text: str, is_list: bool) -> Any:
    if is_list:
        return [part.strip() for part in text.split(",") if part.strip()]
    return text.strip()


def _validation_problems(exc: ValidationError, label: str) -> list[Problem]:
    out = []
    for err in exc.errors(include_url=False):
        loc = ".".join(
            str(p)
            for p in err["loc"]
            if not str(p).startswith("function-") and str(p) not in DOCUMENT_TYPES and str(p) not in _SERVED
        )
        message = "is required but missing" if err["type"] == "missing" else err["msg"]
        ctx = err.get("ctx") or {}
        if err["type"] in ("enum", "literal_error"):
            message = f"'{err.get('input')}' is not one of {str(ctx.get('expected', '')).replace(chr(39), '')}"
        elif err["type"] == "union_tag_invalid":
            loc = ".".join(p for p in (loc, str(ctx.get("discriminator", "")).strip("'")) if p)
            message = f"'{ctx.get('tag')}' is not one of {str(ctx.get('expected_tags', '')).replace(chr(39), '')}"
        out.append(Problem(label, None, loc, message, "give it as an option (see bundler add --help)"))
    return out


def _case_parents(root: Path) -> list[dict[str, Any]]:
    case_path = root / CASE_FILE
    if not case_path.is_file():
        raise ImportFailed([Problem(str(root), None, "", "is not a case folder (no case.yaml)")])
    problems: list[Problem] = []
    source = parse_yaml(case_path.read_text(encoding="utf-8-sig"), CASE_FILE, problems)
    data = source.data if source is not None else None
    parents = data.get("parents") if isinstance(data, dict) else None
    if problems or not isinstance(parents, list):
        raise ImportFailed(
            problems or [Problem(CASE_FILE, None, "parents", "is missing: add the parents first")],
            f"{root}: case.yaml cannot be read; run bundler validate",
        )
    return [p for p in parents if isinstance(p, dict)]


def _prepare(
    path: Path,
    root: Path,
    parents: list[dict[str, Any]],
    given: Mapping[str, Any],
    ask: Ask | None,
    limits: ImportLimits,
) -> tuple[Added, bytes, str]:
    label = str(path)
    suffix = path.suffix.lower()
    if suffix in MARKDOWN_SUFFIXES:
        raise ImportFailed(
            [
                Problem(
                    label, None, "", "is Markdown: it carries its own front matter", "copy it into documents/ as it is"
                )
            ]
        )
    if suffix not in ATTACHMENT_KINDS:
        raise ImportFailed(
            [
                Problem(
                    label,
                    None,
                    "",
                    f"is a kind of file the bundle cannot hold ('{path.suffix or 'no suffix'}')",
                    "kinds: " + " ".join(sorted(ATTACHMENT_KINDS)),
                )
            ]
        )
    data = read_input(path, limits.max_document_bytes, "a document")
    target = root / DOCUMENTS_DIR / path.name
    sidecar = target.with_name(target.name + ".yaml")
    for existing in (target, sidecar, target.with_name(target.stem + ".yaml")):
        if existing.exists() or existing.is_symlink():
            raise ImportFailed(
                [
                    Problem(
                        str(existing),
                        None,
                        "",
                        "already exists: it is not overwritten",
                        "rename the file you are adding",
                    )
                ]
            )
    added = Added(document=target, sidecar=sidecar, meta={})
    fields: dict[str, Any] = {}
    if suffix in (".eml", ".msg"):
        try:
            message = parse_email(data, label, suffix)
        except MsgError as exc:
            raise ImportFailed([Problem(label, None, "", str(exc).removeprefix(f"{label}: "))]) from None
        named = given.get("to")
        proposal = propose(message, parents, to=named if isinstance(named, str) else None)
        fields.update(proposal.fields)
        added.notes += proposal.notes
    served_given = {k: v for k, v in given.items() if k.startswith("served.")}
    for key, value in given.items():
        if value is not None and not key.startswith("served."):
            fields[key] = value
    if served_given.get("served.method"):
        proposed: dict[str, Any] = fields["served"] if isinstance(fields.get("served"), dict) else {}
        method = served_given["served.method"]
        served = dict(proposed) if proposed.get("method") == method else {"method": method}
        fields["served"] = served
    if isinstance(fields.get("served"), dict):
        for key, value in served_given.items():
            if value is not None and key != "served.method":
                fields["served"][key.split(".", 1)[1]] = value
        if fields["served"].get("method") == "email" and "address" not in fields["served"]:
            parent = next((p for p in parents if p.get("id") == fields.get("to")), None)
            if parent and parent.get("email"):
                fields["served"]["address"] = parent["email"]
    if ask is not None:
        _ask_missing(fields, ask, parents)
    doc_type = fields.get("type")
    if not isinstance(doc_type, str) or doc_type not in DOCUMENT_TYPES:
        raise ImportFailed(
            [
                Problem(
                    label,
                    None,
                    "type",
                    f"'{doc_type}' is not a document type" if doc_type else "is required but missing",
                    "give --type: " + ", ".join(DOCUMENT_TYPES),
                )
            ]
        )
    try:
        model = DOCUMENT_ADAPTER.validate_python(fields)
    except ValidationError as exc:
        raise ImportFailed(_validation_problems(exc, label), f"{label}: the sidecar would not validate:") from None
    meta: dict[str, Any] = model.model_dump(mode="python", exclude_unset=True, by_alias=True)
    ids = [p.get("id") for p in parents]
    for key in ("to", "invited", "attended", "parents", "offered_to"):
        values = meta.get(key)
        for pid in values if isinstance(values, list) else [values] if values else []:
            if pid not in ids:
                raise ImportFailed(
                    [
                        Problem(
                            label,
                            None,
                            key,
                            f"'{pid}' is not a parent in case.yaml",
                            "parent ids: " + ", ".join(map(str, ids)),
                        )
                    ]
                )
    _warnings(meta, parents, added)
    text = sidecar_text(meta, path.name, added.notes)
    problems: list[Problem] = []
    back = parse_yaml(text, sidecar.name, problems)
    if (
        back is None or problems or DOCUMENT_ADAPTER.validate_python(back.data) != model
    ):  # pragma: no cover - a writer bug
        raise ImportFailed(problems or [Problem(sidecar.name, None, "", "does not read back as written")])
    added.meta = meta
    return added, data, text


def _ask_missing(fields: dict[str, Any], ask: Ask, parents: list[dict[str, Any]]) -> None:
    ids = [str(p.get("id")) for p in parents]
    if not fields.get("type"):
        fields["type"] = ask("type", list(DOCUMENT_TYPES), None)
    if fields["type"] not in DOCUMENT_TYPES:
        return
    for name, allowed, is_list in required_fields(fields["type"]):
        if fields.get(name) not in (None, ""):
            continue
        if name in ("to",):
            allowed = ids
        elif name in ("invited", "attended", "parents", "offered_to"):
            allowed = ids
        answer = ask(name + (" (comma-separated)" if is_list else ""), allowed, None)
        if answer:
            fields[name] = _parse_answer(name, answer, is_list)
        elif is_list:
            fields[name] = []
    if fields["type"] in ("letter", "email", "notice") and not fields.get("served"):
        method = ask("served (how it was served; blank if not yet)", list(_SERVED), None)
        if method:
            fields["served"] = {"method": method}
            if method == "email":
                parent = next((p for p in parents if p.get("id") == fields.get("to")), {})
                fields["served"]["address"] = ask("served.address", None, parent.get("email")) or parent.get("email")


def _warnings(meta: Mapping[str, Any], parents: list[dict[str, Any]], added: Added) -> None:
    served = meta.get("served")
    parent = next((p for p in parents if p.get("id") == meta.get("to")), None)
    if meta.get("type") in ("letter", "email", "notice") and not served:
        added.warnings.append("no service recorded: add served to the sidecar once it is served (rule S444-30)")
    if isinstance(served, dict) and served.get("method") == "email" and parent is not None:
        recorded = str(parent.get("email") or "").lower()
        if str(served.get("address", "")).lower() != recorded:
            added.warnings.append(
                f"served to {served.get('address')}, but case.yaml records {recorded or 'no email address'} for {parent.get('id')} (rule S444-31)"
            )


def add_documents(
    files: Sequence[str | os.PathLike[str]],
    case_folder: str | os.PathLike[str],
    fields: Mapping[str, Any] | None = None,
    *,
    ask: Ask | None = None,
    limits: ImportLimits | None = None,
) -> list[Added]:
    """Copy ``files`` into the case's documents/ with a validated sidecar each (see the module docstring).

    ``fields`` are front-matter values (``type``, ``title``, ``date``, ``to``, ...; the
    service as ``served.method``, ``served.address``, ``served.sent_at``,
    ``served.read_receipt``, ``served.handed_at``, ``served.handed_by``,
    ``served.recipient``); they override what an email's headers propose.
    """
    limits = limits or ImportLimits()
    root = Path(case_folder)
    parents = _case_parents(root)
    if not files:
        raise ImportFailed([Problem(str(root), None, "", "no files given to add")])
    names = [Path(f).name for f in files]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise ImportFailed([Problem(str(root), None, "", f"two files are called {', '.join(twice)}: rename one")])
    prepared = [_prepare(Path(f), root, parents, dict(fields or {}), ask, limits) for f in files]
    written: list[Path] = []
    try:
        for added, data, text in prepared:
            write_new(added.document, data)
            written.append(added.document)
            write_new(added.sidecar, text.encode("utf-8"))
            written.append(added.sidecar)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return [added for added, _, _ in prepared]
