"""Stage 1: read a case folder from disk into raw, line-tracked data.

Takes a folder path and limits; gives a ``RawCase`` (parsed YAML with the line of every
value, register rows, documents, the hash of every file, and the problems found).

This is the only stage that reads the case folder. Everything in it is untrusted:

* YAML is parsed with PyYAML's safe composer and turned into Python values by our own
  strict resolver, so YAML 1.1 surprises become errors instead of silently different
  values (``NO`` read as false, ``0123`` read as octal 83, ``1:20`` read as 80).
  Aliases are refused outright (no "billion laughs"), and so are duplicate keys and
  tags other than the standard ones.
* Every value keeps the line it came from, so later stages can point at the user's file.
* Paths are resolved and refused if they leave the case folder (``..``, symlinks out).
* Files have size limits, with a message that says which limit and how to raise it.

Nothing here writes anything.
"""

from __future__ import annotations

import csv
import errno
import hashlib
import io
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import CaseFolderError, Problem, printable
from .names import is_clutter, is_hidden, name_problem
from .strict_yaml import YamlSource, parse_yaml

CASE_FILE = "case.yaml"
REGISTER_FILE = "attendance.csv"
EVENTS_FILE = "events.yaml"
DOCUMENTS_DIR = "documents"

MARKDOWN_SUFFIXES = (".md", ".markdown")
SIDECAR_SUFFIXES = (".yaml", ".yml")
#: document kinds other than Markdown, by file suffix; each needs a sidecar
ATTACHMENT_KINDS = {
    ".pdf": "pdf",
    ".docx": "office",
    ".doc": "office",
    ".odt": "office",
    ".rtf": "office",
    ".eml": "eml",
    ".msg": "msg",
    ".png": "image",
    ".jpg": "image",
    ".jpeg": "image",
    ".tif": "image",
    ".tiff": "image",
    ".gif": "image",
    ".webp": "image",
    ".heic": "image",
    ".heif": "image",
}

REGISTER_REQUIRED = ("date", "session", "code")
REGISTER_OPTIONAL = (
    "minutes_late",
    "amended_from",
    "amended_on",
    "amended_by",
    "amended_reason",
    "note",
)


@dataclass(frozen=True)
class Limits:
    """Size limits for untrusted input; callers (and the CLI) may raise them."""

    max_text_bytes: int = 5 * 1024 * 1024  # YAML, CSV, Markdown
    max_attachment_bytes: int = 50 * 1024 * 1024  # PDF, Word, email, images
    max_register_rows: int = 20_000  # about 50 school years of sessions
    max_documents: int = 2_000
    max_pages: int = 2_000  # pages of one PDF document
    max_pixels: int = 100_000_000  # pixels of one image (in an image file or inside a PDF)
    # what a document shows (case/attachments.py checks them, bundle/sources/ renders)
    office_timeout_s: float = 60.0  # one LibreOffice conversion
    max_office_unpacked_bytes: int = 100 * 1024 * 1024  # a .docx/.odt unzipped (zip bombs)
    max_image_pixels: int = 40_000_000  # one image frame (decompression bombs)
    max_image_frames: int = 100  # pages of a TIFF (each drawn on its own page)
    max_email_depth: int = 30  # levels of messages and multiparts nested in an email
    max_email_parts: int = 500  # MIME parts in one email, attachments included
    max_seconds: float = 120.0  # opening, converting or rendering one document


@dataclass
class RegisterRow:
    line: int
    cells: dict[str, str]


@dataclass
class RawDocument:
    """One document of the case: its file and the front matter that describes it."""

    path: str  # relative to the case folder, posix style
    kind: str  # markdown | pdf | office | eml | msg | image
    meta: YamlSource | None  # front matter or sidecar; None when it could not be read
    body: str | None = None  # Markdown body (after the front matter)
    body_line: int = 1  # line of the file where the body starts


@dataclass
class SourceFile:
    """A file the case is made of, with its hash (for the bundle's manifest)."""

    path: str
    size: int
    sha256: str


@dataclass
class RawCase:
    root: Path
    case: YamlSource | None = None
    events: YamlSource | None = None
    register_columns: list[str] = field(default_factory=list)
    register_rows: list[RegisterRow] = field(default_factory=list)
    documents: list[RawDocument] = field(default_factory=list)
    files: list[SourceFile] = field(default_factory=list)  # every file the bundle may use: its inputs
    problems: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)  # what the user should know; not problems
    ignored: list[SourceFile] = field(default_factory=list)  # system clutter, never read


# --------------------------------------------------------------------------- files


class _Folder:
    """Reads files inside one case folder, refusing anything that leads outside it."""

    def __init__(self, root: Path, limits: Limits, problems: list[Problem]):
        self.root = root
        self.real_root = root.resolve()
        self.limits = limits
        self.problems = problems
        self.files: list[SourceFile] = []

    def rel(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def inside(self, path: Path) -> bool:
        """True when ``path`` (after following every symlink) is inside the case folder."""
        try:
            path.resolve().relative_to(self.real_root)
        except (ValueError, OSError, RuntimeError):
            return False
        return True

    def read_bytes(self, path: Path, limit: int) -> bytes | None:
        rel = self.rel(path)
        # folders on the way were checked as they were walked; a file can only lead
        # outside through a link of its own
        if path.is_symlink() and not self.inside(path):
            self.problems.append(
                Problem(
                    rel,
                    None,
                    "",
                    "leads outside the case folder (a symlink or '..')",
                    "copy the file into the case folder",
                )
            )
            return None
        try:
            size = path.stat().st_size
        except OSError as exc:
            self.problems.append(Problem(rel, None, "", f"cannot be read: {exc.strerror}"))
            return None
        if size > limit:
            self.problems.append(
                Problem(
                    rel,
                    None,
                    "",
                    f"is {size / 1048576:.1f} MiB, over the {limit / 1048576:.0f} MiB limit for this kind of file",
                    "reduce the file, or raise the limit with --max-file-mb if it is genuine",
                )
            )
            return None
        try:
            data = path.read_bytes()
        except OSError as exc:
            self.problems.append(Problem(rel, None, "", f"cannot be read: {exc.strerror}"))
            return None
        self.files.append(SourceFile(rel, len(data), hashlib.sha256(data).hexdigest()))
        return data

    def read_text(self, path: Path) -> str | None:
        data = self.read_bytes(path, self.limits.max_text_bytes)
        if data is None:
            return None
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            self.problems.append(Problem(self.rel(path), line, "", "is not UTF-8 text", "save the file as UTF-8"))
            return None


def load_case(folder: str | os.PathLike[str], limits: Limits | None = None) -> RawCase:
    """Read a case folder. Problems are collected in ``RawCase.problems``.

    Raises CaseFolderError only when there is no case folder to read at all.
    """
    root = Path(folder)
    if not root.exists():
        raise CaseFolderError(f"{root}: no such case folder")
    if not root.is_dir():
        raise CaseFolderError(f"{root}: not a folder (a case is a folder holding case.yaml)")
    limits = limits or Limits()
    raw = RawCase(root=root)
    reader = _Folder(root, limits, raw.problems)

    case_path = root / CASE_FILE
    if case_path.is_file() or case_path.is_symlink():
        text = reader.read_text(case_path)
        if text is not None:
            raw.case = parse_yaml(text, CASE_FILE, raw.problems)
    else:
        raw.problems.append(Problem(CASE_FILE, None, "", "is missing: every case needs case.yaml"))

    register_path = root / REGISTER_FILE
    if register_path.is_file() or register_path.is_symlink():
        text = reader.read_text(register_path)
        if text is not None:
            _read_register(text, raw, limits)
    else:
        raw.problems.append(Problem(REGISTER_FILE, None, "", "is missing: every case needs the register extract"))

    events_path = root / EVENTS_FILE
    if events_path.is_file() or events_path.is_symlink():
        text = reader.read_text(events_path)
        if text is not None:
            raw.events = parse_yaml(text, EVENTS_FILE, raw.problems)

    documents = root / DOCUMENTS_DIR
    if documents.is_symlink() and not reader.inside(documents):
        raw.problems.append(Problem(DOCUMENTS_DIR, None, "", "leads outside the case folder (a symlink)"))
    elif documents.is_dir():
        _read_documents(documents, reader, raw, limits)

    raw.files.extend(reader.files)
    raw.files.sort(key=lambda f: f.path)
    return raw


def _read_register(text: str, raw: RawCase, limits: Limits) -> None:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if header is None:
            raw.problems.append(Problem(REGISTER_FILE, None, "", "is empty: expected a header row date,session,code"))
            return
        columns = [cell.strip().lower() for cell in header]
        raw.register_columns = columns
        known = REGISTER_REQUIRED + REGISTER_OPTIONAL
        for name in REGISTER_REQUIRED:
            if name not in columns:
                raw.problems.append(
                    Problem(
                        REGISTER_FILE,
                        1,
                        name,
                        f"column '{name}' is missing from the header",
                        "the header must include date,session,code",
                    )
                )
        for name in columns:
            if name not in known:
                raw.problems.append(
                    Problem(REGISTER_FILE, 1, name or "(blank)", "unknown column", "columns are " + ", ".join(known))
                )
        if len(set(columns)) != len(columns):
            raw.problems.append(Problem(REGISTER_FILE, 1, "", "a column is named twice in the header"))
        if any(p.file == REGISTER_FILE for p in raw.problems):
            return
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            line = reader.line_num
            if len(raw.register_rows) >= limits.max_register_rows:
                raw.problems.append(
                    Problem(
                        REGISTER_FILE,
                        line,
                        "",
                        f"has more than {limits.max_register_rows} sessions",
                        "split the extract, or check it is one pupil's register",
                    )
                )
                return
            if len(row) != len(columns):
                raw.problems.append(
                    Problem(REGISTER_FILE, line, "", f"has {len(row)} cells, the header has {len(columns)}")
                )
                continue
            raw.register_rows.append(RegisterRow(line, {name: cell.strip() for name, cell in zip(columns, row)}))
    except csv.Error as exc:
        raw.problems.append(Problem(REGISTER_FILE, reader.line_num, "", f"CSV error: {exc}"))


_FRONT_MATTER_END = re.compile(r"^(---|\.\.\.)[ \t]*$", re.MULTILINE)


def split_front_matter(text: str) -> tuple[str, str, int] | None:
    """Split ``---``-fenced front matter from a Markdown text.

    Returns (front matter, body, line where the body starts) or None.
    """
    if not (text.startswith(("---\n", "---\r\n"))):
        return None
    start = text.index("\n") + 1
    end = _FRONT_MATTER_END.search(text, start)
    if end is None:
        return None
    front = text[start : end.start()]
    rest = text[end.end() :]
    if rest.startswith("\r\n"):
        rest = rest[2:]
    elif rest.startswith("\n"):
        rest = rest[1:]
    body_line = text[: end.end()].count("\n") + 2
    return front, rest, body_line


@dataclass
class _Walk:
    """What a walk of documents/ found: candidate documents and sidecars, hidden files
    (inside a hidden folder, or hidden themselves) and system clutter."""

    root: Path  # documents/, as the walk started it
    real: Path  # ... with every link followed
    files: list[Path] = field(default_factory=list)
    hidden: list[Path] = field(default_factory=list)
    clutter: list[Path] = field(default_factory=list)
    folders: set[tuple[int, int]] = field(default_factory=set)  # (device, inode) of each folder read
    seen: dict[tuple[int, int], str] = field(default_factory=dict)  # (device, inode) -> first path


def _walk(folder: Path, reader: _Folder, walk: _Walk, hidden: bool = False) -> None:
    """Every file under ``folder``, each once: a folder reached again (a link to itself
    or to a folder above it, or a second way into one) and a second name for a file (a
    link, a hard link) are problems, never a second copy in the bundle."""
    try:
        entries = sorted(folder.iterdir(), key=lambda p: p.name)
    except OSError as exc:
        reader.problems.append(Problem(printable(reader.rel(folder)), None, "", f"cannot be read: {exc.strerror}"))
        return
    for entry in entries:
        rel = printable(reader.rel(entry))
        refused = name_problem(entry.name)
        if refused:
            reader.problems.append(Problem(rel, None, "", refused, "rename it"))
            continue
        try:
            info = entry.stat()
        except OSError as exc:
            looped = exc.errno == errno.ELOOP
            reason = "is a link that leads round in a loop" if looped else f"cannot be read: {exc.strerror}"
            reader.problems.append(Problem(rel, None, "", reason, "remove the link" if looped else ""))
            continue
        if entry.is_symlink() and not reader.inside(entry):
            reader.problems.append(
                Problem(
                    rel, None, "", "is a link that leads outside the case folder", "copy the file into the case folder"
                )
            )
            continue
        key = (info.st_dev, info.st_ino)
        if entry.is_dir():
            target = entry.resolve()
            if (
                key in walk.folders
                or target == walk.real
                or walk.real.is_relative_to(target)
                or (entry.is_symlink() and target.is_relative_to(walk.real))
            ):
                reader.problems.append(
                    Problem(
                        rel,
                        None,
                        "",
                        "is a link back to a folder of the case's documents (a loop, or a second way in): "
                        "every document is read once",
                        "remove the link",
                    )
                )
                continue
            walk.folders.add(key)
            if is_clutter(entry.name):
                walk.clutter.extend(p for p in entry.rglob("*") if p.is_file() and not p.is_symlink())
                continue
            _walk(entry, reader, walk, hidden or is_hidden(entry.name))
        elif entry.is_file():
            if key in walk.seen:
                reader.problems.append(
                    Problem(
                        rel,
                        None,
                        "",
                        f"is another name for {walk.seen[key]} (a link to the same file): the bundle would show it twice",
                        "keep one of them",
                    )
                )
                continue
            walk.seen[key] = rel
            if is_clutter(entry.name):
                walk.clutter.append(entry)
            elif hidden or is_hidden(entry.name):
                walk.hidden.append(entry)
            else:
                walk.files.append(entry)


def _read_hidden(walk: _Walk, reader: _Folder, raw: RawCase, limits: Limits) -> None:
    """Hidden files are not documents, but a document may use one (an image a Markdown
    letter shows, in documents/.assets/): each is read and hashed as an input, and
    reported. Clutter is hashed, listed as ignored, and reported."""
    groups: dict[str, list[str]] = {}
    for path in walk.hidden:
        reader.read_bytes(path, limits.max_attachment_bytes)
        parts = path.relative_to(walk.root).parts
        depth = next(i for i, part in enumerate(parts) if is_hidden(part))
        groups.setdefault(reader.rel(walk.root.joinpath(*parts[: depth + 1])), []).append(reader.rel(path))
    for top, members in groups.items():
        if members == [top]:
            message = (
                "is a hidden file (its name starts with '.'), so it is not a document of the bundle; "
                "it is recorded in the bundle's manifest, as a file a document may use"
            )
            hint = "rename it without the '.' if it should be a document"
        else:
            message = (
                f"is a hidden folder of {len(members)} file(s): they are not documents of the bundle, but a "
                "Markdown document may show an image from it, so each is recorded in the bundle's manifest"
            )
            hint = ""
        raw.notes.append(Problem(printable(top + ("/" if members != [top] else "")), None, "", message, hint))
    for path in walk.clutter:
        try:
            with path.open("rb") as fh:
                digest = hashlib.file_digest(fh, "sha256").hexdigest()
            raw.ignored.append(SourceFile(reader.rel(path), path.stat().st_size, digest))
        except OSError:
            continue
    if raw.ignored:
        names = sorted({Path(f.path).name for f in raw.ignored})
        raw.notes.append(
            Problem(
                DOCUMENTS_DIR,
                None,
                "",
                f"ignored {len(raw.ignored)} file(s) an operating system or program leaves behind "
                f"({', '.join(printable(n) for n in names[:5])}{', ...' if len(names) > 5 else ''}): "
                "never part of a case; the bundle's manifest lists them as ignored",
            )
        )


def _read_documents(folder: Path, reader: _Folder, raw: RawCase, limits: Limits) -> None:
    walk = _Walk(folder, folder.resolve())
    try:
        top = folder.stat()
        walk.folders.add((top.st_dev, top.st_ino))
    except OSError:
        pass
    _walk(folder, reader, walk)
    _read_hidden(walk, reader, raw, limits)
    paths = walk.files
    by_name = {(p.parent, p.name): p for p in paths}
    sidecars = {p for p in paths if p.suffix.lower() in SIDECAR_SUFFIXES}
    claimed: set[Path] = set()
    count = 0
    for path in paths:
        if path in sidecars:
            continue
        rel = reader.rel(path)
        suffix = path.suffix.lower()
        count += 1
        if count > limits.max_documents:
            raw.problems.append(Problem(DOCUMENTS_DIR, None, "", f"holds more than {limits.max_documents} documents"))
            return
        if suffix in MARKDOWN_SUFFIXES:
            raw.documents.append(_read_markdown(path, rel, reader, raw))
            continue
        kind = ATTACHMENT_KINDS.get(suffix)
        if kind is None:
            raw.problems.append(
                Problem(
                    rel,
                    None,
                    "",
                    f"is a kind of file the bundle cannot hold ('{path.suffix or 'no suffix'}')",
                    "add it as PDF, an office document (.docx, .doc, .odt, .rtf), an email (.eml, .msg), "
                    "an image (.png, .jpg, .tif, .gif, .webp, .heic) or Markdown",
                )
            )
            continue
        candidates = [
            c
            for c in (
                by_name.get((path.parent, path.name + ".yaml")),
                by_name.get((path.parent, path.name + ".yml")),
                by_name.get((path.parent, path.stem + ".yaml")),
                by_name.get((path.parent, path.stem + ".yml")),
            )
            if c is not None
        ]
        candidates = list(dict.fromkeys(candidates))
        if not candidates:
            raw.problems.append(
                Problem(
                    rel,
                    None,
                    "",
                    "has no sidecar: a document that is not Markdown needs a YAML file describing it",
                    f"add {path.name}.yaml with its type, title and date",
                )
            )
            continue
        if len(candidates) > 1:
            raw.problems.append(
                Problem(rel, None, "", "has more than one sidecar: " + ", ".join(reader.rel(c) for c in candidates))
            )
            continue
        sidecar = candidates[0]
        claimed.add(sidecar)
        data = reader.read_bytes(path, limits.max_attachment_bytes)
        if data is None:
            continue
        if kind == "msg":
            from .outlook import msg_problem

            problem = msg_problem(data, rel)
            if problem is not None:
                raw.problems.append(
                    Problem(
                        rel, None, "", f"cannot be opened: {problem}", "save the email from Outlook again, or as .eml"
                    )
                )
                continue
        if kind != "msg":
            from .deadline import TimeLimitError, time_limit
            from .inspect import inspect_bytes  # opens the file as the bundle would (no rendering)

            try:
                with time_limit(limits.max_seconds, rel, "opening it"):
                    shown = inspect_bytes(kind, data, rel, limits)
            except TimeLimitError as exc:
                shown = Problem(rel, None, "", str(exc).removeprefix(f"{rel}: "))
            if shown is not None:
                raw.problems.append(shown)
        text = reader.read_text(sidecar)
        meta = parse_yaml(text, reader.rel(sidecar), raw.problems) if text is not None else None
        raw.documents.append(RawDocument(path=rel, kind=kind, meta=meta))
    _same_content(raw, reader)
    for sidecar in sorted(sidecars - claimed):
        name = sidecar.name.rsplit(".", 1)[0]
        expected = name if Path(name).suffix else f"{name}.pdf (or .docx, .eml, .png, .jpg)"
        raw.problems.append(
            Problem(
                reader.rel(sidecar),
                None,
                "",
                f"is a sidecar without its file: {expected} is not in the folder",
                "add the document, or remove the sidecar",
            )
        )


def _same_content(raw: RawCase, reader: _Folder) -> None:
    """Two documents with the same bytes would put the same pages in the bundle twice."""
    digests = {f.path: f.sha256 for f in reader.files}
    first: dict[str, str] = {}
    for doc in raw.documents:
        digest = digests.get(doc.path)
        if digest is None:
            continue
        if digest in first:
            raw.problems.append(
                Problem(
                    doc.path,
                    None,
                    "",
                    f"has the same content as {first[digest]}: the bundle would show the same document twice",
                    "remove one of them",
                )
            )
        else:
            first[digest] = doc.path


def _read_markdown(path: Path, rel: str, reader: _Folder, raw: RawCase) -> RawDocument:
    text = reader.read_text(path)
    if text is None:
        return RawDocument(path=rel, kind="markdown", meta=None)
    split = split_front_matter(text)
    if split is None:
        raw.problems.append(
            Problem(
                rel,
                1,
                "front matter",
                "is missing: a Markdown document starts with '---', its type, title and date, then '---'",
            )
        )
        return RawDocument(path=rel, kind="markdown", meta=None, body=text)
    front, body, body_line = split
    meta = parse_yaml(front, rel, raw.problems, line_offset=1, field_prefix="front matter: ")
    return RawDocument(path=rel, kind="markdown", meta=meta, body=body, body_line=body_line)
