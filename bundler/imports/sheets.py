"""Read a CSV or XLSX export as rows of cells, each cell with the place a person would
look for it: ``marks.csv:12`` or ``Marks!B12``.

Takes the bytes of a file; gives a ``Table``. An XLSX is a zip archive, and an untrusted
one can be a zip bomb or carry XML entities: the archive is checked before openpyxl
opens it (number of members, total and per-member uncompressed size, compression
ratio, encryption, and any DTD in its XML), and openpyxl reads it with defusedxml.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from typing import Any

from ..errors import Problem
from .common import ImportFailed, ImportLimits

__all__ = ["Table", "read_table"]


@dataclass
class Table:
    label: str
    sheet: str | None  # None for a CSV
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)  # (row number, cells)
    notes: list[str] = field(default_factory=list)

    def where(self, row: int, column: int | None = None) -> str:
        if self.sheet is None:
            return f"line {row}"
        from openpyxl.utils import get_column_letter

        return f"{self.sheet}!{get_column_letter(column + 1)}{row}" if column is not None else f"{self.sheet}!row {row}"

    def problem(self, row: int, column: int | None, field_name: str, message: str, hint: str = "") -> Problem:
        if self.sheet is None:
            return Problem(self.label, row, field_name, message, hint)
        return Problem(self.label, None, f"{self.where(row, column)} {field_name}".strip(), message, hint)


def read_table(data: bytes, label: str, limits: ImportLimits, sheet: str | None = None) -> Table:
    """Rows of a CSV, or of one sheet of an XLSX (``sheet``, or the first)."""
    if data[:4] == b"PK\x03\x04":
        return _xlsx(data, label, limits, sheet)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ImportFailed(
            [
                Problem(
                    label,
                    None,
                    "",
                    "is an old Excel (.xls) workbook",
                    "save it as .xlsx or CSV from Excel, then import that",
                )
            ]
        )
    return _csv(data, label, limits)


def _csv(data: bytes, label: str, limits: ImportLimits) -> Table:
    table = Table(label, None)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
        table.notes.append(f"{label} is not UTF-8: read as Windows-1252 (as Excel saves CSV)")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for row in reader:
            if len(table.rows) >= limits.max_rows:
                raise ImportFailed([Problem(label, reader.line_num, "", f"has more than {limits.max_rows} rows")])
            table.rows.append((reader.line_num, [cell.strip() for cell in row]))
    except csv.Error as exc:
        raise ImportFailed([Problem(label, reader.line_num, "", f"CSV error: {exc}")]) from None
    return table


def check_archive(data: bytes, label: str, limits: ImportLimits) -> None:
    """Refuse an XLSX whose archive is hostile or not a workbook, before anything unpacks it."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise ImportFailed([Problem(label, None, "", f"is not a readable XLSX (zip) file: {exc}")]) from None
    with archive:
        members = archive.infolist()
        if len(members) > limits.max_zip_members:
            raise ImportFailed(
                [
                    Problem(
                        label,
                        None,
                        "",
                        f"holds {len(members)} files, over the limit of {limits.max_zip_members} (a zip bomb?)",
                    )
                ]
            )
        names = {m.filename for m in members}
        if "[Content_Types].xml" not in names or not any(n.startswith("xl/workbook") for n in names):
            raise ImportFailed([Problem(label, None, "", "is a zip file but not an Excel workbook (.xlsx)")])
        total = 0
        for m in members:
            if m.flag_bits & 0x1:
                raise ImportFailed(
                    [Problem(label, None, "", "is encrypted (password protected)", "save an unprotected copy")]
                )
            total += m.file_size
            if total > limits.max_unzipped_bytes:
                raise ImportFailed(
                    [
                        Problem(
                            label,
                            None,
                            "",
                            f"would unpack to more than {limits.max_unzipped_bytes // 1048576} MiB (a zip bomb?)",
                        )
                    ]
                )
            if m.file_size > 1048576 and m.file_size > limits.max_zip_ratio * max(m.compress_size, 1):
                raise ImportFailed(
                    [
                        Problem(
                            label,
                            None,
                            m.filename,
                            f"is compressed {m.file_size // max(m.compress_size, 1)} to 1, beyond any real workbook (a zip bomb?)",
                        )
                    ]
                )
        for m in members:
            if not m.filename.endswith((".xml", ".rels", ".vml")):
                continue
            read = 0
            tail = b""
            with archive.open(m) as fh:
                while chunk := fh.read(1 << 16):
                    read += len(chunk)
                    if read > m.file_size + 1024:  # the header lied about the size
                        raise ImportFailed(
                            [Problem(label, None, m.filename, "unpacks larger than it says (a zip bomb?)")]
                        )
                    window = tail + chunk
                    if b"<!DOCTYPE" in window or b"<!ENTITY" in window:
                        raise ImportFailed(
                            [
                                Problem(
                                    label,
                                    None,
                                    m.filename,
                                    "declares a DTD or XML entities, which no Excel workbook needs (refused: entities can read files or expand without end)",
                                )
                            ]
                        )
                    tail = chunk[-16:]


def _xlsx(data: bytes, label: str, limits: ImportLimits, sheet: str | None) -> Table:
    check_archive(data, label, limits)
    import warnings

    import openpyxl

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles and data validation it ignores
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise ImportFailed([Problem(label, None, "", f"cannot be read as an Excel workbook: {exc}")]) from None
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise ImportFailed(
                [Problem(label, None, "sheet", f"has no sheet '{sheet}'", "sheets: " + ", ".join(book.sheetnames))]
            )
        ws = book[sheet] if sheet is not None else book.worksheets[0]
        table = Table(label, ws.title)
        if sheet is None and len(book.sheetnames) > 1:
            table.notes.append(
                f"{label}: read the first sheet, '{ws.title}' (name another with 'sheet:' in a --map file)"
            )
        for number, row in enumerate(ws.iter_rows(values_only=True), 1):
            if number > limits.max_rows:
                raise ImportFailed([Problem(label, None, ws.title, f"has more than {limits.max_rows} rows")])
            cells = []
            for value in row:
                if isinstance(value, str):
                    value = value.strip()
                elif isinstance(value, float) and value.is_integer():
                    value = int(value)
                elif value is None:
                    value = ""
                cells.append(value)
            table.rows.append((number, cells))
        return table
    finally:
        book.close()


def cell_text(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()
