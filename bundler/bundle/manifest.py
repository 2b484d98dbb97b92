"""The bundle's manifest and ``bundler verify``.

Takes a built bundle (and, optionally, the case folder); gives what changed: pages whose
content no longer matches its digest, and input files changed since the build. The
manifest embedded at build time records every input file's sha256, each document's
page range, every page's content digest and the checklist result.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..case.validate import CaseFolder
from ..errors import BundleError


def case_json(case: CaseFolder) -> str:
    data = {
        "case": case.case.model_dump(mode="json", by_alias=True),
        "events": [e.model_dump(mode="json", by_alias=True) for e in case.events],
        "documents": [{"path": d.path, "kind": d.kind, "meta": d.meta.model_dump(mode="json")} for d in case.documents],
        "register": [r.model_dump(mode="json", exclude_none=True) for r in case.register],
    }
    return json.dumps(data, indent=1, sort_keys=True)


def set_document_id(writer: Any, case: CaseFolder, salt: bytes) -> None:
    """A fixed document ID derived from the inputs, so the same case gives the same bytes."""
    from pypdf.generic import ArrayObject, ByteStringObject

    digest = hashlib.md5(
        case.case.case_id.encode() + b"|" + "".join(f.sha256 for f in case.files).encode() + salt, usedforsecurity=False
    ).digest()
    writer._ID = ArrayObject([ByteStringObject(digest), ByteStringObject(digest)])


def verify_bundle(pdf_path: str | os.PathLike[str], case_folder: str | os.PathLike[str] | None = None) -> Verification:
    """Recompute what the manifest promises: page count, every page's content, and (with a
    case folder) every input file's hash."""
    path = Path(pdf_path)
    manifest, reader = read_manifest(path)
    messages: list[str] = []
    digests = manifest.get("page_sha256", [])
    if len(reader.pages) != manifest.get("pages"):
        messages.append(f"the bundle has {len(reader.pages)} pages; the manifest says {manifest.get('pages')}")
    altered = []
    for number, (page, expected) in enumerate(zip(reader.pages, digests), 1):
        try:
            actual = page_digest(page)
        except (ValueError, KeyError, OSError) as exc:  # a damaged stream no longer decodes
            actual = f"unreadable ({exc})"
        if actual != expected:
            altered.append(number)
    for number in altered:
        owner = next((d for d in manifest.get("documents", []) if d["first_page"] <= number <= d["last_page"]), None)
        where = (
            f" ({owner['label']}, {owner['title']}, pages {owner['first_page']}-{owner['last_page']})" if owner else ""
        )
        messages.append(f"page {number}{where} has been altered")
    if case_folder is not None:
        from ..case.load import load_case

        raw = load_case(case_folder)
        now = {f.path: f.sha256 for f in raw.files}
        then = {f["path"]: f["sha256"] for f in manifest.get("inputs", [])}
        for name in sorted(set(then) | set(now)):
            if name not in now:
                messages.append(f"{name}: in the bundle, no longer in the case folder")
            elif name not in then:
                messages.append(f"{name}: in the case folder, not in the bundle")
            elif now[name] != then[name]:
                messages.append(f"{name}: changed since the bundle was built")
    return Verification(not messages, messages, manifest)


def page_digest(page: Any) -> str:
    """sha256 of a page's decoded content stream(s): what a reader sees on the page."""
    contents = page.get_contents()
    data = contents.get_data() if contents is not None else b""
    return hashlib.sha256(data).hexdigest()


MANIFEST_NAME = "bundler-manifest.json"


CASE_DATA_NAME = "bundler-case.json"


def read_manifest(pdf_path: Path) -> tuple[dict[str, Any], Any]:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(str(pdf_path))
        attachments = reader.attachments
    except (PyPdfError, OSError, ValueError) as exc:
        raise BundleError(f"{pdf_path}: cannot be read as a PDF ({exc})") from None
    if MANIFEST_NAME not in attachments:
        raise BundleError(f"{pdf_path}: has no bundler manifest; it was not made by bundler build")
    try:
        manifest = json.loads(attachments[MANIFEST_NAME][0])
    except (ValueError, UnicodeDecodeError) as exc:
        raise BundleError(f"{pdf_path}: its manifest is damaged ({exc})") from None
    return manifest, reader


@dataclass
class Verification:
    ok: bool
    messages: list[str] = field(default_factory=list)
    manifest: dict[str, Any] = field(default_factory=dict)
