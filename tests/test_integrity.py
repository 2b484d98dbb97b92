"""bundler verify against a bundle altered the eighteen ways a reviewer tried, and signed
bundles: what an LA, a court or a defence solicitor relies on to trust the bundle."""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner
from pikepdf import Array, Dictionary, Name

from bundler.bundle import build_bundle, verify_bundle
from bundler.bundle.digest import Digester
from bundler.bundle.manifest import MANIFEST_NAME
from bundler.bundle.sign import sign_bundle
from bundler.cli import main

pytestmark = pytest.mark.slow

SAMPLE = Path(__file__).resolve().parent.parent / "sample_cases" / "EX-2025-001"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("integrity") / "EX-2025-001.pdf"
    build_bundle(SAMPLE, out)
    return out


@pytest.fixture(scope="module")
def manifest(built: Path) -> dict:
    with pikepdf.open(built) as pdf:
        return json.loads(pdf.attachments[MANIFEST_NAME].get_file().read_bytes())


def _doc(manifest: dict, key_part: str) -> dict:
    return next(d for d in manifest["documents"] if key_part in d["key"])


def _images(obj: pikepdf.Object, seen: set | None = None) -> list[pikepdf.Stream]:
    """Every image XObject a page (or form) draws, through nested forms."""
    seen = set() if seen is None else seen
    found = []
    xobjects = obj.get("/Resources", Dictionary()).get("/XObject", Dictionary())
    for value in xobjects.values():
        if value.objgen in seen:
            continue
        seen.add(value.objgen)
        if value.get("/Subtype") == Name.Image:
            found.append(value)
        elif value.get("/Subtype") == Name.Form:
            found += _images(value, seen)
    return found


def _fonts(obj: pikepdf.Object) -> list[tuple[Dictionary, str]]:
    """(font resource dictionary, name) pairs used by a page and its forms."""
    found = []
    resources = obj.get("/Resources", Dictionary())
    for name in resources.get("/Font", Dictionary()).keys():
        found.append((resources.Font, name))
    for value in resources.get("/XObject", Dictionary()).values():
        if value.get("/Subtype") == Name.Form:
            found += _fonts(value)
    return found


# ----------------------------------------------------------------- the eighteen alterations
# each takes the opened bundle and its manifest, changes it, and says which bundle page
# (1-based) verify must name, or 0 for "outside its pages", or None when the count changes


def annotation_over_cover(pdf, m):
    annot = pdf.make_indirect(
        Dictionary(
            Type=Name.Annot,
            Subtype=Name.FreeText,
            Rect=Array([100, 500, 500, 560]),
            Contents=pikepdf.String("CASE WITHDRAWN"),
            DA=pikepdf.String("/Helv 24 Tf 1 0 0 rg"),
        )
    )
    page = pdf.pages[0].obj
    page.Annots = Array([*page.get("/Annots", Array()), annot])
    return 1


def image_replaced_by_blank(pdf, m):
    page = _doc(m, "hand-delivery-log")["first_page"]
    image = _images(pdf.pages[page - 1].obj)[0]
    width, height = int(image.Width), int(image.Height)
    image.write(b"\xff" * (width * height), filter=None)
    image.ColorSpace = Name.DeviceGray
    image.BitsPerComponent = 8
    for key in ("/SMask", "/DecodeParms", "/Decode"):
        if key in image:
            del image[key]
    return page


def half_cropped_away(pdf, m):
    page = pdf.pages[9]
    x0, y0, x1, y1 = (float(v) for v in page.mediabox)
    page.obj.CropBox = Array([x0, y0, x1, (y0 + y1) / 2])
    return 10


def page_rotated(pdf, m):
    pdf.pages[12].obj.Rotate = 180
    return 13


def font_swapped(pdf, m):
    fonts, name = _fonts(pdf.pages[3].obj)[0]
    fonts[name] = pdf.make_indirect(Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name("/Courier")))
    return 4


def index_links_retargeted(pdf, m):
    index = _doc(m, "index")
    last = pdf.pages[len(pdf.pages) - 1].obj
    for number in range(index["first_page"], index["last_page"] + 1):
        for annot in pdf.pages[number - 1].obj.get("/Annots", Array()):
            if annot.get("/Subtype") == Name.Link and "/A" in annot:
                annot.A.D = Array([last, Name.Fit])
    return index["first_page"]


def javascript_added(pdf, m):
    action = pdf.make_indirect(Dictionary(S=Name.JavaScript, JS=pikepdf.String("app.alert('hello');")))
    names = pdf.Root.get("/Names")
    if names is None:
        pdf.Root.Names = names = Dictionary()
    names.JavaScript = Dictionary(Names=Array([pikepdf.String("added"), action]))
    return 0


def digest_list_emptied(pdf, m):
    forged = dict(m, page_sha256=[])
    pdf.attachments[MANIFEST_NAME] = pikepdf.AttachedFileSpec(
        pdf, json.dumps(forged).encode(), mime_type="application/json"
    )
    return "manifest"


def page_stream_edited(pdf, m):
    page = _doc(m, "2024-10-01-meeting")["first_page"]
    form = next(iter(pdf.pages[page - 1].obj.Resources.XObject.values()))
    form.write(form.read_bytes() + b"\n0 0 m 100 100 l S\n")
    return page


def pages_swapped(pdf, m):
    page = pdf.pages.p(22)
    del pdf.pages[21]
    pdf.pages.insert(20, page)
    return 21


def page_deleted(pdf, m):
    del pdf.pages[30]
    return None


def page_added(pdf, m):
    pdf.pages.insert(30, pdf.pages[29])
    return None


def outline_retitled(pdf, m):
    first = pdf.Root.Outlines.First
    first.Title = pikepdf.String("Case withdrawn by the school")
    return 0


def file_embedded(pdf, m):
    pdf.attachments["evil.exe"] = pikepdf.AttachedFileSpec(
        pdf, b"MZ\x90\x00not really", mime_type="application/octet-stream"
    )
    return 0


def form_field_added(pdf, m):
    widget = pdf.make_indirect(
        Dictionary(
            Type=Name.Annot,
            Subtype=Name.Widget,
            FT=Name.Tx,
            T=pikepdf.String("note"),
            V=pikepdf.String("withdrawn"),
            Rect=Array([50, 50, 300, 80]),
            P=pdf.pages[0].obj,
        )
    )
    pdf.Root.AcroForm = Dictionary(Fields=Array([widget]))
    page = pdf.pages[0].obj
    page.Annots = Array([*page.get("/Annots", Array()), widget])
    return 1


def information_changed(pdf, m):
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["dc:title"] = "Referral withdrawn"
    pdf.docinfo["/Title"] = "Referral withdrawn"
    return 0


ALTERATIONS: list[Callable] = [
    annotation_over_cover,
    image_replaced_by_blank,
    half_cropped_away,
    page_rotated,
    font_swapped,
    index_links_retargeted,
    javascript_added,
    digest_list_emptied,
    page_stream_edited,
    pages_swapped,
    page_deleted,
    page_added,
    outline_retitled,
    file_embedded,
    form_field_added,
    information_changed,
]


@pytest.mark.parametrize("alter", ALTERATIONS, ids=lambda f: f.__name__)
def test_each_alteration_is_detected_and_named(alter, built: Path, manifest: dict, tmp_path: Path) -> None:
    altered = tmp_path / "altered.pdf"
    with pikepdf.open(built) as pdf:
        where = alter(pdf, manifest)
        pdf.save(altered)
    result = verify_bundle(altered)
    assert not result.ok, f"{alter.__name__} went unnoticed"
    text = " | ".join(result.messages)
    if where == "manifest":
        assert "manifest" in text and "page digests" in text, text
    elif where == 0:
        assert "outside its pages" in text, text
    elif where is None:
        assert f"has {manifest['pages'] + (1 if alter is page_added else -1)} pages" in text, text
    else:
        assert f"page {where} " in text, text
    cli = CliRunner().invoke(main, ["verify", str(altered)])
    assert cli.exit_code == 1 and "ALTERED" in cli.output


def test_pages_swapped_names_both(built: Path, tmp_path: Path) -> None:
    altered = tmp_path / "swapped.pdf"
    with pikepdf.open(built) as pdf:
        pages_swapped(pdf, {})
        pdf.save(altered)
    text = " | ".join(verify_bundle(altered).messages)
    assert "page 21 " in text and "page 22 " in text


def test_a_forged_manifest_is_found_against_the_case_folder(built: Path, manifest: dict, tmp_path: Path) -> None:
    """Alteration 17: pages changed and the manifest's digests recomputed to match."""
    altered = tmp_path / "forged.pdf"
    with pikepdf.open(built) as pdf:
        page = page_stream_edited(pdf, manifest)
        digester = Digester(pdf, frozenset({MANIFEST_NAME, "bundler-case.json"}))
        forged = dict(
            manifest,
            page_sha256=[digester.page(i) for i in range(len(pdf.pages))],
            document_sha256=digester.document(),
        )
        pdf.attachments[MANIFEST_NAME] = pikepdf.AttachedFileSpec(
            pdf, json.dumps(forged).encode(), mime_type="application/json"
        )
        pdf.save(altered)
    alone = verify_bundle(altered)
    # on its own an unsigned bundle cannot show a forgery, and verify says so plainly
    assert any("not signed" in n and "CASE_FOLDER" in n for n in alone.notes), alone.notes
    against = verify_bundle(altered, SAMPLE)
    assert not against.ok
    assert any(f"page {page} " in m for m in against.messages), against.messages


def test_an_update_saved_after_the_build_is_reported_naming_the_page(built: Path, tmp_path: Path) -> None:
    """Alteration 18: an incremental update (what a PDF editor's "save" appends)."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(built.read_bytes()))
    page_ref = writer.root["/Pages"]["/Kids"][0]
    page = page_ref.get_object()
    page["/Rotate"] = generic.NumberObject(90)
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    altered = tmp_path / "updated.pdf"
    altered.write_bytes(out.getvalue())
    result = verify_bundle(altered)
    assert not result.ok
    text = " | ".join(result.messages)
    assert "update(s) were saved into the file after it was built" in text and "page 1" in text, text


# ------------------------------------------------------------- files that are not bundles


def test_truncated_encrypted_and_manifestless_files_fail_with_a_message(built: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    truncated = tmp_path / "truncated.pdf"
    truncated.write_bytes(built.read_bytes()[: built.stat().st_size // 3])
    encrypted = tmp_path / "opens.pdf"
    with pikepdf.open(built) as pdf:
        pdf.save(encrypted, encryption=pikepdf.Encryption(owner="owner", user="", R=6))
    locked = tmp_path / "needs-password.pdf"
    with pikepdf.open(built) as pdf:
        pdf.save(locked, encryption=pikepdf.Encryption(owner="owner", user="secret", R=6))
    bare = tmp_path / "bare.pdf"
    with pikepdf.open(built) as pdf:
        del pdf.attachments[MANIFEST_NAME]
        pdf.save(bare)
    expected = {
        truncated: ("cannot be read as a PDF (",),
        encrypted: ("is encrypted (it opens without a password",),
        locked: ("is encrypted with a password",),
        bare: ("has no bundler manifest",),
    }
    for path, words in expected.items():
        result = runner.invoke(main, ["verify", str(path)])
        assert result.exit_code in (1, 2), (path.name, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit), (path.name, result.output)
        output = result.output + (result.stderr if result.stderr_bytes else "")
        assert words[0] in output and "BytesIO" not in output, (path.name, output)


def test_a_malformed_manifest_is_a_failure_not_a_crash(built: Path, tmp_path: Path) -> None:
    for content in (
        b"{not json",
        b"[]",
        b'{"pages": "many"}',
        json.dumps({"pages": 46, "page_sha256": ["x"]}).encode(),
    ):
        bad = tmp_path / "bad.pdf"
        with pikepdf.open(built) as pdf:
            pdf.attachments[MANIFEST_NAME] = pikepdf.AttachedFileSpec(pdf, content, mime_type="application/json")
            pdf.save(bad)
        result = verify_bundle(bad)
        assert not result.ok and "manifest" in result.messages[0], (content, result.messages)


# ------------------------------------------------------------------------- signed bundles


def _throwaway_key(path: Path, password: bytes) -> None:
    """A self-signed certificate and key made now, for this test only (none is committed)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, "A. Sample Officer"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Example LA 999"),
        ]
    )
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True)
        .sign(key, hashes.SHA256())
    )
    path.with_suffix(".pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"officer", key, cert, None, serialization.BestAvailableEncryption(password)
        )
    )


@pytest.fixture(scope="module")
def signed(built: Path, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("signed")
    key = folder / "officer.p12"
    _throwaway_key(key, b"correct horse")
    out = folder / "signed.pdf"
    shutil.copy(built, out)
    sign_bundle(out, key, b"correct horse")
    return out


def test_a_signed_bundle_verifies_and_says_who_signed(signed: Path) -> None:
    result = verify_bundle(signed, SAMPLE)
    assert result.ok, result.messages
    [signature] = result.signatures
    assert "A. Sample Officer" in signature.signer and signature.intact and signature.whole_file
    assert not signature.trusted  # self-signed: verify says so rather than vouching for it
    assert signature.signed_at[:10] == dt.date.today().isoformat()
    cli = CliRunner().invoke(main, ["verify", str(signed)])
    assert cli.exit_code == 0, cli.output
    assert "signature by" in cli.output and "A. Sample Officer" in cli.output and "not trusted" in cli.output
    assert "intact" in cli.output.splitlines()[-1]


def test_a_signature_is_trusted_when_its_authority_is_named(signed: Path, monkeypatch) -> None:
    monkeypatch.setenv("BUNDLER_TRUST_ROOTS", str(signed.parent / "officer.pem"))
    [signature] = verify_bundle(signed).signatures
    assert signature.trusted and signature.intact


def test_a_signed_bundle_fails_after_one_byte_changes(signed: Path, tmp_path: Path) -> None:
    data = bytearray(signed.read_bytes())
    # the binary comment on the file's second line: inside the signed bytes, and harmless
    # to every PDF reader, so only the signature can notice it
    at = data.index(b"\n") + 2
    data[at] ^= 0x01
    changed = tmp_path / "changed.pdf"
    changed.write_bytes(bytes(data))
    result = verify_bundle(changed)
    assert not result.ok
    assert any("signature of" in m and "changed after signing" in m for m in result.messages), result.messages


def test_build_signs_from_the_command_line_and_refuses_a_wrong_password(tmp_path: Path, monkeypatch) -> None:
    from builder import CaseBuilder

    folder = CaseBuilder(tmp_path / "EX-TEST-001").write()
    key = tmp_path / "officer.p12"
    _throwaway_key(key, b"pass phrase")
    runner = CliRunner()
    out = tmp_path / "out" / "signed.pdf"
    monkeypatch.setenv("BUNDLER_SIGN_PASSWORD", "wrong")
    refused = runner.invoke(main, ["build", str(folder), "-o", str(out), "--sign", str(key)])
    assert refused.exit_code == 2 and "officer.p12" in refused.output and "password" in refused.output
    assert not out.exists()  # no unsigned bundle left behind
    monkeypatch.setenv("BUNDLER_SIGN_PASSWORD", "pass phrase")
    done = runner.invoke(main, ["build", str(folder), "-o", str(out), "--sign", str(key)])
    assert done.exit_code == 0, done.output
    assert "signed" in done.output
    checked = runner.invoke(main, ["verify", str(out), str(folder)])
    assert checked.exit_code == 0 and "A. Sample Officer" in checked.output, checked.output
