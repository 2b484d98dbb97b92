"""Dependency floors that admit no version with known unsafe behaviour, and a Word file
that tries to make the build fetch or embed something from outside itself.

Each floor names why (the version that fixed what older ones did); pyproject.toml must
never admit an older version, and what is installed must meet it.
"""

from __future__ import annotations

import http.server
import io
import re
import threading
import tomllib
import zipfile
from importlib.metadata import version
from pathlib import Path

import pikepdf
import pytest
from builder import CaseBuilder
from click.testing import CliRunner
from packaging.requirements import Requirement
from packaging.version import Version

from bundler.cli import main

ROOT = Path(__file__).resolve().parent.parent

#: package -> (the lowest safe version, why older ones are not)
SAFE = {
    "pillow": (
        "12.3.0",
        "12.3.0 patched a batch of advisories: heap out-of-bounds writes and decompression bombs in image decoders",
    ),
    "jinja2": ("3.1.6", "sandbox escapes through str.format and the attr filter (CVE-2024-56326, CVE-2025-27516)"),
    "weasyprint": ("68.1", "before 68.0 redirects bypassed the URL fetcher (CVE-2025-68616); 68.0 brought URLFetcher"),
    "pyyaml": ("6.0", "full_load could run code (CVE-2020-14343, fixed in 5.4); bundler only composes safely"),
    "markdown-it-py": ("3.0", "crashes on crafted input before 2.2 (CVE-2023-26302, CVE-2023-26303)"),
    "pydantic": ("2.6", "a regular-expression denial of service in email parsing before 2.4 (CVE-2024-3772)"),
    "defusedxml": ("0.7.1", "XML entity attacks in the CTF and Office readers"),
}


def _floors() -> dict[str, Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = [Requirement(r) for r in project["dependencies"]]
    return {r.name.lower(): r for r in requirements}


@pytest.mark.parametrize("package", sorted(SAFE))
def test_no_floor_admits_an_unsafe_version(package: str) -> None:
    lowest, why = SAFE[package]
    requirement = _floors()[package]
    admitted = [s for s in requirement.specifier if s.operator == ">="]
    assert admitted, f"{package} has no lower bound"
    assert Version(admitted[0].version) >= Version(lowest), f"{package}{requirement.specifier}: {why}"
    assert Version(version(package)) >= Version(lowest), f"the installed {package} is older than {lowest}: {why}"


# ----------------------------------------------------------------------- a Word file that reaches out


class _Counting(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self) -> None:  # the name http.server calls
        _Counting.requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()
        self.wfile.write(_png((255, 0, 0)))

    def log_message(self, *args: object) -> None:
        pass


def _png(colour: tuple[int, int, int]) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 40), colour).save(out, "PNG")
    return out.getvalue()


def _reaching_docx(secret: Path, url: str) -> bytes:
    """A Word file that says DOCXBODYTEXT and shows two pictures it does not hold: one
    linked from a file on this machine, one from a web address."""
    import docx

    document = docx.Document()
    document.add_paragraph("DOCXBODYTEXT")
    picture = io.BytesIO(_png((0, 0, 255)))
    document.add_picture(picture)
    picture.seek(0)
    document.add_picture(picture)
    buffer = io.BytesIO()
    document.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/document.xml":
                ids = re.findall(rb'r:embed="(rId\d+)"', data)
                data = data.replace(b'r:embed="%s"' % ids[0], b'r:link="rIdFile"')
                data = data.replace(b'r:embed="%s"' % ids[-1], b'r:link="rIdWeb"')
            if info.filename == "word/_rels/document.xml.rels":
                extra = (
                    f'<Relationship Id="rIdFile" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                    f'relationships/image" Target="{secret.as_uri()}" TargetMode="External"/>'
                    f'<Relationship Id="rIdWeb" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                    f'relationships/image" Target="{url}" TargetMode="External"/>'
                ).encode()
                data = data.replace(b"</Relationships>", extra + b"</Relationships>")
            target.writestr(info, data)
    return out.getvalue()


@pytest.mark.slow
def test_a_word_file_with_external_pictures_embeds_nothing_and_fetches_nothing(tmp_path: Path) -> None:
    server = http.server.HTTPServer(("127.0.0.1", 0), _Counting)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Counting.requests = []
    try:
        secret = tmp_path / "outside" / "secret.png"
        secret.parent.mkdir()
        secret.write_bytes(_png((0, 255, 0)))
        folder = CaseBuilder(tmp_path / "EX-TEST-001").write()
        url = f"http://127.0.0.1:{server.server_port}/pixel.png"
        (folder / "documents" / "letter.docx").write_bytes(_reaching_docx(secret, url))
        (folder / "documents" / "letter.docx.yaml").write_text("type: other\ntitle: Linked letter\ndate: 2025-01-06\n")
        out = tmp_path / "bundle.pdf"
        runner = CliRunner()
        checked = runner.invoke(main, ["validate", str(folder)])
        built = runner.invoke(main, ["build", str(folder), "-o", str(out)])
        assert checked.exception is None or isinstance(checked.exception, SystemExit)
        assert built.exception is None or isinstance(built.exception, SystemExit)
        if built.exit_code == 0:
            # shown without the pictures: no image on its pages, nothing attached
            with pikepdf.open(out) as pdf:
                assert sorted(pdf.attachments) == ["bundler-case.json", "bundler-manifest.json"]
                manifest = pdf.attachments["bundler-manifest.json"].get_file().read_bytes()
                import json

                doc = next(d for d in json.loads(manifest)["documents"] if d["key"] == "documents/letter.docx")
                for number in range(doc["first_page"], doc["last_page"] + 1):
                    xobjects = _images(pdf.pages[number - 1].obj)
                    assert xobjects == [], f"page {number} shows a picture the Word file does not hold"
        else:
            # or refused, naming the file
            assert "documents/letter.docx" in checked.output + built.output
        assert _Counting.requests == [], "the build fetched from the web"
    finally:
        server.shutdown()
        server.server_close()


def _images(obj: pikepdf.Object, seen: set | None = None) -> list:
    seen = set() if seen is None else seen
    found = []
    resources = obj.get("/Resources", pikepdf.Dictionary())
    for value in resources.get("/XObject", pikepdf.Dictionary()).values():
        if value.objgen in seen:
            continue
        seen.add(value.objgen)
        if value.get("/Subtype") == pikepdf.Name.Image:
            found.append(value)
        elif value.get("/Subtype") == pikepdf.Name.Form:
            found += _images(value, seen)
    return found
