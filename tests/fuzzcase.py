"""Mutated case folders for fuzzing, and the command chain they are run through.

``mutated_case(root, rnd)`` starts from the READY base case (``builder.CaseBuilder``)
and applies a few mutations chosen by ``rnd`` (a ``random.Random``: hypothesis gives one
in tests/test_fuzz.py, a seeded one in scripts/fuzz_campaign.py), at every level a user
can get wrong:

* the data: any value of case.yaml, events.yaml, a document's front matter or a register
  row replaced by a hostile one (wrong type, empty, huge, control characters, dates at
  and past every boundary), a key dropped or added, a list emptied, duplicated or
  shuffled; and meaningful changes (route, profile, referral date, offence period,
  holidays, parents, pupil flags, register codes and history) so that every rule runs;
* the text: a file's bytes corrupted (a character inserted, a line dropped or doubled,
  truncated, a BOM, CRLF, an alias, a tab);
* the folder: a document renamed (``#``, ``?``, ``:``, spaces, unicode, a leading dot, a
  control character), stray files (no sidecar, a sidecar alone, unknown kinds, clutter, a
  real or broken PDF), links (to itself, above, outside, looping).

``run_chain(folder, out, build=...)`` runs validate -> check -> stats (-> build --draft)
through the command line in process (click's CliRunner) and gives what went wrong: a
traceback (an exception other than SystemExit), an exit code outside {0, 1, 2}, output
that is not what its format promises, or a later command refusing a case validate
passed. An empty list is a pass.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
import random
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from builder import CaseBuilder
from click.testing import CliRunner

from bundler import api
from bundler.cli import main

D = dt.date
ROUTES = list(api.ROUTES)
PROFILES = ["national-2024", "central-bedfordshire", "south-tyneside", "devon"]
CODES = list("/\\LUBCDEGIJMNOPRSTVWXYZ#") + [
    "C1",
    "C2",
    "J1",
    "K",
    "Q",
    "V",
    "X",
    "Y1",
    "Y2",
    "Y3",
    "Y4",
    "Y5",
    "Y6",
    "Y7",
]

#: dates at and around every boundary bundler knows of
DATES = [
    D(1900, 1, 1),
    D(1899, 12, 31),
    D(2099, 12, 31),
    D(2100, 1, 1),
    D(2024, 8, 18),
    D(2024, 8, 19),
    D(2024, 9, 1),
    D(2024, 2, 29),
    D(2025, 3, 6),
    D(2025, 3, 7),
    D(2025, 3, 8),
    D(2012, 1, 15),
    D(2030, 6, 30),
    D(2000, 1, 1),
]
#: values of every kind a hand-written YAML file can hold, and some it should not
SCALARS: list[Any] = [
    None,
    "",
    " ",
    "x",
    "ü",
    "日本語",
    "\u202eevil",
    "line\nbreak",
    "nul\x00byte",
    "\t",
    "yes",
    "no",
    "on",
    "0123",
    "1:20",
    ".inf",
    "~",
    "null",
    "-1",
    "9" * 40,
    "x" * 5000,
    0,
    -1,
    1,
    2**63,
    -(2**63),
    10**40,
    1.5,
    -0.0,
    float("inf"),
    True,
    False,
    [],
    {},
    [1, "a", None],
    {"a": 1},
    "2025-02-30",
    "2025-13-01",
    "0001-01-01",
    "9999-12-31",
    "04/09/2024",
    "2024-11-04T15:10",
    "2024-11-04T25:10",
    "2024-11-04T15:10:00+14:00",
    dt.datetime(2099, 12, 31, 23, 59),
    dt.datetime(1900, 1, 1, 0, 0),
    "p1",
    "p2",
    "p3",
    "national-2024",
    "/etc/passwd",
    "../../x.yaml",
    "post_first_class",
    "hand",
    "email",
    "letter",
    "meeting",
    "notice",
    "contract",
    "support",
    "penalty_notice",
    "agreed",
    "declined",
    "not_offered",
    "notice_to_improve",
    "final_warning",
    "early_help",
    "attended",
    "requested",
    "{{ 7*7 }}",
    "<script>alert(1)</script>",
    "[link](file:///etc/passwd)",
    *DATES,
]
#: file names a user (or a file system) might produce
NAMES = [
    "a#b",
    "what?",
    "c:d",
    "with  space",
    "Ünïcödé ✓",
    ".hidden",
    "UPPER.MD",
    "no-suffix",
    "double.pdf.pdf",
    "tab\tname",
    "new\nline",
    "~$owner",
    "x" * 200,
    "-dash",
    "'quote\"",
]
BODIES = [
    "",
    "Dear parent,\n\nPlease attend.",
    "![logo](.assets/logo.png)",
    "![remote](https://example.com/x.png)",
    "![local](file:///etc/hostname)",
    "[a link](https://www.gov.uk/)",
    "[other](other.md)",
    "<b>bold</b> <script>x</script>",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "# Heading\n\n" + "word " * 2000,
    "{% raw %}{{ jinja }}{% endraw %}",
    "---\ntype: other\n---",
    "\x1b[31mred\x1b[0m",
]


@dataclass
class Mutated:
    folder: Path
    steps: list[str] = field(default_factory=list)


# ----------------------------------------------------------------------- data mutations


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside nested dicts and lists."""
    out = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _paths(value, (*prefix, i))
    return out


def _get(node: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        node = node[part]
    return node


def _hostile_value(rnd: random.Random, old: Any) -> Any:
    pick = rnd.random()
    if pick < 0.7:
        return copy.deepcopy(rnd.choice(SCALARS))
    if pick < 0.8 and isinstance(old, list):
        return old + old if old else [rnd.choice(SCALARS)]
    if pick < 0.9 and isinstance(old, dt.date):
        return old + dt.timedelta(days=rnd.choice([-36500, -3650, -365, -1, 1, 7, 365, 3650, 36500]))
    return rnd.choice([[old], {"value": old}, str(old)])


def _mutate_tree(rnd: random.Random, tree: Any, label: str) -> str:
    """Replace, drop or add one value somewhere in ``tree`` (in place)."""
    paths = _paths(tree)
    if not paths:
        return f"{label}: nothing to change"
    path = rnd.choice(paths)
    parent = _get(tree, path[:-1])
    key = path[-1]
    action = rnd.random()
    if action < 0.65:
        parent[key] = _hostile_value(rnd, parent[key])
        return f"{label}{list(path)} = {parent[key]!r:.60}"
    if action < 0.85:
        del parent[key]
        return f"{label}{list(path)} removed"
    if isinstance(parent, dict):
        name = rnd.choice(["extra", "Type", "titel", "served", "to", "date", "notes", "exhibit"])
        parent[name] = copy.deepcopy(rnd.choice(SCALARS))
        return f"{label}{list(path[:-1])}[{name!r}] added"
    parent.insert(rnd.randrange(len(parent) + 1), copy.deepcopy(rnd.choice(parent) if parent else None))
    return f"{label}{list(path[:-1])} item doubled"


def _meaningful(rnd: random.Random, b: CaseBuilder) -> str:
    """A change a real case could have, so that every route, profile and rule runs."""
    choice = rnd.randrange(14)
    if choice == 0:
        b.case["referral"]["route"] = rnd.choice(ROUTES)
        return f"route {b.case['referral']['route']}"
    if choice == 1:
        b.case["referral"]["profile"] = rnd.choice(PROFILES)
        return f"profile {b.case['referral']['profile']}"
    if choice == 2:
        b.case["referral"]["date"] = rnd.choice(DATES)
        return f"referral on {b.case['referral']['date']}"
    if choice == 3:
        a, c = sorted(rnd.sample(DATES, 2))
        b.case["referral"]["offence_period"] = {"start": a, "end": c}
        return f"offence period {a} to {c}"
    if choice == 4:
        a, c = sorted(rnd.sample(DATES, 2))
        b.case["school"]["holidays"] = [{"start": a, "end": c, "name": "Fuzz"}]
        return f"holiday {a} to {c}"
    if choice == 5:
        names = list(b.docs)
        for name in rnd.sample(names, rnd.randrange(1, len(names) + 1)):
            del b.docs[name]
        return f"{len(names) - len(b.docs)} documents removed"
    if choice == 6:
        del b.events[: rnd.randrange(len(b.events) + 1)]
        return "events removed"
    if choice == 7:
        keys = sorted(b.marks)
        for key in rnd.sample(keys, rnd.randrange(1, 40)):
            b.marks[key] = {"code": rnd.choice(CODES)}
        return "register codes changed"
    if choice == 8:
        keys = sorted(b.marks)
        lo, hi = sorted(rnd.sample(range(len(keys) + 1), 2))
        b.keep_marks(lambda d, s: keys.index((d, s)) in range(lo, hi))
        return f"register cut to rows {lo}-{hi}"
    if choice == 9:
        key = rnd.choice(sorted(b.marks))
        b.marks[key] = {
            "code": rnd.choice(CODES),
            "minutes_late": str(rnd.choice([5, 0, -3, 999999, "abc", ""])),
            "amended_from": rnd.choice(CODES + ["", "??"]),
            "amended_on": str(rnd.choice(DATES)),
            "amended_by": rnd.choice(["A. Officer", "", "x\ny"]),
            "amended_reason": rnd.choice(["Late note", "", '"quoted, with comma"']),
            "note": rnd.choice(["Medical letter", "", "a,b", 'say "hi"']),
        }
        return f"register row {key} with history"
    if choice == 10:
        parent = rnd.choice(b.case["parents"])
        parent["exclude"] = {"reason": "court order", "since": rnd.choice(DATES)}
        return f"{parent['id']} excluded"
    if choice == 11:
        flag = rnd.choice(["looked_after", "in_care", "has_social_worker", "medical_needs"])
        b.case["pupil"][flag] = True
        b.case["pupil"]["send"] = rnd.choice(["none", "sen_support", "ehcp"])
        return f"pupil {flag}"
    if choice == 12:
        b.case["parents"].append(
            {
                "id": "p3",
                "name": "Sam Carer",
                "relationship": "carer",
                "parental_responsibility": rnd.random() < 0.5,
                "lives_with_pupil": True,
                "address": "1 Test Row, Exampletown, ZZ1 9ZZ",
            }
        )
        return "a third parent"
    days = rnd.choice([-3650, -730, -365, 365, 3650, rnd.randrange(-36500, 36500)])
    b.marks = {(d + dt.timedelta(days=days), s): row for (d, s), row in b.marks.items()}
    return f"register moved {days} days"


#: dates at the ends of what Python, pydantic and bundler can hold
EXTREMES = [D(1, 1, 1), D(9999, 12, 31), D(1899, 12, 31), D(1900, 1, 1), D(2099, 12, 31), D(2100, 1, 1)]


def _a_date(rnd: random.Random) -> dt.date:
    pick = rnd.random()
    if pick < 0.3:
        return rnd.choice(EXTREMES)
    if pick < 0.6:
        return rnd.choice(DATES)
    return D(2000, 1, 1) + dt.timedelta(days=rnd.randrange(0, 40 * 366))


def _mutate_date(rnd: random.Random, b: CaseBuilder) -> str:
    """Any date of the case (case.yaml, events, front matter, register) set to another:
    an extreme, a boundary, or any day of forty years."""
    trees: list[tuple[str, Any]] = [("case.yaml", b.case), ("events.yaml", b.events)]
    trees += [(name, meta) for name, meta in b.docs.items()]
    dated = [
        (label, tree, path) for label, tree in trees for path in _paths(tree) if isinstance(_get(tree, path), dt.date)
    ]
    if dated and rnd.random() < 0.8:
        label, tree, path = rnd.choice(dated)
        value = _a_date(rnd)
        old = _get(tree, path)
        if isinstance(old, dt.datetime):
            value = dt.datetime.combine(value, old.time())
        _get(tree, path[:-1])[path[-1]] = value
        return f"{label}{list(path)} = {value}"
    day = _a_date(rnd)
    b.marks[(day, rnd.choice(["AM", "PM"]))] = {"code": rnd.choice(CODES)}
    return f"register mark on {day}"


def _mutate_data(rnd: random.Random, b: CaseBuilder) -> str:
    if rnd.random() < 0.25:
        return _mutate_date(rnd, b)
    where = rnd.random()
    if where < 0.2:
        return _mutate_tree(rnd, b.case, "case.yaml")
    if where < 0.3:
        return _mutate_tree(rnd, b.events, "events.yaml")
    if where < 0.5 and b.docs:
        name = rnd.choice(sorted(b.docs))
        if rnd.random() < 0.2:
            b.bodies[name] = rnd.choice(BODIES)
            return f"{name} body"
        return _mutate_tree(rnd, b.docs[name], name)
    return _meaningful(rnd, b)


# ----------------------------------------------------------------------- file and folder mutations


def _corrupt_text(rnd: random.Random, path: Path) -> str:
    data = path.read_bytes()
    lines = data.split(b"\n")
    kind = rnd.randrange(9)
    if kind == 0 and data:
        at = rnd.randrange(len(data))
        data = (
            data[:at]
            + rnd.choice([b":", b"-", b"'", b'"', b"\t", b"&a ", b"*a", b"{", b"[", b"#", b"\xff", b"\x00"])
            + data[at:]
        )
    elif kind == 1 and len(lines) > 1:
        del lines[rnd.randrange(len(lines))]
        data = b"\n".join(lines)
    elif kind == 2 and lines:
        at = rnd.randrange(len(lines))
        lines.insert(at, lines[at])
        data = b"\n".join(lines)
    elif kind == 3:
        data = data[: rnd.randrange(len(data) + 1)]
    elif kind == 4:
        data = b"\xef\xbb\xbf" + data
    elif kind == 5:
        data = data.replace(b"\n", b"\r\n")
    elif kind == 6 and lines:
        at = rnd.randrange(len(lines))
        lines[at] = b"  " + lines[at]
        data = b"\n".join(lines)
    elif kind == 7:
        data = data.replace(b",", b";")
    else:
        data = data.upper() if rnd.random() < 0.5 else b""
    path.write_bytes(data)
    return f"{path.name}: bytes corrupted ({kind})"


def _stray(rnd: random.Random, folder: Path) -> str:
    import pdf_fixtures as fx

    docs = folder / "documents"
    name = rnd.choice(NAMES)
    kind = rnd.randrange(10)
    try:
        if kind == 0:
            (docs / f"{name}.pdf").write_bytes(fx.corners())
            return f"PDF without sidecar {name!r}"
        if kind == 1:
            makers = [
                fx.corners,
                lambda: b"%PDF-1.7\ngarbage",
                lambda: fx.encrypted("pw"),
                fx.encrypted,
                fx.hidden_layer,
                fx.filled_form,
                fx.inherited_boxes,
                fx.shared_content,
                fx.offset_crop_box,
                fx.annotation_flags,
                lambda: fx.huge_image(12_000, 12_000),
                lambda: fx.active(rnd.choice(sorted(fx.ACTIVE))),
                lambda: fx.corners()[: rnd.randrange(40, 900)],
            ]
            (docs / f"{name}.pdf").write_bytes(rnd.choice(makers)())
            (docs / f"{name}.pdf.yaml").write_text(
                rnd.choice(["type: other\ntitle: Stray\ndate: 2025-01-06\n", "type: letter\n", "- a\n", ""]),
                encoding="utf-8",
            )
            return f"PDF with sidecar {name!r}"
        if kind == 2:
            (docs / f"{name}.yaml").write_text("type: other\ntitle: Alone\ndate: 2025-01-06\n", encoding="utf-8")
            return f"sidecar alone {name!r}"
        if kind == 3:
            (docs / f"{name}.{rnd.choice(['txt', 'exe', 'PNG', 'jpg', 'eml', 'docx', 'msg', 'zip'])}").write_bytes(
                os.urandom(rnd.randrange(64))
            )
            return f"stray file {name!r}"
        if kind == 4:
            (docs / rnd.choice([".DS_Store", "Thumbs.db", "._x.pdf", "desktop.ini"])).write_bytes(b"\0\0")
            return "clutter"
        if kind == 5:
            target = rnd.choice([".", "..", "../..", "/etc/passwd", "missing", "loop"])
            os.symlink(target, docs / "link")
            return f"link to {target}"
        if kind == 6:
            (docs / "sub" / "deeper").mkdir(parents=True, exist_ok=True)
            first = sorted(p for p in docs.iterdir() if p.suffix == ".md")
            if first:
                os.replace(first[0], docs / "sub" / "deeper" / first[0].name)
            return "document moved into a sub-folder"
        if kind == 7:
            md = sorted(p for p in docs.iterdir() if p.suffix == ".md")
            if md:
                os.replace(md[0], docs / f"{name}.md")
            return f"document renamed {name!r}"
        if kind == 8:
            (docs / ".assets").mkdir(exist_ok=True)
            (docs / ".assets" / "logo.png").write_bytes(rnd.choice([b"not a png", _png()]))
            return "assets folder"
        (docs / f"{name}.md").write_text(rnd.choice(BODIES), encoding="utf-8")
        return f"Markdown without front matter {name!r}"
    except OSError as exc:  # a name this file system refuses: nothing was made
        return f"stray {name!r} not made ({exc.strerror})"


def _png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (20, 20), "navy").save(out, "PNG")
    return out.getvalue()


def _mutate_files(rnd: random.Random, folder: Path) -> str:
    pick = rnd.random()
    if pick < 0.5:
        files = sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink())
        return _corrupt_text(rnd, rnd.choice(files))
    if pick < 0.6:
        for name in ("events.yaml", "attendance.csv", "case.yaml"):
            if rnd.random() < 0.3 and (folder / name).exists():
                (folder / name).unlink()
                return f"{name} deleted"
    return _stray(rnd, folder)


def _gentle(rnd: random.Random, b: CaseBuilder) -> str:
    """A change that keeps the case valid as often as not: a real-world edit, or any date
    moved to another within the years a case can hold."""
    if rnd.random() < 0.5:
        return _meaningful(rnd, b)
    step = _mutate_date(rnd, b)
    for tree in [b.case, b.events, *b.docs.values()]:
        for path in _paths(tree):
            value = _get(tree, path)
            if isinstance(value, dt.date) and not D(1900, 1, 1) <= value <= D(2099, 12, 31):
                _get(tree, path[:-1])[path[-1]] = rnd.choice([D(1900, 1, 1), D(2099, 12, 31)])
    b.marks = {key: row for key, row in b.marks.items() if D(1900, 1, 1) <= key[0] <= D(2099, 12, 31)}
    return step


def mutated_case(root: Path, rnd: random.Random, max_steps: int = 4, *, gentle: bool = False) -> Mutated:
    """The base case, written under ``root`` after up to ``max_steps`` mutations; with
    ``gentle``, only real-world edits and in-range dates (cases that mostly validate, to
    reach check, stats and build), and the folder is left alone."""
    b = CaseBuilder(root / "EX-FUZZ-001")
    steps = []
    for _ in range(rnd.randrange(1 if gentle else 0, max_steps + 1)):
        try:
            steps.append(_gentle(rnd, b) if gentle else _mutate_data(rnd, b))
        except (TypeError, KeyError, AttributeError, IndexError, ValueError, OverflowError):
            steps.append("(a mutation found the data already changed past it)")
    try:
        folder = b.write()
    except (TypeError, ValueError, OverflowError) as exc:  # the YAML writer cannot hold it: start again plainly
        b = CaseBuilder(root / "EX-FUZZ-002")
        folder = b.write()
        steps.append(f"(data not writable: {exc!r:.60})")
    if not gentle and rnd.random() < 0.35:
        steps += [_mutate_files(rnd, folder) for _ in range(rnd.randrange(1, 3))]
    return Mutated(folder, steps)


# ----------------------------------------------------------------------- the chain


@dataclass
class Outcome:
    failures: list[str] = field(default_factory=list)  # what went wrong (empty: a pass)
    valid: bool = False
    built: bool | None = None  # None: not built
    refused: str = ""  # why build refused a case validate passed


def _invoke(args: list[str]) -> tuple[Any, str | None]:
    result = CliRunner().invoke(main, args)
    crash = None
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        crash = "".join(traceback.format_exception(result.exception))
    return result, crash


def signature(trace: str) -> str:
    """A crash's identity: its exception type and the innermost bundler frame."""
    lines = trace.strip().splitlines()
    frames = [line.strip() for line in lines if line.strip().startswith("File ") and "/bundler/" in line]
    where = frames[-1].split("/bundler/", 1)[1] if frames else "outside bundler"
    return f"{lines[-1].split(':', 1)[0]} at bundler/{where}"


def run_chain(folder: Path, out: Path, *, build: bool) -> Outcome:
    """validate -> check -> stats (-> build --draft), every format a script would use."""
    outcome = Outcome()

    def step(
        args: list[str],
        codes: set[int],
        parse: Callable[[str], Any] | None = None,
        parse_codes: tuple[int, ...] = (0, 1),
    ) -> Any:
        result, crash = _invoke(args)
        if crash:
            outcome.failures.append(f"{' '.join(args[:1] + args[2:])}: traceback\n{crash}")
            return None
        if result.exit_code not in codes:
            outcome.failures.append(f"{' '.join(args[:1] + args[2:])}: exit {result.exit_code}\n{result.output[-800:]}")
        elif parse is not None and result.exit_code in parse_codes:
            try:
                parse(result.stdout)
            except ValueError as exc:
                outcome.failures.append(f"{' '.join(args[:1] + args[2:])}: not {exc}")
        return result

    where = str(folder)
    validated = step(["validate", where], {0, 1, 2})
    step(["validate", where, "--format", "json"], {0, 1, 2}, json.loads)
    outcome.valid = validated is not None and validated.exit_code == 0
    later = {0, 1} if outcome.valid else {0, 1, 2}
    step(["check", where], later)
    step(["check", where, "--format", "json"], later, json.loads)
    step(["check", where, "--format", "md"], later)
    step(["stats", where], {0} if outcome.valid else {0, 1, 2})
    step(["stats", where, "--format", "json"], {0} if outcome.valid else {0, 1, 2}, json.loads, (0,))
    if build and outcome.valid:
        result = step(["build", where, "--draft", "-o", str(out)], {0, 2})
        outcome.built = result is not None and result.exit_code == 0
        if result is not None and result.exit_code == 2:
            outcome.refused = result.output.strip().splitlines()[0] if result.output.strip() else "(no message)"
            if not result.output.startswith("error: "):
                outcome.failures.append(f"build refused without a message: {result.output[-400:]}")
    return outcome
