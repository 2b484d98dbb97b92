"""Source PDFs in a built bundle show what their own viewer shows, nothing more, and
nothing that can act.

Each source is made at test time (``pdf_fixtures``), put in a case as a document and
built; the bundle page is then read back as a reader meets it: its words and their boxes
from ``pdftotext -bbox``, and its pixels from ``pdftoppm``. A hidden layer's words must
be absent (not only unprinted: absent from the file), a form's value present and inked,
every corner word inside the page and clear of the stamp, and no object of the bundle
may be an action, script or embedded file that came from a source.
"""

from __future__ import annotations

import html
import io
import re
import subprocess
from pathlib import Path

import pdf_fixtures as fx
import pikepdf
import pytest
from builder import CaseBuilder
from click.testing import CliRunner
from pikepdf import Dictionary, Name

from bundler.bundle import build_bundle
from bundler.bundle.place import BAND
from bundler.bundle.sourcepdf import prepare_source
from bundler.case.pdfs import open_pdf
from bundler.cli import main
from bundler.errors import BundleError

Box = tuple[float, float, float, float]

# ----------------------------------------------------------------------- reading a bundle back


def words(pdf: Path, page: int) -> list[tuple[str, Box]]:
    """Every word of a page with its box (points, origin top left), as pdftotext sees it."""
    out = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    pattern = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>'
    return [
        (html.unescape(m[4]), (float(m[0]), float(m[1]), float(m[2]), float(m[3]))) for m in re.findall(pattern, out)
    ]


def page_size(pdf: Path, page: int) -> tuple[float, float]:
    with pikepdf.open(pdf) as doc:
        x0, y0, x1, y1 = (float(v) for v in doc.pages[page - 1].mediabox)
    return x1 - x0, y1 - y0


def render(pdf: Path, page: int, tmp: Path):
    """The page as pdftoppm draws it, greyscale, one pixel per point (72 dpi)."""
    from PIL import Image

    prefix = tmp / f"page-{page}"
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "72",
            "-gray",
            "-png",
            "-singlefile",
            "-f",
            str(page),
            "-l",
            str(page),
            str(pdf),
            str(prefix),
        ],
        check=True,
    )
    return Image.open(f"{prefix}.png").convert("L")


def ink(image, box: Box, pad: float = 0) -> int:
    """Dark pixels inside a box (points = pixels at 72 dpi)."""
    x0, y0, x1, y1 = (int(box[0] - pad), int(box[1] - pad), int(box[2] + pad + 1), int(box[3] + pad + 1))
    region = image.crop((max(x0, 0), max(y0, 0), min(x1, image.width), min(y1, image.height)))
    return sum(region.histogram()[:128])


def ink_outside(image, boxes: list[Box], pad: float = 2) -> int:
    """Dark pixels that no listed box accounts for."""
    mask = image.copy()
    from PIL import ImageDraw

    draw = ImageDraw.Draw(mask)
    for x0, y0, x1, y1 in boxes:
        draw.rectangle((x0 - pad, y0 - pad, x1 + pad, y1 + pad), fill=255)
    return sum(mask.histogram()[:128])


def overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def stamp_boxes(found: list[tuple[str, Box]], height: float) -> list[tuple[str, Box]]:
    """The words in the stamp band at the foot of the page."""
    return [(w, b) for w, b in found if b[1] >= height - BAND]


# ----------------------------------------------------------------------- one bundle of fixtures

FIXTURES = {
    "hidden-layer": fx.hidden_layer,
    "form-no-appearance": fx.filled_form,
    "form-with-appearance": lambda: fx.filled_form(with_appearance=True),
    "corners": fx.corners,
    "corners-small": lambda: fx.corners((300, 200)),
    "shared-content": fx.shared_content,
    "inherited": fx.inherited_boxes,
    "crop-larger": fx.big_crop_box,
    "crop-offset": fx.offset_crop_box,
    "aes-256": fx.encrypted,
    "aes-128": lambda: fx.encrypted(r=4),
    "annotation-flags": fx.annotation_flags,
    "links": fx.links,
}


def _add(folder: Path, name: str, data: bytes, day: int, title: str = "") -> None:
    (folder / "documents" / f"{name}.pdf").write_bytes(data)
    (folder / "documents" / f"{name}.pdf.yaml").write_text(
        f"type: other\ntitle: {title or 'Fixture ' + name}\ndate: 2025-01-{day:02d}\n", encoding="utf-8"
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The base case with every fixture as a document, built once: (PDF, result, pages
    of each fixture as (first, last))."""
    root = tmp_path_factory.mktemp("fidelity")
    folder = CaseBuilder(root / "EX-TEST-001").write()
    for day, (name, make) in enumerate(FIXTURES.items(), 6):
        _add(folder, name, make(), day)
    result = build_bundle(folder, root / "bundle.pdf")
    pages = {
        d["key"].removeprefix("documents/").removesuffix(".pdf"): (d["first_page"], d["last_page"])
        for d in result.manifest["documents"]
        if d["key"].endswith(".pdf")
    }
    return result.output, result, pages


def _streams_text(pdf: Path) -> bytes:
    """Every stream of the file, decoded, joined: what the file holds, shown or not."""
    chunks = []
    with pikepdf.open(pdf) as doc:
        for obj in doc.objects:
            if isinstance(obj, pikepdf.Stream):
                try:
                    chunks.append(obj.read_bytes())
                except pikepdf.PdfError:
                    chunks.append(obj.read_raw_bytes())
    return b"\n".join(chunks)


pytestmark = pytest.mark.slow


def test_a_layer_that_is_off_is_absent_from_the_bundle_and_its_page(built, tmp_path) -> None:
    pdf, result, pages = built
    number = pages["hidden-layer"][0]
    found = [w for w, _ in words(pdf, number)]
    for word in fx.LAYER_SHOWN:
        assert word in found, (word, found)
    for word in fx.LAYER_HIDDEN:
        assert word not in found
    # not merely unprinted: the hidden text is not in the file at all
    everything = _streams_text(pdf)
    for word in fx.LAYER_HIDDEN:
        assert word.encode() not in everything, word
    # and nothing is drawn on the page but its words
    image = render(pdf, number, tmp_path)
    assert ink_outside(image, [b for _, b in words(pdf, number)]) == 0
    assert any("documents/hidden-layer.pdf: left out" in w and "layers that are off" in w for w in result.warnings)


@pytest.mark.parametrize("name", ["form-no-appearance", "form-with-appearance"])
def test_a_filled_form_field_shows_its_value(built, tmp_path, name) -> None:
    pdf, result, pages = built
    number = pages[name][0]
    found = dict(words(pdf, number))
    assert "FIELDLABEL" in found and "FORMVALUEMORGAN" in found
    image = render(pdf, number, tmp_path)
    box = found["FORMVALUEMORGAN"]
    assert ink(image, box) > 0.15 * (box[2] - box[0]) * (box[3] - box[1])  # drawn, not only extractable
    assert f"documents/{name}.pdf: 1 form field(s) drawn with the values they hold" in result.warnings


@pytest.mark.parametrize(
    "name, expected",
    [
        ("corners", fx.CORNER_WORDS + ("FOOTREF",)),
        ("corners-small", fx.CORNER_WORDS + ("FOOTREF",)),
        ("crop-larger", ("CROPNW", "CROPNE", "CROPSW", "CROPSE", "CROPINSIDE")),
        ("crop-offset", ("OFFSETNW", "OFFSETSE", "OFFSETMID")),
    ],
)
def test_every_word_near_an_edge_is_visible_and_clear_of_the_stamp(built, tmp_path, name, expected) -> None:
    pdf, result, pages = built
    number = pages[name][0]
    total = result.pages
    width, height = page_size(pdf, number)
    found = words(pdf, number)
    stamp = stamp_boxes(found, height)
    source = [(w, b) for w, b in found if (w, b) not in stamp]
    assert sorted(w for w, _ in source) == sorted(expected)
    assert " ".join(w for w, _ in stamp).endswith(f"Page {number} of {total}")
    image = render(pdf, number, tmp_path)
    for word, box in source:
        assert 0 <= box[0] and box[2] <= width and 0 <= box[1] and box[3] <= height - BAND, (word, box)
        assert ink(image, box) > 0, f"{word} is extractable but not drawn"
        for stamp_word, stamp_box in stamp:
            assert not overlaps(box, stamp_box), (word, stamp_word)
    for _, box in stamp:
        assert 0 <= box[0] and box[2] <= width  # the stamp is on the page
    # nothing else is drawn: what lies outside the crop box stays outside it
    assert ink_outside(image, [b for _, b in found]) == 0


def test_a_small_page_is_not_enlarged(built, tmp_path) -> None:
    pdf, _, pages = built
    alone = tmp_path / "small.pdf"
    alone.write_bytes(FIXTURES["corners-small"]())
    own, shown = dict(words(alone, 1)), dict(words(pdf, pages["corners-small"][0]))
    width = own["NECORNER"][2] - own["NWCORNER"][0]
    assert shown["NECORNER"][2] - shown["NWCORNER"][0] == pytest.approx(width, abs=0.5)  # its own size, not A4


def test_pages_that_share_one_content_stream_each_get_their_own_stamp(built) -> None:
    pdf, result, pages = built
    first, last = pages["shared-content"]
    assert last - first == 2
    for number in range(first, last + 1):
        found = [w for w, _ in words(pdf, number)]
        assert found.count("SHAREDTEXT") == 1
        assert found.count("Page") == 1 and f"Page {number} of {result.pages}" in " ".join(found)


def test_boxes_and_rotation_inherited_from_the_page_tree_are_honoured(built, tmp_path) -> None:
    pdf, _, pages = built
    first, last = pages["inherited"]
    assert last == first + 1
    for number, word in ((first, "INHERITONE"), (last, "INHERITTWO")):
        width, height = page_size(pdf, number)
        assert height > width  # an 842 x 595 page turned by 90 degrees is shown upright, portrait
        box = dict(words(pdf, number))[word]
        assert box[3] - box[1] > box[2] - box[0]  # the text runs down the page, as the source's viewer shows it
        assert ink(render(pdf, number, tmp_path), box) > 0


@pytest.mark.parametrize("name", ["aes-256", "aes-128"])
def test_a_pdf_encrypted_without_an_open_password_is_shown(built, name) -> None:
    pdf, _, pages = built
    assert "ENCRYPTEDTEXT" in [w for w, _ in words(pdf, pages[name][0])]


def test_annotations_are_shown_as_a_viewer_shows_them_and_a_lost_comment_is_reported(built, tmp_path) -> None:
    pdf, result, pages = built
    number = pages["annotation-flags"][0]
    found = [w for w, _ in words(pdf, number)]
    assert {"FLAGSPAGE", "PRINTFLAG", "NOFLAG"} <= set(found)
    assert "HIDDENFLAG" not in found and "NOVIEWFLAG" not in found
    assert any(
        w.startswith("documents/annotation-flags.pdf: ") and "STICKYNOTE from the head" in w for w in result.warnings
    ), result.warnings


def test_only_internal_and_https_links_survive(built) -> None:
    pdf, result, pages = built
    first, last = pages["links"]
    with pikepdf.open(pdf) as doc:
        annots = doc.pages[first - 1].obj.get("/Annots", [])
        uris = [str(a.A.URI) for a in annots if a.A.S == Name.URI]
        gotos = [a.A.D[0] for a in annots if a.A.S == Name.GoTo]
        assert uris == ["https://www.gov.uk/school-attendance"]
        assert len(gotos) == 1 and gotos[0].objgen == doc.pages[last - 1].obj.objgen
    assert "SECONDPAGE" in [w for w, _ in words(pdf, last)]
    removed = [w for w in result.warnings if w.startswith("documents/links.pdf: removed")]
    assert len(removed) == 2 and any("http://plain.example/" in w for w in removed)
    assert any("file:///etc/passwd" in w for w in removed)


# ----------------------------------------------------------------------- sources that can act

#: what may never come from a source into the bundle
_ACTION_TYPES = {
    "/Launch",
    "/JavaScript",
    "/SubmitForm",
    "/ResetForm",
    "/ImportData",
    "/GoToR",
    "/GoToE",
    "/Rendition",
    "/Movie",
    "/Sound",
    "/Hide",
    "/SetOCGState",
    "/GoTo3DView",
}
_ACTIVE_SUBTYPES = {"/RichMedia", "/3D", "/FileAttachment", "/Movie", "/Screen", "/Sound"}
_ACTIVE_KEYS = {"/AA", "/JS", "/RichMediaContent", "/3DD"}


def _dictionaries(doc: pikepdf.Pdf):
    """Every dictionary and stream of the file, direct ones inside others included, with
    the number of the object that holds it."""
    for top in doc.objects:
        stack = [top]
        while stack:
            obj = stack.pop()
            if isinstance(obj, Dictionary | pikepdf.Stream):
                yield top.objgen, obj
                stack += [v for _, v in obj.items() if _direct(v)]
            elif isinstance(obj, pikepdf.Array):
                stack += [v for v in obj if _direct(v)]


def _direct(value) -> bool:
    return isinstance(value, Dictionary | pikepdf.Array | pikepdf.Stream) and not value.is_indirect


def active_objects(doc: pikepdf.Pdf) -> list[str]:
    """Everything in the file that could act or carry a file, other than the bundle's
    own two attachments (its manifest and case data)."""
    own = {doc.attachments[name].obj.objgen for name in doc.attachments}
    own_files = {doc.attachments[name].obj.EF.F.objgen for name in doc.attachments}
    found = []
    for holder, obj in _dictionaries(doc):
        where = f"object {holder}"
        for key in set(obj.keys()) & _ACTIVE_KEYS:
            found.append(f"{where} has {key}")
        if str(obj.get("/S", "")) in _ACTION_TYPES:
            found.append(f"{where} is a {obj.S} action")
        if obj.get("/S") == Name.URI and not str(obj.get("/URI", "")).startswith("https://"):
            found.append(f"{where} links to {obj.get('/URI')}")
        if str(obj.get("/Subtype", "")) in _ACTIVE_SUBTYPES:
            found.append(f"{where} is a {obj.Subtype} annotation")
        if obj.get("/Type") == Name.EmbeddedFile and obj.objgen not in own_files:
            found.append(f"{where} is an embedded file")
        if "/EF" in obj and obj.objgen not in own:
            found.append(f"{where} is a file specification with a file")
        if "/OpenAction" in obj and obj.objgen != doc.Root.objgen:
            found.append(f"{where} has an /OpenAction")
    open_action = doc.Root.get("/OpenAction")
    if open_action is not None and not isinstance(open_action, pikepdf.Array):
        found.append("the catalog opens with an action")
    return found


@pytest.fixture(scope="module")
def active_bundle(tmp_path_factory):
    root = tmp_path_factory.mktemp("active")
    folder = CaseBuilder(root / "EX-TEST-001").write()
    for day, kind in enumerate(fx.ACTIVE, 6):
        _add(folder, kind, fx.active(kind), day)
    result = build_bundle(folder, root / "bundle.pdf")
    return result, folder


def test_the_fixtures_do_hold_active_content() -> None:
    """The test below would pass on an empty page: each fixture really holds what it says."""
    for kind in fx.ACTIVE:
        with pikepdf.open(io.BytesIO(fx.active(kind))) as doc:
            assert active_objects(doc), kind


def test_no_action_script_or_embedded_file_from_a_source_reaches_the_bundle(active_bundle) -> None:
    result, _ = active_bundle
    with pikepdf.open(result.output) as doc:
        assert active_objects(doc) == []
        assert sorted(doc.attachments) == ["bundler-case.json", "bundler-manifest.json"]
    everything = _streams_text(result.output)
    assert b"EVILPAYLOAD" not in everything and b"EVILSCRIPT" not in everything
    for kind in fx.ACTIVE:  # the pages themselves are all there
        doc = next(d for d in result.manifest["documents"] if d["key"] == f"documents/{kind}.pdf")
        assert "ACTIVEPAGE" in [w for w, _ in words(result.output, doc["first_page"])], kind


EXPECTED_REMOVALS = {
    "launch": "an action that starts a program",
    "document-javascript": "JavaScript (document level)",
    "annotation-javascript": "JavaScript",
    "submit-form": "an action that sends form data",
    "import-data": "an action that imports data",
    "goto-remote": "a link to another file",
    "goto-embedded": "a link into an embedded file",
    "additional-actions": "actions that run when a page opens or closes",
    "open-action": "an action that starts a program that runs when the file opens",
    "embedded-file": "an embedded file 'evil.exe'",
    "rich-media": "rich media",
    "3d": "a 3D model",
    "in-resources": "an action that starts a program",
}


@pytest.mark.parametrize("kind", list(fx.ACTIVE))
def test_the_build_reports_what_it_removed_from_each_document(active_bundle, kind) -> None:
    result, _ = active_bundle
    assert f"documents/{kind}.pdf: removed {EXPECTED_REMOVALS[kind]}" in result.warnings
    assert EXPECTED_REMOVALS[kind] in result.manifest["sources"][f"documents/{kind}.pdf"]["removed"]


@pytest.mark.parametrize("kind", list(fx.ACTIVE))
def test_strict_sources_refuses_each_class_naming_the_file(kind) -> None:
    source = open_pdf(fx.active(kind), f"documents/{kind}.pdf", max_pages=10, max_pixels=10**8)
    with pytest.raises(BundleError, match=f"documents/{kind}.pdf: holds active content .*--strict-sources"):
        prepare_source(source, f"documents/{kind}.pdf", strict=True)


def test_strict_sources_on_the_command_line(tmp_path) -> None:
    folder = CaseBuilder(tmp_path / "EX-TEST-001").write()
    _add(folder, "launch", fx.active("launch"), 6)
    out = tmp_path / "bundle.pdf"
    refused = CliRunner().invoke(main, ["build", str(folder), "-o", str(out), "--strict-sources"])
    assert refused.exit_code == 2, refused.output
    assert "documents/launch.pdf" in refused.output and "starts a program" in refused.output
    assert not out.exists()
    built = CliRunner().invoke(main, ["build", str(folder), "-o", str(out)])
    assert built.exit_code == 0, built.output
    assert "warning: documents/launch.pdf: removed an action that starts a program" in built.output


# ----------------------------------------------------------------------- refused before the build


def test_a_huge_image_inside_a_pdf_is_refused_naming_the_file_and_the_limit(tmp_path) -> None:
    folder = CaseBuilder(tmp_path / "EX-TEST-001").write()
    _add(folder, "scan", fx.huge_image(), 6)
    checked = CliRunner().invoke(main, ["validate", str(folder)])
    assert checked.exit_code == 1
    assert "documents/scan.pdf: page 1 holds an image of 30000 x 30000 pixels, over the limit of 100 megapixels" in (
        checked.output
    )
    assert "--max-megapixels" in checked.output
    refused = CliRunner().invoke(main, ["build", str(folder), "-o", str(tmp_path / "b.pdf")])
    assert refused.exit_code == 2 and "documents/scan.pdf" in refused.output
    assert "--max-megapixels" in CliRunner().invoke(main, ["build", "--help"]).output
    raised = CliRunner().invoke(main, ["validate", str(folder), "--max-megapixels", "1000"])
    assert raised.exit_code == 0, raised.output
    built = CliRunner().invoke(main, ["build", str(folder), "-o", str(tmp_path / "b.pdf"), "--max-megapixels", "1000"])
    assert built.exit_code == 0, built.output
    doc = next(d for d in json_manifest(tmp_path / "b.pdf")["documents"] if d["key"] == "documents/scan.pdf")
    assert "HUGEIMAGE" in [w for w, _ in words(tmp_path / "b.pdf", doc["first_page"])]


def json_manifest(pdf: Path) -> dict:
    import json

    with pikepdf.open(pdf) as doc:
        return json.loads(doc.attachments["bundler-manifest.json"].get_file().read_bytes())


def test_a_pdf_that_needs_a_password_is_refused_by_validate(tmp_path) -> None:
    folder = CaseBuilder(tmp_path / "EX-TEST-001").write()
    _add(folder, "locked", fx.encrypted(user="open-sesame"), 6)
    _add(folder, "open", fx.encrypted(), 7)
    checked = CliRunner().invoke(main, ["validate", str(folder)])
    assert checked.exit_code == 1
    lines = [line for line in checked.output.splitlines() if line.startswith("documents/")]
    assert len(lines) == 1 and lines[0].startswith("documents/locked.pdf: is protected by a password")
