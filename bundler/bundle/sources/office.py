"""Office documents (.docx, .doc, .odt, .rtf) to PDF with LibreOffice, as printed.

Takes a document's bytes; gives its PDF pages (letterhead, headers, footers, page
numbers, tables and images as the page shows them) and, when the document holds tracked
changes or comments, a page that says so and prints every comment in full.

Tracked changes are always printed as marked (inserted text underlined and coloured,
deleted text struck through, a bar beside each changed line), even when the document was
saved with its markup hidden. LibreOffice 7 cannot print comments in the margin, so it
marks each with a note on its page and the page after the document lists them.

Each conversion runs in a fresh LibreOffice profile in its own temporary folder, with
macros off, links never updated, no network (a network namespace where the system
allows one, and a dead proxy regardless) and a time limit. Results are cached by content
hash in the bundle's cache folder (``office/``), so a rebuild does not convert again.
"""

from __future__ import annotations

import functools
import hashlib
import html
import io
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import zipfile
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

from ...case.attachments import OfficeFile, SourceError, read_office
from ...case.load import Limits
from . import Piece

#: part of the cache key: change it when the conversion settings change
CONVERTER = "libreoffice-pdf-2"

_FILTER = json.dumps(
    {
        "ExportNotes": {"type": "boolean", "value": "true"},
        "ExportBookmarks": {"type": "boolean", "value": "true"},
        "UseLosslessCompression": {"type": "boolean", "value": "true"},
        "ExportFormFields": {"type": "boolean", "value": "false"},
        "ReduceImageResolution": {"type": "boolean", "value": "false"},
    },
    separators=(",", ":"),
)

_SETTINGS = {
    "/org.openoffice.Office.Common/Security/Scripting": {
        "MacroSecurityLevel": "3",
        "DisableMacrosExecution": "true",
        "BlockUntrustedRefererLinks": "true",
    },
    # links and fields as saved: never fetched or refreshed while converting
    "/org.openoffice.Office.Writer/Content/Update": {"Link": "2", "Field": "false", "Chart": "false"},
    "/org.openoffice.Office.Calc/Content/Update": {"Link": "2"},
    "/org.openoffice.Inet/Settings": {
        "ooInetProxyType": "2",
        "ooInetHTTPProxyName": "127.0.0.1",
        "ooInetHTTPProxyPort": "9",
        "ooInetHTTPSProxyName": "127.0.0.1",
        "ooInetHTTPSProxyPort": "9",
        "ooInetFTPProxyName": "127.0.0.1",
        "ooInetFTPProxyPort": "9",
        "ooInetNoProxy": "",
    },
    "/org.openoffice.Office.Recovery/AutoSave": {"Enabled": "false"},
    "/org.openoffice.Office.Recovery/RecoveryInfo": {"Enabled": "false"},
}


@dataclass
class Comment:
    page: int  # in the converted document, from 1
    author: str  # as LibreOffice prints it: the author, then the date
    text: str


@dataclass
class Converted:
    """An office document as PDF, with what its markup holds."""

    pdf: bytes
    format: str
    revisions: int
    comments: list[Comment] = field(default_factory=list)


def office_pieces(
    data: bytes, name: str, title: str, label: str, limits: Limits, cache_dir: Path | None
) -> list[Piece]:
    """The document's pages, then (when it has tracked changes or comments) the page
    that explains the markup and lists the comments."""
    converted = convert_office(data, label, limits, cache_dir)
    pieces = [Piece(title, pdf=converted.pdf)]
    if converted.revisions or converted.comments:
        pieces.append(Piece(f"Tracked changes and comments in {name}", html=markup_html(converted, name)))
    return pieces


def convert_office(data: bytes, label: str, limits: Limits, cache_dir: Path | None) -> Converted:
    """Convert (or take from the cache) one office document to PDF."""
    info = read_office(data, label, limits)
    key = hashlib.sha256(f"{CONVERTER}\0{soffice_version()}\0".encode() + data).hexdigest()
    recent = _RECENT.get(f"{key}:{limits.office_timeout_s}")
    if isinstance(recent, SourceError):
        raise SourceError(label, recent.reason, recent.hint)
    cached = recent or _from_cache(cache_dir, key)
    if cached is not None:
        return cached
    try:
        converted = _convert(data, info, label, limits)
    except SourceError as exc:
        _remember(f"{key}:{limits.office_timeout_s}", exc)
        raise
    _store(cache_dir, key, converted)
    _remember(f"{key}:{limits.office_timeout_s}", converted)
    return converted


#: this process's latest conversions (and failures), so that a document converted ahead
#: of time (``prefetch``) or twice in one case is converted once
_RECENT: OrderedDict[str, Converted | SourceError] = OrderedDict()
_RECENT_LOCK = threading.Lock()


def _remember(key: str, result: Converted | SourceError) -> None:
    with _RECENT_LOCK:
        _RECENT[key] = result
        while len(_RECENT) > 64:
            _RECENT.popitem(last=False)


def prefetch(documents: list[tuple[bytes, str]], limits: Limits, cache_dir: Path | None, workers: int) -> None:
    """Convert several office documents at once, each LibreOffice run in its own
    process, so that ``convert_office`` then finds them done; a failure is kept and
    raised, naming the document, when its part is made."""
    from concurrent.futures import ThreadPoolExecutor

    def one(item: tuple[bytes, str]) -> None:
        try:
            convert_office(item[0], item[1], limits, cache_dir)
        except SourceError:
            pass  # remembered; raised again in document order

    with ThreadPoolExecutor(max(1, workers)) as pool:
        list(pool.map(one, documents))


def _convert(data: bytes, info: OfficeFile, label: str, limits: Limits) -> Converted:
    with tempfile.TemporaryDirectory(prefix="bundler-office-") as tmp:
        work = Path(tmp)
        if info.format in ("doc", "rtf"):
            # through LibreOffice's own format first: its settings and markup can then be
            # read and the display of changes switched on, as for .odt
            odt = _soffice(data, info.format, "odt", work / "to-odt", label, limits)
            info = read_office(odt, label, limits)
            data = odt
        source = _show_changes(data, info)
        pdf = _soffice(source, info.format, f"pdf:writer_pdf_Export:{_FILTER}", work / "to-pdf", label, limits)
    return Converted(pdf, info.format, max(info.revisions, 0), comments_of(pdf, label))


@functools.cache
def soffice_path() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        raise SourceError(
            "LibreOffice",
            "is not installed (no soffice command), so office documents cannot be shown",
            "install LibreOffice Writer (Debian: apt-get install libreoffice-writer-nogui), or save the document as PDF",
        )
    return found


@functools.cache
def soffice_version() -> str:
    with tempfile.TemporaryDirectory(prefix="bundler-office-") as tmp:
        try:
            done = subprocess.run(
                [soffice_path(), f"-env:UserInstallation={Path(tmp).as_uri()}", "--version"],
                capture_output=True,
                timeout=60,
                check=False,
                env=_environment(Path(tmp)),
            )
        except (OSError, subprocess.TimeoutExpired):
            return "unknown"
    return done.stdout.decode("utf-8", "replace").strip() or "unknown"


@functools.cache
def _isolation() -> tuple[str, ...]:
    """The command prefix that takes the network away, where the system allows it."""
    unshare = shutil.which("unshare")
    if unshare is None:
        return ()
    for prefix in ((unshare, "--net"), (unshare, "--map-root-user", "--net")):
        try:
            if subprocess.run([*prefix, "true"], capture_output=True, timeout=10, check=False).returncode == 0:
                return prefix
        except (OSError, subprocess.TimeoutExpired):
            continue
    return ()


def _environment(home: Path) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "TMPDIR": str(home),
        "LANG": "C.UTF-8",
        "SAL_USE_VCLPLUGIN": "svp",
    }


def _profile(folder: Path) -> Path:
    """A fresh LibreOffice user profile with the locked-down settings."""
    user = folder / "profile" / "user"
    user.mkdir(parents=True)
    items = "".join(
        f'<item oor:path="{path}"><prop oor:name="{name}" oor:op="fuse"><value>{value}</value></prop></item>\n'
        for path, props in _SETTINGS.items()
        for name, value in props.items()
    )
    (user / "registrymodifications.xcu").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"'
        ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n' + items + "</oor:items>\n",
        encoding="utf-8",
    )
    return folder / "profile"


def _soffice(data: bytes, fmt: str, target: str, folder: Path, label: str, limits: Limits) -> bytes:
    """One LibreOffice run converting ``data`` to ``target``, in ``folder``."""
    folder.mkdir()
    profile = _profile(folder)
    source = folder / f"document.{fmt}"
    source.write_bytes(data)
    out = folder / "out"
    command = [
        *_isolation(),
        soffice_path(),
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--invisible",
        "--nologo",
        "--norestore",
        "--nolockcheck",
        "--nodefault",
        "--convert-to",
        target,
        "--outdir",
        str(out),
        str(source),
    ]
    timeout = limits.office_timeout_s
    process = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_environment(folder),
        cwd=folder,
        start_new_session=True,
    )
    try:
        _, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise SourceError(
            label,
            f"LibreOffice did not finish converting it within the time limit of {timeout:g} seconds",
            "if it is a genuinely long document, build again with a longer limit (--max-seconds SECONDS)",
        ) from None
    finally:
        _kill_leftovers(process)
    produced = out / f"document.{target.split(':', 1)[0]}"
    result = produced.read_bytes() if produced.is_file() else b""
    if not result or (target.startswith("pdf") and not result.startswith(b"%PDF-")):
        detail = err.decode("utf-8", "replace").strip().splitlines()
        lines = [line for line in detail if "javaldx" not in line]
        raise SourceError(
            label,
            "LibreOffice could not convert it (it may be damaged or password-protected)"
            + (f": {lines[-1]}" if lines else ""),
            "open it in Word, save it again (or save it as PDF) and add that",
        )
    return result


def _kill_leftovers(process: subprocess.Popen[bytes]) -> None:
    """LibreOffice may leave a helper behind in its session; end that session's processes."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


_REVISION_VIEW = re.compile(rb"<w:revisionView\b[^>]*/>|<w:revisionView\b[^>]*>.*?</w:revisionView>", re.S)
_ODF_SHOW = re.compile(rb'(config:name="ShowRedlineChanges" config:type="boolean">)false(<)')


def _show_changes(data: bytes, info: OfficeFile) -> bytes:
    """A copy of the document set to show its tracked changes (a document saved with its
    markup hidden would otherwise print as if every change had been accepted)."""
    part, pattern, replacement = {
        "docx": ("word/settings.xml", _REVISION_VIEW, b""),
        "odt": ("settings.xml", _ODF_SHOW, rb"\1true\2"),
    }[info.format]
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        if part not in source.namelist():
            return data
        original = source.read(part)
        changed = pattern.sub(replacement, original)
        if changed == original:
            return data
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as copy:
            for item in source.infolist():
                body = changed if item.filename == part else source.read(item)
                method = zipfile.ZIP_STORED if item.filename == "mimetype" else zipfile.ZIP_DEFLATED
                copy.writestr(item.filename, body, compress_type=method)
    return buffer.getvalue()


def comments_of(pdf: bytes, label: str) -> list[Comment]:
    """The comments LibreOffice exported as PDF notes, page by page."""
    import pikepdf

    found = []
    try:
        with pikepdf.open(io.BytesIO(pdf)) as doc:
            for number, page in enumerate(doc.pages, 1):
                for annot in page.obj.get("/Annots", pikepdf.Array()):
                    if not isinstance(annot, pikepdf.Dictionary) or annot.get("/Subtype") != pikepdf.Name.Text:
                        continue
                    author = str(annot.get("/T", "")).strip().rstrip(",").strip()
                    author = f"(no name){author}" if author.startswith(",") or not author else author
                    found.append(Comment(number, author, str(annot.get("/Contents", ""))))
    except (pikepdf.PdfError, ValueError, KeyError, TypeError) as exc:
        raise SourceError(label, f"the converted PDF cannot be read ({exc})") from None
    return found


def markup_html(converted: Converted, name: str) -> str:
    """The page that follows a document with tracked changes or comments."""
    esc = html.escape
    said = []
    if converted.revisions:
        said.append(f"{converted.revisions} tracked change{'s' if converted.revisions != 1 else ''}")
    if converted.comments:
        said.append(f"{len(converted.comments)} comment{'s' if len(converted.comments) != 1 else ''}")
    out = [f"<p><strong>{esc(name)}</strong> holds {' and '.join(said)}, shown as the document shows them.</p>"]
    if converted.revisions:
        out.append(
            "<p>On the document's pages, inserted text is underlined and coloured, deleted text is struck "
            "through, and a bar in the margin marks each changed line. Nothing has been accepted or rejected.</p>"
        )
    if converted.comments:
        out.append(
            "<p>Each comment is marked on its page by a note symbol where it was made, and is printed in full here.</p>"
        )
        rows = "".join(
            f"<tr><td>{i}</td><td>{c.page}</td><td>{esc(c.author)}</td><td>{esc(c.text)}</td></tr>"
            for i, c in enumerate(converted.comments, 1)
        )
        out.append(
            '<table class="markup-comments"><thead><tr><th>No.</th><th>Page</th><th>By</th><th>Comment</th>'
            f"</tr></thead><tbody>{rows}</tbody></table>"
        )
    return "\n".join(out)


def _cache_paths(cache_dir: Path, key: str) -> tuple[Path, Path]:
    folder = cache_dir / "office" / key[:2]
    return folder / f"{key}.pdf", folder / f"{key}.json"


def _from_cache(cache_dir: Path | None, key: str) -> Converted | None:
    if cache_dir is None:
        return None
    pdf_path, info_path = _cache_paths(cache_dir, key)
    try:
        info = json.loads(info_path.read_text(encoding="utf-8"))
        pdf = pdf_path.read_bytes()
        if hashlib.sha256(pdf).hexdigest() != info["sha256"]:
            return None
        return Converted(pdf, info["format"], info["revisions"], [Comment(*c) for c in info["comments"]])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _store(cache_dir: Path | None, key: str, converted: Converted) -> None:
    if cache_dir is None:
        return
    from ...output import atomic_write_bytes, atomic_write_text

    pdf_path, info_path = _cache_paths(cache_dir, key)
    atomic_write_bytes(pdf_path, converted.pdf)
    info = {
        "format": converted.format,
        "revisions": converted.revisions,
        "comments": [[c.page, c.author, c.text] for c in converted.comments],
        "sha256": hashlib.sha256(converted.pdf).hexdigest(),
    }
    atomic_write_text(info_path, json.dumps(info))
