"""Hostile and broken files, built in memory: shared by the hostile tests and bench/fuzz_readers.py."""
from __future__ import annotations

import io
import signal
import struct
import zipfile
from contextlib import contextmanager
from pathlib import Path

import xlsxwriter

from campaigns.errors import DomainError
from campaigns.importing import reading

DATA = Path(__file__).resolve().parents[1] / "data"
SAMPLES = ["sage_balance_cp1252.csv", "receivables.xlsx", "old_excel.xls", "libreoffice.ods",
           "excel_unicode_text.txt", "odoo_export_bom.csv", "us_export_pipe.csv"]


class Hang(BaseException):
    """A reader took longer than the guard allows (not an Exception: no reader may swallow it)."""


@contextmanager
def time_limit(seconds: int):
    """Fail a call that hangs (SIGALRM: main thread, POSIX); generous, never a timing assertion."""
    def alarm(signum, frame):
        raise Hang(f"no answer after {seconds} s")
    previous = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def outcome(data: bytes, name: str = "") -> str:
    """"read" or "refused" (with a message); any other exception propagates: it is a bug."""
    try:
        grid = reading.read_file(data, name)
    except DomainError as exc:
        assert exc.field == "file" and str(exc), exc
        return "refused"
    assert grid.rows and all(isinstance(row, list) for row in grid.rows)
    return "read"


def sample(name: str) -> bytes:
    return (DATA / name).read_bytes()


def rezip(data: bytes, change) -> bytes:
    """The same zip with ``change(name, content) -> content`` applied to each member."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            content = change(item.filename, src.read(item.filename))
            dst.writestr(item.filename, content,
                         compress_type=zipfile.ZIP_STORED if item.filename == "mimetype" else zipfile.ZIP_DEFLATED)
    return out.getvalue()


def huge_shared_strings(size: int = 300_000_000) -> bytes:
    """A valid xlsx whose sharedStrings.xml inflates to ``size`` bytes (a zip bomb of a few hundred KB)."""
    def change(name, content):
        if name == "xl/sharedStrings.xml":
            return content.replace(b"</sst>", b"<si><t>" + b"A" * size + b"</t></si></sst>")
        return content
    return rezip(sample("receivables.xlsx"), change)


def lying_sizes(size: int = 300_000_000) -> bytes:
    """The zip bomb again, its declared uncompressed size patched down to 1 KB in both headers."""
    data = bytearray(huge_shared_strings(size))
    name = b"xl/sharedStrings.xml"
    for magic, name_len_at, size_at, name_at in ((b"PK\x03\x04", 26, 22, 30), (b"PK\x01\x02", 28, 24, 46)):
        at = data.find(magic)
        while at >= 0:
            length = struct.unpack("<H", data[at + name_len_at:at + name_len_at + 2])[0]
            if data[at + name_at:at + name_at + length] == name:
                data[at + size_at:at + size_at + 4] = struct.pack("<I", 1000)
            at = data.find(magic, at + 4)
    return bytes(data)


def nested_xml(depth: int = 200_000) -> bytes:
    """An xlsx whose shared strings are nested ``depth`` levels deep."""
    def change(name, content):
        if name == "xl/sharedStrings.xml":
            return content.replace(b"</sst>", b"<si>" + b"<r>" * depth + b"x" + b"</r>" * depth + b"</si></sst>")
        return content
    return rezip(sample("receivables.xlsx"), change)


def far_cell(row: int = 1_048_575, col: int = 16_383) -> bytes:
    """A tiny xlsx with two header cells and one cell far away: a dense grid of billions of cells."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out)
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["Code client", "Montant"])
    sheet.write(row, col, "x")
    book.close()
    return out.getvalue()


def ods_repeated(rows: int, columns: int) -> bytes:
    """The sample ODS with a row of one value repeated ``columns`` times, the row repeated ``rows`` times."""
    bomb = (f'<table:table-row table:number-rows-repeated="{rows}"><table:table-cell '
            f'table:number-columns-repeated="{columns}" office:value-type="string"><text:p>x</text:p>'
            f'</table:table-cell></table:table-row>').encode()

    def change(name, content):
        if name == "content.xml":
            at = content.find(b"<table:table-row")
            return content[:at] + bomb + content[at:]
        return content
    return rezip(sample("libreoffice.ods"), change)


def wide_csv(columns: int = 10_000) -> bytes:
    header = ";".join(f"Colonne {i}" for i in range(columns))
    return (header + "\n" + ";".join(str(i) for i in range(columns)) + "\n").encode()


def one_long_line(size: int = 50_000_000) -> bytes:
    return b"Code client;Montant\n" + b"x" * size + b"\n"


CSV = "Code client;Raison sociale;Téléphone;N° facture;Date échéance;Montant\nC1;Dupont SA;01 42 68 53 00;F1;01/02/2025;120,50\n"

BROKEN_ENCODINGS = {
    "broken UTF-8": CSV.encode("utf-8").replace("é".encode(), b"\xc3\x28", 1),
    "UTF-16 with an odd byte count": CSV.encode("utf-16")[:-1],
    "UTF-16 without a BOM": CSV.encode("utf-16-le"),
    "NUL bytes": CSV.encode().replace(b"Dupont", b"Du\x00\x00nt"),
    "NUL bytes past the sniffed head": CSV.encode() + b"C2;X;;F2;01/02/2025;1\n" * 400 + b"C3;\x00\x00;;F3;01/02/2025;1\n",
    "a lone surrogate in UTF-8": CSV.encode().replace(b"Dupont", b"Du\xed\xa0\x80nt"),
    "an unterminated quote": CSV.encode().replace(b"Dupont SA", b'"Dupont SA'),
}


def far_cell_elsewhere() -> bytes:
    """The far-away cell again, its sheet moved out of xl/worksheets/ (the relationship points to it)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(far_cell()), "r") as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            content = src.read(item.filename)
            name = item.filename.replace("xl/worksheets/sheet1.xml", "xl/feuilles/donnees.xml")
            if item.filename.endswith(".rels") or item.filename == "[Content_Types].xml":
                content = content.replace(b"worksheets/sheet1.xml", b"feuilles/donnees.xml")
            dst.writestr(name, content)
    return out.getvalue()


def far_cell_as(kind: str) -> bytes:
    """The far-away cell in a sheet linked as a ``chartsheet`` or ``dialogsheet`` (1.7 KB): calamine reads those
    as data too, and would ask for 550 GB to lay the grid out."""
    out = io.BytesIO()
    folder = f"xl/{kind}s/"
    with zipfile.ZipFile(io.BytesIO(far_cell()), "r") as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            content = src.read(item.filename)
            name = item.filename.replace("xl/worksheets/", folder)
            if item.filename.endswith(".rels") or item.filename == "[Content_Types].xml":
                content = content.replace(b"worksheets/sheet1.xml", f"{kind}s/sheet1.xml".encode())
                content = content.replace(b"relationships/worksheet\"", f"relationships/{kind}\"".encode())
            if name == folder + "sheet1.xml":
                content = content.replace(b"<worksheet", f"<{kind}".encode()).replace(b"</worksheet>",
                                                                                      f"</{kind}>".encode())
            dst.writestr(name, content)
    return out.getvalue()
