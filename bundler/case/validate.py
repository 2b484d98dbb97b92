"""Stage 1 (continued): raw case -> validated CaseFolder, with every problem at once.

Takes a ``RawCase`` from ``load``; gives a ``ValidationResult``: the ``CaseFolder`` every
later stage works from, or every problem, each pointing at a file and line.

Pydantic errors are turned into Problems that point at the user's file and line, in
plain words ("'carrier pigeon' is not one of post_first_class, ..."). Then the checks
that span files: parent ids, excluded parents, duplicate and unknown register marks.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic_core import ErrorDetails

from ..errors import Problem
from . import codes
from .bodies import body_problems
from .load import (
    CASE_FILE,
    EVENTS_FILE,
    REGISTER_FILE,
    Limits,
    RawCase,
    RawDocument,
    SourceFile,
    load_case,
)
from .models import (
    DOCUMENT_ADAPTER,
    DOCUMENT_TYPES,
    AnyDocument,
    Case,
    DocumentBase,
    Event,
    RegisterEntry,
)
from .strict_yaml import Path_, YamlSource, format_path

#: the type of a document's front matter (``CaseDocument[Notice]`` holds a notice)
M_co = TypeVar("M_co", bound=DocumentBase, covariant=True)


@dataclass(frozen=True)
class CaseDocument(Generic[M_co]):
    """A validated document: where it is, what kind of file, and what it says it is."""

    path: str
    kind: str  # markdown | pdf | docx | eml | image
    meta: M_co
    meta_file: str  # the Markdown file itself, or the sidecar
    line: int  # line of the front matter's first field
    body: str | None = None
    body_line: int = 1
    source: YamlSource | None = field(default=None, repr=False, compare=False)

    def line_of(self, path: tuple[str | int, ...]) -> int | None:
        """The line of a front-matter field in the user's file."""
        return self.source.line_for(path) if self.source else self.line


@dataclass
class CaseFolder:
    """A case that validated: the models every later stage works from."""

    root: Path
    case: Case
    events: list[Event]
    documents: list[CaseDocument[AnyDocument]]
    register: list[RegisterEntry]
    files: list[SourceFile] = field(default_factory=list)  # the bundle's inputs
    ignored: list[SourceFile] = field(default_factory=list)  # clutter left in documents/, never read
    notes: list[Problem] = field(default_factory=list)  # what the user should know (hidden files ...)

    @property
    def as_of(self) -> dt.date:
        return self.case.referral.date


@dataclass
class ValidationResult:
    folder: Path
    case: CaseFolder | None
    problems: list[Problem]
    notes: list[Problem] = field(default_factory=list)  # not problems: hidden files, ignored clutter

    @property
    def valid(self) -> bool:
        return not self.problems


def validate_folder(folder: str | os.PathLike[str], limits: Limits | None = None) -> ValidationResult:
    """Load and validate a case folder. Reads only; never writes into the folder."""
    raw = load_case(folder, limits)
    return validate_raw(raw)


def validate_raw(raw: RawCase) -> ValidationResult:
    problems = list(raw.problems)
    case = _model(raw.case, Case, problems) if raw.case is not None else None
    events = _events(raw.events, problems)
    documents = [d for d in (_document(doc, problems) for doc in raw.documents) if d is not None]
    register = _register(raw, problems)

    problems.extend(_cross_checks(raw))
    problems.extend(_unique_exhibits(documents))
    for doc in documents:
        if doc.kind == "markdown" and doc.body:
            problems.extend(body_problems(doc.path, doc.body, doc.body_line, raw.root, doc.meta_file))

    problems = sorted(set(problems), key=_problem_order)
    notes = sorted(raw.notes, key=_problem_order)
    if problems or case is None:
        return ValidationResult(raw.root, None, problems, notes)
    documents.sort(key=lambda d: (d.meta.date, d.path))
    register.sort(key=lambda r: (r.date, r.session))
    return ValidationResult(
        raw.root,
        CaseFolder(raw.root, case, events, documents, register, raw.files, raw.ignored, notes),
        [],
        notes,
    )


def _problem_order(p: Problem) -> tuple[int, str, int, str, str]:
    rank = {CASE_FILE: 0, REGISTER_FILE: 1, EVENTS_FILE: 2}
    return (rank.get(p.file, 3), p.file, p.line or 0, p.field, p.message)


# ----------------------------------------------------------------------- pydantic -> Problem


def _model(source: YamlSource, model: type[BaseModel], problems: list[Problem], prefix: str = "") -> Any:
    if source.data is None:
        problems.append(Problem(source.file, source.line_for(()), prefix.rstrip(": "), "is empty"))
        return None
    try:
        return model.model_validate(source.data)
    except ValidationError as exc:
        problems.extend(_problems_from(exc, source, prefix))
        return None


def _problems_from(exc: ValidationError, source: YamlSource, prefix: str = "", base: Path_ = ()) -> list[Problem]:
    out = []
    for err in exc.errors(include_url=False):
        path = _data_path(source.data, base, err["loc"])
        if base + path in source.flagged and err["type"] != "extra_forbidden":
            continue  # the loader has already said what is wrong with this value
        if err["type"] in ("union_tag_invalid", "union_tag_not_found"):
            path += (str((err.get("ctx") or {}).get("discriminator", "")).strip("'"),)
        line = source.line_for(base + path)
        field_path = format_path(path)
        message, hint = _message(err, field_path)
        out.append(Problem(source.file, line, (prefix + field_path).rstrip(": "), message, hint))
    return out


def _data_path(data: Any, base: Path_, loc: Iterable[str | int]) -> Path_:
    """Map pydantic's ``loc`` to a path in the YAML data.

    Pydantic puts the tag of a discriminated union (``letter``, ``email``) and
    validator names into ``loc``; those parts are not in the user's file, so a part
    that is not found in the data at that point is skipped.
    """
    node = data
    for part in base:
        node = node[part] if isinstance(node, dict | list) else None  # type: ignore[index]
    path: list[str | int] = []
    for part in loc:
        if isinstance(node, dict) and part in node:
            path.append(part)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            path.append(part)
            node = node[part]
        elif isinstance(node, dict) and isinstance(part, str) and not _is_tag(part):
            path.append(part)  # a missing field: name it, under its parent
            node = None
    return tuple(path)


_TAGS = set(DOCUMENT_TYPES) | {"post_first_class", "post_second_class", "recorded_delivery", "hand", "email"}


def _is_tag(part: str) -> bool:
    return part in _TAGS or part.startswith("function-") or "[" in part


def _value(err: ErrorDetails) -> str:
    value = err.get("input")
    if isinstance(value, (dict, list)):
        return ""
    return f"'{value}' "


def _message(err: ErrorDetails, field_path: str) -> tuple[str, str]:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    if kind == "missing":
        return "is required but missing", ""
    if kind == "extra_forbidden":
        return f"unknown field '{field_path.rsplit('.', 1)[-1]}'", _typo_hint(field_path)
    if kind == "enum":
        expected = ctx.get("expected", "").replace("'", "").replace(" or ", ", ")
        return f"{_value(err)}is not one of {expected}", ""
    if kind == "literal_error":
        expected = ctx.get("expected", "").replace("'", "").replace(" or ", ", ")
        return f"{_value(err)}is not one of {expected}", ""
    if kind == "union_tag_invalid":
        expected = ctx.get("expected_tags", "").replace("'", "")
        return f"'{ctx.get('tag')}' is not one of {expected}", ""
    if kind == "union_tag_not_found":
        return f"'{ctx.get('discriminator', '').strip(chr(39))}' is required but missing", ""
    if kind.startswith(("date", "datetime")):
        value = err.get("input")
        if kind.startswith("datetime"):
            return f"'{value}' is not a real date and time", "write YYYY-MM-DDTHH:MM, e.g. 2024-11-04T15:10"
        return f"'{value}' is not a real date", "write YYYY-MM-DD, e.g. 2024-11-04"
    if kind == "bool_type":
        return f"{_value(err)}is not true or false", "write true or false"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"{_value(err)}is not a whole number", ""
    if kind in ("string_type",):
        return f"{_value(err)}is not text", "put it in quotes"
    if kind == "string_pattern_mismatch":
        return f"{_value(err)}is not in the expected form", _pattern_hint(field_path)
    if kind == "string_too_short":
        return "is empty", ""
    if kind == "list_type":
        return f"{_value(err)}is not a list", "write a list, e.g. [p1, p2]"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"{_value(err)}should be a set of fields (a mapping)", ""
    if kind in ("greater_than_equal", "less_than_equal", "too_short", "too_long"):
        return f"{_value(err)}{err['msg'].lower().replace('input ', '').replace('value ', '')}", ""
    if kind == "value_error":
        return str(ctx.get("error", err["msg"])), ""
    return err["msg"], ""


def _typo_hint(field_path: str) -> str:
    """The hint for an unknown field: the nearest other field name (never the word
    typed); for a word that is a field elsewhere, that it is in the wrong place."""
    parent, _, name = field_path.rpartition(".")
    close = difflib.get_close_matches(name, [n for n in _known_field_names() if n != name], n=1, cutoff=0.75)
    if name in _known_field_names():
        where = f"under {parent}" if parent else "at the top level"
        return f"'{name}' is a field of another part of the file, not {where}: check its indentation" + (
            f", or did you mean '{close[0]}'?" if close else ""
        )
    return f"did you mean '{close[0]}'?" if close else ""


@functools.cache
def _known_field_names() -> frozenset[str]:
    """Every field name of every model, for 'did you mean' hints on typos."""
    from . import models

    names: set[str] = set()
    for obj in vars(models).values():
        if isinstance(obj, type) and issubclass(obj, BaseModel) and obj is not BaseModel:
            for name, info in obj.model_fields.items():
                names.add(info.alias or name)
    return frozenset(names)


def _pattern_hint(field_path: str) -> str:
    name = field_path.rsplit(".", 1)[-1]
    if name in ("email", "address"):
        return "an email address such as name@school.example"
    if name == "time":
        return 'a 24-hour time in quotes, e.g. "09:20"'
    if name == "case_id":
        return "letters, digits, '.', '_' and '-' only"
    return "parent ids use letters, digits, '_' and '-' only"


# ----------------------------------------------------------------------- files


def _events(source: YamlSource | None, problems: list[Problem]) -> list[Event]:
    if source is None or source.data is None:
        return []
    if not isinstance(source.data, list):
        problems.append(
            Problem(source.file, source.line_for(()), "", "should be a list of events (each starting with '- date:')")
        )
        return []
    events = []
    for i, item in enumerate(source.data):
        try:
            events.append(Event.model_validate(item))
        except ValidationError as exc:
            problems.extend(_item_problems(exc, source, i))
    return events


def _item_problems(exc: ValidationError, source: YamlSource, index: int) -> list[Problem]:
    out = []
    for err in exc.errors(include_url=False):
        path = (index,) + _data_path(source.data, (index,), err["loc"])
        if path in source.flagged and err["type"] != "extra_forbidden":
            continue
        message, hint = _message(err, format_path(path))
        out.append(Problem(source.file, source.line_for(path), format_path(path), message, hint))
    return out


def _document(raw: RawDocument, problems: list[Problem]) -> CaseDocument[AnyDocument] | None:
    source = raw.meta
    if source is None:
        return None
    prefix = "front matter: " if raw.kind == "markdown" else ""
    if not isinstance(source.data, dict):
        problems.append(
            Problem(
                source.file,
                source.line_for(()),
                prefix.rstrip(": "),
                "should be a set of fields: type, title, date, ...",
            )
        )
        return None
    kind = source.data.get("type")
    if isinstance(kind, str) and kind not in DOCUMENT_TYPES:
        close = difflib.get_close_matches(kind, DOCUMENT_TYPES, n=1)
        problems.append(
            Problem(
                source.file,
                source.line_for(("type",)),
                prefix + "type",
                f"'{kind}' is not one of {', '.join(DOCUMENT_TYPES)}",
                f"did you mean '{close[0]}'?" if close else "",
            )
        )
        return None
    try:
        meta = DOCUMENT_ADAPTER.validate_python(source.data)
    except ValidationError as exc:
        problems.extend(_problems_from(exc, source, prefix))
        return None
    return CaseDocument(
        path=raw.path,
        kind=raw.kind,
        meta=meta,
        meta_file=source.file,
        line=source.line_for(()) or 1,
        body=raw.body,
        body_line=raw.body_line,
        source=source,
    )


REGISTER_ADAPTER: TypeAdapter[list[RegisterEntry]] = TypeAdapter(list[RegisterEntry])


def _register(raw: RawCase, problems: list[Problem]) -> list[RegisterEntry]:
    entries: list[RegisterEntry] = []
    seen: dict[tuple[dt.date, str], int] = {}
    rows = [{k: (v if v != "" else None) for k, v in row.cells.items()} for row in raw.register_rows]
    reported = _day_first_dates(raw, rows, problems)
    # one call into pydantic for the whole register; row by row only to find the bad rows
    try:
        parsed: list[RegisterEntry | None] = list(REGISTER_ADAPTER.validate_python(rows))
    except ValidationError as exc:
        bad: dict[int, list[ErrorDetails]] = {}
        for err in exc.errors(include_url=False):
            bad.setdefault(int(err["loc"][0]), []).append(err)
        parsed = []
        for i, cells in enumerate(rows):
            if i not in bad:
                parsed.append(RegisterEntry.model_validate(cells))
                continue
            parsed.append(None)
            for err in bad[i]:
                name = str(err["loc"][1]) if len(err["loc"]) > 1 else ""
                if (i, name) in reported:
                    continue  # already said what is wrong with this date
                message, hint = _message(err, name)
                problems.append(Problem(REGISTER_FILE, raw.register_rows[i].line, name, message, hint))
    for row, entry in zip(raw.register_rows, parsed):
        if entry is None:
            continue
        key = (entry.date, entry.session)
        if key in seen:
            problems.append(
                Problem(
                    REGISTER_FILE,
                    row.line,
                    "session",
                    f"{entry.date} {entry.session} is recorded twice (first on line {seen[key]})",
                    "keep one mark per session",
                )
            )
            continue
        seen[key] = row.line
        known = codes.lookup(entry.code, entry.date)
        if known is None:
            regime = codes.regime_for(entry.date)
            other = "2006" if regime == "2024" else "2024"
            valid_elsewhere = codes.lookup(entry.code, _in_regime(other))
            hint = (
                f"'{entry.code}' belongs to the {other} code set; marks from {entry.date} use the {regime} set"
                if valid_elsewhere
                else f"codes of the {regime} set: " + " ".join(codes.codes_for(entry.date))
            )
            problems.append(
                Problem(
                    REGISTER_FILE,
                    row.line,
                    "code",
                    f"'{entry.code}' is not a DfE attendance code on {entry.date}",
                    hint,
                )
            )
            continue
        if entry.amended_from and codes.lookup(entry.amended_from, entry.date) is None:
            problems.append(
                Problem(
                    REGISTER_FILE,
                    row.line,
                    "amended_from",
                    f"'{entry.amended_from}' is not a DfE attendance code on {entry.date}",
                )
            )
            continue
        entries.append(entry)
    return entries


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
_SLASHED = re.compile(r"(\d{1,2})/(\d{1,2})/(\d+)\Z")
_DATE_COLUMNS = ("date", "amended_on")


def _day_first_dates(raw: RawCase, rows: list[dict[str, Any]], problems: list[Problem]) -> set[tuple[int, str]]:
    """Register dates written day first, as UK spreadsheets write them (04/09/2024), read
    as ISO dates; a two-digit year, or a date that only makes sense month first
    (09/13/2024), is an error, never a guess."""
    reported: set[tuple[int, str]] = set()
    for i, (row, cells) in enumerate(zip(raw.register_rows, rows)):
        for column in _DATE_COLUMNS:
            value = cells.get(column)
            if not isinstance(value, str) or _ISO_DATE.match(value):
                continue
            m = _SLASHED.match(value)
            if m is None:
                continue  # pydantic reports it as not a date
            day, month, year = (int(g) for g in m.groups())
            hint = "write YYYY-MM-DD, or DD/MM/YYYY as UK spreadsheets do"
            message = ""
            if len(m.group(3)) != 4:
                message = f"'{value}' has a two-digit year"
            elif month > 12 and day <= 12:
                message = f"'{value}' looks month first (MM/DD/YYYY)"
            else:
                try:
                    cells[column] = dt.date(year, month, day).isoformat()
                except ValueError:
                    message = f"'{value}' is not a real date"
            if message:
                problems.append(Problem(REGISTER_FILE, row.line, column, message, hint))
                reported.add((i, column))
    return reported


def _unique_exhibits(documents: list[CaseDocument[AnyDocument]]) -> list[Problem]:
    """An exhibit reference names one document."""
    first: dict[str, CaseDocument[AnyDocument]] = {}
    out = []
    for doc in sorted(documents, key=lambda d: d.path):
        ref = doc.meta.exhibit
        if ref is None:
            continue
        key = ref.upper()
        if key in first:
            prefix = "front matter: " if doc.kind == "markdown" else ""
            out.append(
                Problem(
                    doc.meta_file,
                    doc.line_of(("exhibit",)),
                    prefix + "exhibit",
                    f"exhibit '{ref}' is already {first[key].path}'s",
                    "give each document its own exhibit reference",
                )
            )
        else:
            first[key] = doc
    return out


def _in_regime(regime: str) -> dt.date:
    return dt.date(2025, 1, 6) if regime == "2024" else dt.date(2023, 1, 9)


# ----------------------------------------------------------------------- across files


def _cross_checks(raw: RawCase) -> list[Problem]:
    """Checks that span files, made on the raw data so that a file with a schema
    problem still has its parent ids checked (every problem in one run)."""
    out: list[Problem] = []
    case = raw.case
    parents = case.data.get("parents") if case and isinstance(case.data, dict) else None
    if case is None or not isinstance(parents, list):
        return out
    ids: list[str] = []
    excluded: dict[str, str] = {}
    for i, parent in enumerate(parents):
        if not isinstance(parent, dict) or not isinstance(parent.get("id"), str):
            continue
        pid = parent["id"]
        if pid in ids:
            out.append(
                Problem(
                    CASE_FILE,
                    case.line_for(("parents", i, "id")),
                    f"parents[{i}].id",
                    f"parent id '{pid}' is used twice",
                )
            )
        ids.append(pid)
        if isinstance(parent.get("exclude"), dict):
            excluded[pid] = str(parent["exclude"].get("reason") or "no reason given")
    known = set(ids)

    def check(source: YamlSource, base: Path_, prefix: str) -> None:
        item = source.data
        for part in base:
            item = item[part]
        if not isinstance(item, dict):
            return
        for name in ("to", "with", "invited", "attended", "parents", "offered_to", ("served", "recipient")):
            path = name if isinstance(name, tuple) else (name,)
            value: Any = item
            for part in path:
                value = value.get(part) if isinstance(value, dict) else None
            values = value if isinstance(value, list) else [value]
            for j, pid in enumerate(values):
                if not isinstance(pid, str):
                    continue
                where = base + path + ((j,) if isinstance(value, list) else ())
                line = source.line_for(where)
                field_path = prefix + format_path(where)
                if pid not in known:
                    out.append(
                        Problem(
                            source.file,
                            line,
                            field_path,
                            f"'{pid}' is not a parent in case.yaml",
                            "parent ids in case.yaml: " + ", ".join(ids),
                        )
                    )

    if raw.events is not None and isinstance(raw.events.data, list):
        for i in range(len(raw.events.data)):
            check(raw.events, (i,), "")
    for doc in raw.documents:
        if doc.meta is not None:
            check(doc.meta, (), "front matter: " if doc.kind == "markdown" else "")
    return out
