"""Turn any file a client sends into a grid of cells, or refuse it with a reason a manager understands."""
from __future__ import annotations

import codecs
import csv
import io
import pickle
import re
import subprocess
import sys
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..errors import DomainError, N_
from . import guards, ledger, sheet_choice

MAX_UNCOMPRESSED_RATIO = 100        # a workbook expanding more than 100x is a zip bomb
MAX_UNCOMPRESSED_BYTES = 2_000_000_000
WORKBOOK_CHILD = Path(__file__).with_name("workbook_child.py")
WORKBOOK_SECONDS = 600              # a million-row xlsx reads in about a minute: ten mean a pathological file
# What Python's zipfile raises on a damaged archive (a version it does not know, a bad length, bad deflate data).
ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, KeyError, EOFError, OSError, ValueError,
              NotImplementedError, RuntimeError)
SEPARATORS = [";", ",", "\t", "|"]
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Formats people send by mistake: PDF, images, archives.
NOT_SPREADSHEETS = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\x1f\x8b", b"Rar!", b"7z\xbc\xaf")


@dataclass
class Grid:
    """The cells of one sheet (or a text file) as rows of values: str, float, int, date or datetime."""
    rows: list
    kind: str                     # csv / xlsx / xls / ods
    sheet_names: list[str] = field(default_factory=list)
    sheet: str | None = None
    encoding: str | None = None
    separator: str | None = None
    truncated: bool = False       # only the first rows were read (large text files are then read in chunks)
    # The workbook's other sheets, by name (a customers sheet beside the invoices: importing.customers).
    other_sheets: dict = field(default_factory=dict, repr=False)
    # Text lines (1-based) that were not in the file's encoding and were read as Windows-1252 instead.
    odd_lines: list[int] = field(default_factory=list)
    # A FEC read as its open receivables (importing.ledger): what the reading found.
    ledger: object = None


def refuse(message: str, **params) -> DomainError:
    return DomainError(message, field="file", **params)


def detect_kind(data: bytes, file_name: str = "") -> str:
    """The file's real format from its first bytes, whatever its name says."""
    if not data.strip(b"\x00 \r\n\t\xef\xbb\xbf\xff\xfe"):
        raise refuse(N_("The file is empty."))
    if data.startswith(NOT_SPREADSHEETS):
        raise refuse(N_("The file is not a spreadsheet we can read."))
    if data.startswith(OLE_MAGIC):
        if b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d\x00P\x00a\x00c\x00k\x00a\x00g\x00e" in data:
            raise refuse(N_("The workbook is protected by a password: save it without a password and upload it again."))
        return "xls"
    if data.startswith(b"PK\x03\x04"):
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except ZIP_ERRORS:
            raise refuse(N_("The file is not a spreadsheet we can read.")) from None
        if "mimetype" in names and b"opendocument.spreadsheet" in data[:200]:
            return "ods"
        if any(n.startswith("xl/") for n in names):
            return "xlsx"
        raise refuse(N_("The file is not a spreadsheet we can read."))
    if b"\x00" in data[:4096] and not (data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE)
                                        or utf16_without_bom(data)):
        raise refuse(N_("The file is not a spreadsheet we can read."))
    return "csv"


def utf16_without_bom(data: bytes) -> str | None:
    """"utf-16-le" or "utf-16-be" for UTF-16 text without a byte order mark (some exports write it so): nearly
    every other byte is NUL and the text decodes cleanly; None otherwise."""
    head = data[:4096]
    head = head[:len(head) - len(head) % 2]
    if len(head) < 8:
        return None
    for encoding, zeros in (("utf-16-le", head[1::2]), ("utf-16-be", head[0::2])):
        if zeros.count(0) >= 0.9 * len(zeros):
            try:
                text = head.decode(encoding)
            except UnicodeDecodeError:
                continue
            if all(ch.isprintable() or ch in "\r\n\t" for ch in text):
                return encoding
    return None


def check_zip_size(data: bytes) -> None:
    """Refuse a compressed workbook whose content would expand beyond reason."""
    total = sum(info.file_size for info in zipfile.ZipFile(io.BytesIO(data)).infolist())
    if total > MAX_UNCOMPRESSED_BYTES or total > MAX_UNCOMPRESSED_RATIO * max(len(data), 100_000):
        raise refuse(N_("The workbook expands to {size} MB once uncompressed: that is beyond reason."),
                      size=total // 1_000_000)


# Bytes Windows-1252 alone gives letters and signs to (€ ‚ „ … ’ “ ” œ Œ Š Ÿ...); ISO-8859-15 has control
# characters there, which no text holds.
_WINDOWS_ONLY = re.compile(rb"[\x80-\x9f]")
# €, Œ and œ in ISO-8859-15 (the FEC's own encoding besides UTF-8); in Windows-1252 they read ¤, ¼ and ½,
# which a receivables file never holds.
_LATIN9_SIGNS = (b"\xa4", b"\xbc", b"\xbd")


def single_byte_encoding(data: bytes) -> str:
    """Windows-1252, or ISO-8859-15 when the bytes show its €, Œ or œ and none of Windows-1252's own."""
    # Three byte searches (memchr) rather than one regex over the whole file: 2 ms instead of 80 for 10 MB.
    if any(sign in data for sign in _LATIN9_SIGNS) and not _WINDOWS_ONLY.search(data):
        return "iso-8859-15"
    return "cp1252"


def decode(data: bytes) -> tuple[str, str]:
    """Text and encoding: BOMs first, then UTF-16 without one, UTF-8, then a single-byte encoding (which reads
    any byte): Windows-1252, or ISO-8859-15 when its € or œ shows."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        return data.decode("utf-16", errors="replace"), "utf-16"
    bomless = utf16_without_bom(data)
    if bomless:
        return data.decode(bomless, errors="replace"), bomless
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        single = single_byte_encoding(data)
        return data.decode(single, errors="replace"), single


def sniff_separator(text: str) -> str:
    """The separator that splits the most of the first lines into the same, largest number of cells."""
    lines = [line for line in text[:50_000].splitlines()[:40] if line.strip()]
    best, best_score = ";", -1
    for sep in SEPARATORS:
        counts = [line.count(sep) for line in lines]
        if not counts or max(counts) == 0:
            continue
        top = max(counts)
        score = sum(1 for c in counts if c == top) * top
        if score > best_score:
            best, best_score = sep, score
    return best


def _csv_options(grid_or_encoding, sep=None) -> dict:
    return dict(sep=sep, header=None, dtype=str, keep_default_na=False, na_filter=False,
                quoting=csv.QUOTE_MINIMAL, skip_blank_lines=False, encoding=grid_or_encoding,
                encoding_errors="replace", engine="c", on_bad_lines="error")


def mixed_lines(data: bytes) -> tuple[bytes, list[int]] | None:
    """A file mostly in UTF-8 with some lines in Windows-1252 (two exports pasted together, a line typed in
    another tool): the file re-encoded in UTF-8 line by line, and the numbers of the lines read as
    Windows-1252. None when fewer than half the lines with accents are UTF-8 (the file is Windows-1252)."""
    lines = data.split(b"\n")
    odd, utf8 = [], 0
    for number, line in enumerate(lines, 1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            utf8 += 1
        except UnicodeDecodeError:
            odd.append(number)
    if not odd or utf8 < len(odd):
        return None
    odd_set = set(odd)
    fixed = b"\n".join(line.decode("cp1252", errors="replace").encode("utf-8") if n in odd_set else line
                       for n, line in enumerate(lines, 1))
    return fixed, odd


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
        return True
    except UnicodeDecodeError:
        return False


def read_text(data: bytes, nrows: int | None = None) -> Grid:
    guards.check_lines(data)
    text, encoding = decode(data[:200_000])
    sep = sniff_separator(text)
    guards.check_separators(data, sep)
    odd: list[int] = []
    read_as = encoding
    if encoding.startswith("utf-16"):
        # pandas reads UTF-8 best: the text once re-encoded (UTF-16 files are small exports, never millions of rows).
        data, read_as, nrows = decode(data)[0].encode("utf-8"), "utf-8", None
    elif encoding in ("cp1252", "iso-8859-15") or not _decodes(data, encoding):
        # Windows-1252, a stray Windows-1252 byte past the sample, or lines from another tool in a UTF-8 file.
        mixed = mixed_lines(data[3:] if encoding == "utf-8-sig" else data)
        if mixed:   # read whole: the chunked path would read the original bytes again
            (data, odd), read_as, nrows = mixed, "utf-8", None
        else:
            encoding = read_as = single_byte_encoding(data)     # the whole file, not its first lines
    # pandas decodes the bytes itself: no second copy of a large file as text in memory.
    try:
        frame = pd.read_csv(io.BytesIO(data), nrows=nrows, **_csv_options(read_as, sep))
    except pd.errors.EmptyDataError:
        raise refuse(N_("The file is empty.")) from None
    except (pd.errors.ParserError, ValueError):
        # Ragged lines (title lines with fewer cells): the csv module copes with any shape.
        frame = None
    if frame is not None:
        rows = frame.to_numpy(dtype=object).tolist()
        del frame
    else:
        try:   # newline="" lets the csv module see lone carriage returns as line ends, as pandas does
            rows = list(csv.reader(io.StringIO(data.decode(read_as, errors="replace").removeprefix("\ufeff"),
                                               newline=""), delimiter=sep))
        except csv.Error:
            raise refuse(N_("The file is not a spreadsheet we can read.")) from None
        nrows = None
    return Grid(rows=rows, kind="csv", encoding=encoding, separator=sep,
                truncated=nrows is not None and len(rows) >= nrows, odd_lines=odd)


def text_chunks(data: bytes, grid: Grid, skip: int, size: int = 100_000):
    """(first row number, rows) for every chunk of a text file below its first ``skip`` lines.

    Raises pandas' ParserError on ragged lines: the caller then reads the whole file at once.
    """
    reader = pd.read_csv(io.BytesIO(data), skiprows=skip, chunksize=size, **_csv_options(grid.encoding, grid.separator))
    first = skip + 1
    for frame in reader:
        rows = frame.to_numpy(dtype=object).tolist()
        del frame
        drop_nul(rows)
        yield first, rows
        first += len(rows)


def text_column(data: bytes, grid: Grid, skip: int, index: int) -> list[str]:
    """One column of a text file below its first ``skip`` lines (to decide on the whole file, e.g. date order)."""
    frame = pd.read_csv(io.BytesIO(data), skiprows=skip, usecols=[index], **_csv_options(grid.encoding, grid.separator))
    return frame.iloc[:, 0].tolist()


def _check_zip(data: bytes, kind: str) -> None:
    """Refuse a zipped workbook that is broken, or would expand or lay out beyond reason, before calamine reads it."""
    try:
        check_zip_size(data)
        book = zipfile.ZipFile(io.BytesIO(data))
        guards.check_xlsx_sheets(book) if kind == "xlsx" else guards.check_ods(book)
    except ZIP_ERRORS:
        raise refuse(N_("The file is not a spreadsheet we can read.")) from None


def read_workbook(data: bytes, kind: str, sheet: str | None = None) -> Grid:
    """Every sheet of a workbook (or the one asked for); the invoices sheet chosen by its contents."""
    if kind in ("xlsx", "ods"):
        _check_zip(data, kind)
    names, sheets = _read_apart(data, sheet)
    chosen = sheet or sheet_choice.invoices_sheet(sheets)
    return Grid(rows=sheets[chosen], kind=kind, sheet_names=names, sheet=chosen,
                other_sheets={n: rows for n, rows in sheets.items() if n != chosen})


def _read_apart(data: bytes, sheet: str | None) -> tuple[list[str], dict[str, list]]:
    """The workbook read by calamine in a child process (see workbook_child.py): an abort or a hang there is a
    refusal, never the end of this process."""
    try:
        done = subprocess.run([sys.executable, str(WORKBOOK_CHILD), sheet or ""], input=data, capture_output=True,
                              timeout=WORKBOOK_SECONDS, check=False)
    except subprocess.TimeoutExpired:
        raise refuse(N_("The file is not a spreadsheet we can read.")) from None
    if done.returncode != 0 or not done.stdout:
        raise refuse(N_("The file is not a spreadsheet we can read."))
    status, payload = pickle.loads(done.stdout)
    if status == "no-sheet":
        raise refuse(N_("The workbook has no sheet named “{sheet}”."), sheet=sheet)
    if status == "error":
        if "password" in payload.lower() or "encrypt" in payload.lower():
            raise refuse(N_("The workbook is protected by a password: save it without a password and upload it again."))
        raise refuse(N_("The file is not a spreadsheet we can read."))
    names, sheets = payload
    if not sheets:
        raise refuse(N_("The file is empty."))
    return names, sheets


def screen(data: bytes, file_name: str = "") -> str:
    """The file's kind, once the checks that need no reading passed (a workbook's parts measured): what an
    upload is refused on before anything is stored."""
    kind = detect_kind(data, file_name)
    if kind in ("xlsx", "ods"):
        _check_zip(data, kind)
    return kind


def read_file(data: bytes, file_name: str = "", sheet: str | None = None, max_bytes: int | None = None,
              nrows: int | None = None, customer_accounts: tuple[str, ...] = ledger.CUSTOMER_PREFIXES) -> Grid:
    """Read any supported file into a grid (text files: only ``nrows`` lines when given); refuse what cannot be read."""
    if max_bytes is not None and len(data) > max_bytes:
        raise refuse(N_("The file is larger than the limit of {limit} MB."), limit=max_bytes // 1_000_000)
    kind = detect_kind(data, file_name)
    fec = _fec_text(data) if kind == "csv" else None
    if fec is not None:
        # A FEC: the whole ledger becomes the open receivables it holds (its lines are not invoices), read
        # once by pandas, never as a grid of a million rows.
        encoding, sep = fec
        rows, report = ledger.receivables_from_text(data, encoding, sep, file_name, customer_accounts)
        grid = Grid(rows=rows, kind="csv", encoding=encoding, separator=sep, ledger=report)
    else:
        grid = read_text(data, nrows) if kind == "csv" else read_workbook(data, kind, sheet)
    guards.check_columns(max(map(len, grid.rows), default=0))
    if kind != "csv" and grid.rows and ledger.is_fec(grid.rows[0]):       # a FEC saved as a workbook
        grid.rows, grid.ledger = ledger.receivables(grid.rows, file_name, customer_accounts)
    elif grid.ledger is None and ledger.customer_ledger_header(grid.rows):
        if grid.truncated:
            grid = read_text(data, None)
        grid.rows, grid.ledger = ledger.receivables_from_customer_ledger(grid.rows, file_name)
        grid.truncated = False
    if kind != "csv" or b"\x00" in data:
        drop_nul(grid.rows)
    for rows in grid.other_sheets.values():
        guards.check_columns(max(map(len, rows), default=0))
        drop_nul(rows)
    if not any(any(_filled(c) for c in row) for row in grid.rows):
        raise refuse(N_("The file is empty."))
    return grid


def _fec_text(data: bytes) -> tuple[str, str] | None:
    """(encoding, separator) when a text file's first line is a FEC's header."""
    text, encoding = decode(data[:65_536])
    sep = sniff_separator(text)
    first = next((line for line in text.splitlines() if line.strip()), "")
    if not ledger.is_fec([cell.strip().strip('"') for cell in first.split(sep)]):
        return None
    guards.check_lines(data)
    guards.check_separators(data, sep)
    if encoding in ("cp1252", "iso-8859-15"):
        encoding = single_byte_encoding(data)             # the whole file, not its first lines
    return encoding, sep


def drop_nul(rows: list) -> None:
    """Remove NUL characters from text cells, in place: padding some old exports carry past their first lines
    (a NUL in the first 4 KB means a binary file, refused), and which PostgreSQL cannot store in a text column."""
    for row in rows:
        for i, cell in enumerate(row):
            if type(cell) is str and "\x00" in cell:
                row[i] = cell.replace("\x00", "")


def _filled(cell) -> bool:
    return cell is not None and (not isinstance(cell, str) or cell.strip() != "")
