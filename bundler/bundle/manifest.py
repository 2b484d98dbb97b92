"""The bundle's manifest, and ``bundler verify``: is this the bundle bundler built?

Takes a built bundle (and, optionally, the case folder it was built from); gives a
``Verification`` naming everything that no longer matches. The manifest embedded at
build time records every input file's sha256, each document's pages, a digest of what
each page shows (content, resources, boxes, rotation, annotations and link targets:
``digest``) and a digest of the rest of the document (outline, names, actions, form,
information). ``verify``:

* recomputes every digest from the bundle as bundler wrote it (its first revision) and
  names each page or part that differs; a manifest that is missing, damaged or
  incomplete is a failure, never a pass;
* reports every incremental update saved after the build, naming the pages and parts
  it changed; the only update allowed is a signature that covers the whole file;
* checks the signatures (``sign``): who signed, when, and whether anything changed since;
* with the case folder, compares every input file, and rebuilds the bundle from the
  case to compare every page: so even a manifest forged along with the pages is found.
  Without a signature, that is the only way to detect a forged manifest, and verify
  says so.
"""

from __future__ import annotations

import io
import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pikepdf

from ..case.validate import CaseFolder
from ..errors import BundleError

__all__ = ["MANIFEST_NAME", "CASE_DATA_NAME", "Verification", "case_json", "verify_bundle", "revisions"]

MANIFEST_NAME = "bundler-manifest.json"
CASE_DATA_NAME = "bundler-case.json"
_OWN_FILES = frozenset({MANIFEST_NAME, CASE_DATA_NAME})
_HEX = re.compile(r"[0-9a-f]{64}\Z")


def case_json(case: CaseFolder) -> str:
    """The case data the bundle carries (what it was built from), as JSON."""
    data = {
        "case": case.case.model_dump(mode="json", by_alias=True),
        "events": [e.model_dump(mode="json", by_alias=True) for e in case.events],
        "documents": [{"path": d.path, "kind": d.kind, "meta": d.meta.model_dump(mode="json")} for d in case.documents],
        "register": [r.model_dump(mode="json", exclude_none=True) for r in case.register],
    }
    return json.dumps(data, indent=1, sort_keys=True)


@dataclass
class Verification:
    """What ``bundler verify`` found."""

    ok: bool
    messages: list[str] = field(default_factory=list)  # what no longer matches
    manifest: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # what the reader should know
    signatures: list[Any] = field(default_factory=list)
    compared_with_case: bool = False


def revisions(data: bytes) -> list[int]:
    """Where each revision of a PDF file ends (after its ``%%EOF``): more than one means
    changes were saved after the first."""
    ends = [match.end() for match in re.finditer(rb"startxref\s+\d+\s+%%EOF[ \t]*(?:\r\n|\r|\n)?", data)]
    return ends or [len(data)]


def _open(data: bytes, label: str) -> pikepdf.Pdf:
    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError:
        raise _Refusal(
            f"{label} is encrypted with a password; bundler never encrypts a bundle, so it was changed after it was built"
        ) from None
    except (pikepdf.PdfError, ValueError, OSError) as exc:
        raise BundleError(f"{label}: cannot be read as a PDF ({_reason(exc)})") from None
    if pdf.is_encrypted:
        pdf.close()
        raise _Refusal(
            f"{label} is encrypted (it opens without a password, but bundler never encrypts a bundle): "
            "it was saved again after it was built"
        )
    return pdf


def _reason(exc: Exception) -> str:
    """qpdf's message without the name of the in-memory stream it read."""
    text = re.sub(r"^(stream )?<_io\.BytesIO object at 0x[0-9a-f]+>:?\s*", "", str(exc).strip())
    return text[:160] or type(exc).__name__


class _Refusal(Exception):
    """The file is a PDF but not a bundle verify can vouch for (a failure, exit 1)."""


def _read_manifest(pdf: pikepdf.Pdf, label: str) -> dict[str, Any]:
    try:
        spec = pdf.attachments.get(MANIFEST_NAME)
    except (pikepdf.PdfError, TypeError, ValueError):
        spec = None
    if spec is None:
        raise _Refusal(
            f"{label} has no bundler manifest: it was not made by bundler build, or the manifest was removed"
        )
    try:
        manifest = json.loads(spec.get_file().read_bytes())
    except (ValueError, UnicodeDecodeError, pikepdf.PdfError, AttributeError) as exc:
        raise _Refusal(f"the manifest of {label} is damaged ({exc})") from None
    problems = _manifest_problems(manifest)
    if problems:
        raise _Refusal(f"the manifest of {label} is incomplete or malformed: {'; '.join(problems)}")
    return dict(manifest)


def _manifest_problems(manifest: Any) -> list[str]:
    if not isinstance(manifest, dict):
        return ["it is not a JSON object"]
    problems = []
    pages = manifest.get("pages")
    digests = manifest.get("page_sha256")
    if not isinstance(pages, int) or pages < 1:
        problems.append("it gives no page count")
    if not isinstance(digests, list) or not all(isinstance(d, str) and _HEX.match(d) for d in digests):
        problems.append("its page digests are missing or not digests")
    elif isinstance(pages, int) and len(digests) != pages:
        problems.append(f"it has {len(digests)} page digests for {pages} pages")
    if not isinstance(manifest.get("document_sha256"), str) or not _HEX.match(manifest["document_sha256"]):
        problems.append("its document digest is missing")
    if not isinstance(manifest.get("inputs"), list) or not isinstance(manifest.get("documents"), list):
        problems.append("its list of inputs or documents is missing")
    return problems


def _where(manifest: dict[str, Any], number: int) -> str:
    for d in manifest.get("documents", []):
        if (
            isinstance(d, dict)
            and isinstance(d.get("first_page"), int)
            and d["first_page"] <= number <= d.get("last_page", 0)
        ):
            return f" ({d.get('tab', '')} {d.get('title', '')}, pages {d['first_page']}-{d['last_page']})"
    return ""


def _compare(pdf: pikepdf.Pdf, digests: list[str], document: str, manifest: dict[str, Any], what: str) -> list[str]:
    """What in ``pdf`` differs from the given digests, page by page."""
    from .digest import Digester

    digester = Digester(pdf, _OWN_FILES)
    messages = []
    if len(pdf.pages) != len(digests):
        messages.append(f"{what} has {len(pdf.pages)} pages; the bundle as built has {len(digests)}")
    for number in range(1, min(len(pdf.pages), len(digests)) + 1):
        if digester.page(number - 1) != digests[number - 1]:
            messages.append(f"page {number}{_where(manifest, number)} {what} differs from the bundle as built")
    if digester.document() != document:
        messages.append(
            f"outside its pages, {what} differs from the bundle as built (outline, links, actions, scripts, "
            "embedded files, form or document information)"
        )
    return messages


def verify_bundle(pdf_path: str | os.PathLike[str], case_folder: str | os.PathLike[str] | None = None) -> Verification:
    """Check a bundle is the one bundler built (see the module docstring)."""
    path = Path(pdf_path)
    label = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BundleError(f"{path}: cannot be read ({exc.strerror})") from None
    ends = revisions(data)
    try:
        base = _open(data[: ends[0]], label)
        manifest = _read_manifest(base, label)
    except _Refusal as exc:
        return Verification(False, [str(exc)])
    result = Verification(True, manifest=manifest)
    result.messages += _compare(base, manifest["page_sha256"], manifest["document_sha256"], manifest, "as saved")
    _check_chain(base, manifest, result)
    _later_revisions(data, ends, base, manifest, label, result)
    if case_folder is not None:
        _against_case(Path(case_folder), base, manifest, result)
    elif not result.signatures:
        result.notes.append(
            "This bundle is not signed, so its manifest could have been rewritten along with its pages: "
            f"only the case folder can show that it was not (bundler verify {path} CASE_FOLDER)."
        )
    result.ok = not result.messages
    return result


def _check_chain(pdf: pikepdf.Pdf, manifest: dict[str, Any], result: Verification) -> None:
    """A supplementary bundle: the served bundle's pages, then each supplement's, each as
    its link of the manifest's chain recorded them (``supplement``)."""
    chain = manifest.get("chain")
    if chain is None:
        return
    links = chain if isinstance(chain, list) else []
    recorded: list[Any] = []
    for link in links:
        digests = link.get("page_sha256") if isinstance(link, dict) else None
        if not isinstance(digests, list) or not isinstance(link.get("first_page"), int):
            result.messages.append("the manifest's chain of served bundle and supplements is damaged")
            return
        recorded += digests
    if not links or recorded != manifest["page_sha256"]:
        result.messages.append(
            "the manifest's record of the served bundle and its supplements does not match its own page digests"
        )
        return
    from .digest import Digester

    digester = Digester(pdf, _OWN_FILES)
    for link in links:
        first = link["first_page"]
        name = (
            f"supplement {link.get('number')} of {link.get('date')}"
            if link.get("kind") == "supplement"
            else "the bundle as served"
        )
        changed = [
            first + i
            for i, digest in enumerate(link["page_sha256"])
            if first + i <= len(pdf.pages) and digester.page(first + i - 1) != digest
        ]
        last = first + len(link["page_sha256"]) - 1
        if changed:
            result.messages.append(
                f"{name} (pages {first}-{last}) has changed: page(s) {', '.join(map(str, changed))} differ from "
                "what was served"
            )
        else:
            result.notes.append(f"{name}: pages {first}-{last} intact")


def _later_revisions(
    data: bytes, ends: list[int], base: pikepdf.Pdf, manifest: dict[str, Any], label: str, result: Verification
) -> None:
    """Changes saved after the build, and the signatures."""
    from .sign import signatures

    found = signatures(data)
    result.signatures = found
    for sig in found:
        if not sig.intact:
            result.messages.append(
                f"the signature of {sig.signer} no longer matches the file: it was changed after signing"
            )
        elif not sig.whole_file:
            result.messages.append(
                f"the file was changed after {sig.signer} signed it (an update was saved after the signature)"
            )
    if len(ends) == 1:
        return
    signed_up_to = max((sig.covers for sig in found if sig.intact), default=0)
    unaccounted = [i + 1 for i, end in enumerate(ends[1:], 1) if end > signed_up_to or not found]
    if not unaccounted:
        return
    current = _open(data, label)
    from .digest import Digester

    before, after = Digester(base, _OWN_FILES), Digester(current, _OWN_FILES)
    changed = [
        n for n in range(1, min(len(base.pages), len(current.pages)) + 1) if before.page(n - 1) != after.page(n - 1)
    ]
    parts = [f"page {n}{_where(manifest, n)}" for n in changed]
    if len(current.pages) != len(base.pages):
        parts.append(f"the number of pages ({len(base.pages)} to {len(current.pages)})")
    if before.document() != after.document():
        parts.append("the document outside its pages (outline, links, actions, scripts, embedded files or form)")
    what = "; ".join(parts) or "no page, but objects of the file"
    result.messages.append(
        f"{len(unaccounted)} update(s) were saved into the file after it was built (revision "
        f"{', '.join(str(r + 1) for r in unaccounted)}), changing {what}"
    )


def _against_case(folder: Path, base: pikepdf.Pdf, manifest: dict[str, Any], result: Verification) -> None:
    """Every input file, then every page against a fresh build from the case."""
    from .. import __version__
    from ..case.load import load_case

    raw = load_case(folder)
    now = {f.path: f.sha256 for f in raw.files}
    then = {f.get("path"): f.get("sha256") for f in manifest.get("inputs", []) if isinstance(f, dict)}
    changes = []
    for name in sorted(set(then) | set(now), key=str):
        if name not in now:
            changes.append(f"{name}: in the bundle, no longer in the case folder")
        elif name not in then:
            changes.append(f"{name}: in the case folder, not in the bundle")
        elif now[name] != then[name]:
            changes.append(f"{name}: changed since the bundle was built")
    result.messages += changes
    if changes:
        return
    if manifest.get("chain"):
        result.notes.append(
            "a supplementary bundle holds the served bundle's pages, which the case folder alone cannot rebuild: "
            "its input files were compared, and its pages checked against the chain above"
        )
        return
    if manifest.get("tool") != f"bundler {__version__}":
        result.notes.append(
            f"built by {manifest.get('tool')}; this is bundler {__version__}: the pages cannot be rebuilt to compare, only the input files"
        )
        return
    from .build import build_bundle
    from .court import rebuild_options
    from .ocr import tesseract_version

    found = manifest.get("options")
    options: dict[str, Any] = found if isinstance(found, dict) else {}
    read = bool(options.get("ocr"))
    if read and options.get("tesseract") != tesseract_version():
        result.notes.append(
            f"its scans were read by {options.get('tesseract')}; this machine has {tesseract_version() or 'no Tesseract'}: "
            "the input files were compared, the pages cannot be rebuilt to compare"
        )
        return
    profile = manifest.get("check", {}).get("profile") if isinstance(manifest.get("check"), dict) else None
    with tempfile.TemporaryDirectory(prefix="bundler-verify-") as tmp:
        rebuilt = Path(tmp) / "rebuilt.pdf"
        build_bundle(
            folder, rebuilt, draft=bool(manifest.get("draft")), profile=profile, ocr=read, **rebuild_options(manifest)
        )
        with pikepdf.open(rebuilt) as fresh:
            from .digest import Digester

            digester = Digester(fresh, _OWN_FILES)
            digests = [digester.page(i) for i in range(len(fresh.pages))]
            messages = _compare(base, digests, digester.document(), manifest, "this bundle")
    if messages:
        result.messages.append("the bundle does not match what its case folder builds:")
        result.messages += [f"  {m}" for m in messages]
    result.compared_with_case = True
