"""Limits checked before a reader allocates anything: a small hostile file must not exhaust memory.

calamine builds a dense grid of every sheet (height x width cells) and aborts the whole process when the
allocation fails, so the extent of each worksheet is measured from its XML first, chunk by chunk.
"""
from __future__ import annotations

import posixpath
import re
import zipfile

from ..errors import DomainError, N_

MAX_COLUMNS = 1_000             # a receivables file has a dozen columns; the mapping page shows each one
MAX_CELLS = 30_000_000          # height x width of the dense grid (1M invoices x 30 columns)
MAX_LINE_CHARS = 1_000_000      # one line of a text file
MAX_SHEET_ROWS = 1_048_576      # Excel's own limit
CHUNK = 4 * 1024 * 1024

# Patterns start with a literal so that re scans at C speed between matches.
_ROW_NUMBER = re.compile(rb'r="[A-Z]{0,3}(\d+)"')   # <row r="12"> and <c r="B12">
_WIDE_COLUMN = re.compile(rb'r="([A-Z]{2,3})\d')    # columns past Z are rare: few matches in most files
_ROOT = re.compile(rb'<(\w+:)?(?:worksheet|chartsheet|dialogsheet|macrosheet)[\s>]')
_RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*>")
_TARGET = re.compile(rb'\bTarget="([^"]*)"')
_ODS_ROW = re.compile(rb"<table:table-row\b([^>]*)>")
_ODS_ROWS_REPEATED = re.compile(rb'number-rows-repeated="(\d+)"')
_ODS_COLUMNS_REPEATED = re.compile(rb'number-columns-repeated="(\d+)"')
_WALK = re.compile(rb'<(?:\w+:)?(row|c)(?=[\s/>])([^>]*)>')
_ATTR_R = re.compile(rb'\br="([A-Z]{0,3})(\d+)"')


def refuse(message: str, **params) -> DomainError:
    return DomainError(message, field="file", **params)


def column_index(letters: bytes) -> int:
    """1 for A, 27 for AA..."""
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def check_columns(count: int) -> None:
    if count > MAX_COLUMNS:
        raise refuse(N_("The file has {count} columns, more than the {limit} we read: "
                        "is it really a receivables file?"), count=count, limit=MAX_COLUMNS)


def check_extent(rows: int, cols: int) -> None:
    """Refuse a sheet whose grid would be too wide or too large to hold in memory."""
    check_columns(cols)
    if rows * cols > MAX_CELLS:
        raise refuse(N_("The sheet spans {rows} rows by {cols} columns: that is beyond what we read in one file."),
                     rows=rows, cols=cols)


def check_separators(data: bytes, separator: str) -> None:
    """Refuse a text file with more cells than a sheet may hold (counting separators is an upper bound)."""
    if data.count(separator.encode("ascii")) > MAX_CELLS:
        raise refuse(N_("The file holds more than {limit} cells: that is beyond what we read in one file."),
                     limit=MAX_CELLS)


def check_lines(data: bytes) -> None:
    """Refuse a text file with a line longer than any table row (a binary file, or one huge line)."""
    # A line of MAX_LINE_CHARS bytes covers at least one whole window of half that size: look for a window
    # without any line break (a few hundred find() calls on a large file, where a regex would crawl).
    window = MAX_LINE_CHARS // 2
    for start in range(0, len(data) - window + 1, window):
        end = start + window
        if data.find(b"\n", start, end) < 0 and data.find(b"\r", start, end) < 0:
            break
    else:
        return
    raise refuse(N_("A line of the file is longer than {limit} characters: it is not a table of invoices."),
                 limit=MAX_LINE_CHARS)


def _chunks(member, end: bytes = b">"):
    """The member's bytes in chunks that end just after ``end`` (a tag never straddles two chunks)."""
    carry = b""
    while True:
        block = member.read(CHUNK)
        if not block:
            if carry:
                yield carry
            return
        block = carry + block
        cut = block.rfind(end)
        cut = cut + len(end) if cut >= 0 else 0
        if cut == 0:
            if len(block) > CHUNK * 4:   # megabytes without a tag: not a worksheet
                raise refuse(N_("The file is not a spreadsheet we can read."))
            carry = block
            continue
        carry = block[cut:]
        yield block[:cut]


def worksheet_extent(member) -> tuple[int, int]:
    """(rows, columns) a worksheet's XML spans, as calamine lays it out; (-1, -1) when cells carry no reference.

    Every cell written by Excel, LibreOffice or a library carries its reference (``<c r="B12"``): counting
    tags and searching references from a literal keeps this at C speed. A sheet with columns up to Z has at
    most 26 of them, which with at most MAX_SHEET_ROWS rows stays within MAX_CELLS.
    """
    max_row = max_col = rows = cells = cells_with_ref = 0
    odd = None
    for chunk in _chunks(member):
        if odd is None:
            root = _ROOT.search(chunk)
            prefix = b"<" + ((root.group(1) or b"") if root else b"")
            # Tags without attributes, or with a line break before them, are rare and may lack a reference.
            odd = re.compile(re.escape(prefix) + rb"(c|row)[\t\n\r>/]")
        numbers = _ROW_NUMBER.findall(chunk)
        if numbers:
            max_row = max(max_row, max(map(int, numbers)))
        wide = set(_WIDE_COLUMN.findall(chunk))
        if wide:
            max_col = max(max_col, max(map(column_index, wide)))
        unusual = odd.findall(chunk)
        unusual_cells = sum(1 for tag in unusual if tag == b"c")
        rows += chunk.count(prefix + b"row ") + len(unusual) - unusual_cells
        cells += chunk.count(prefix + b"c ") + unusual_cells
        cells_with_ref += chunk.count(prefix + b'c r="')
    if cells > cells_with_ref:
        return -1, -1
    return max(max_row, rows), max(max_col, 26 if cells else 0)


def walk_extent(member) -> tuple[int, int]:
    """(rows, columns) following every row and cell tag, for sheets whose cells carry no reference."""
    row = col = max_row = max_col = 0
    for chunk in _chunks(member):
        for m in _WALK.finditer(chunk):
            ref = _ATTR_R.search(m.group(2))
            if m.group(1) == b"row":
                row = int(ref.group(2)) if ref else row + 1
                col = 0
                max_row = max(max_row, row)
            else:
                col = column_index(ref.group(1)) if ref and ref.group(1) else col + 1
                max_col = max(max_col, col)
            if max_col > MAX_COLUMNS:
                return max_row, max_col
    return max_row, max_col


def ods_extent(member) -> tuple[int, int]:
    """(rows, columns) up to the last value of an OpenDocument sheet, repeated rows and cells expanded.

    LibreOffice writes runs of identical rows or cells once with a repeat count (a million empty rows close
    every sheet); calamine expands the runs that hold a value, so a tiny file can ask for billions of cells.
    The rows of all the sheets are counted one after the other: an upper bound for each.
    """
    row_index = max_row = max_col = 0
    for chunk in _chunks(member, b"</table:table-row>"):
        rows = list(_ODS_ROW.finditer(chunk))
        for i, row in enumerate(rows):
            start = row.end()
            end = rows[i + 1].start() if i + 1 < len(rows) else len(chunk)
            repeat = _repeat(_ODS_ROWS_REPEATED.search(row.group(1)))
            row_index += repeat
            last = chunk.rfind(b"value-type", start, end)
            if last < 0 or row.group(1).endswith(b"/"):
                continue
            cell = chunk.rfind(b"<table:", start, last)   # the tag of the cell holding the row's last value
            width = (chunk.count(b"<table:table-cell", start, cell) + chunk.count(b"<table:covered-table-cell", start, cell)
                     + sum(int(n) - 1 for n in _ODS_COLUMNS_REPEATED.findall(chunk, start, cell))
                     + _repeat(_ODS_COLUMNS_REPEATED.search(chunk, cell, chunk.find(b">", last))))
            max_row, max_col = row_index, max(max_col, width)
            if max_col > MAX_COLUMNS or max_row * max_col > MAX_CELLS:
                return max_row, max_col
    return max_row, max_col


def _repeat(match) -> int:
    return int(match.group(1)) if match else 1


def check_ods(book: zipfile.ZipFile) -> None:
    """Measure the sheets of an OpenDocument spreadsheet before calamine lays them out."""
    with book.open("content.xml") as member:
        rows, cols = ods_extent(member)
    check_extent(rows, cols)


# Relationship types whose target calamine may lay out as a grid: worksheets, and chartsheets, dialogsheets
# and macro sheets, which a crafted workbook can fill with cells like any worksheet.
_SHEET_TYPE = re.compile(rb'Type="[^"]*/(worksheet|chartsheet|dialogsheet|xlMacrosheet|xlIntlMacrosheet)"')
_SHEET_FOLDERS = ("xl/worksheets/", "xl/chartsheets/", "xl/dialogsheets/", "xl/macrosheets/")
_SHEET_ID = re.compile(rb'<(?:\w+:)?sheet\b[^>]*?\b(?:\w+:)?id="([^"]+)"')
_REL_ID = re.compile(rb'\bId="([^"]+)"')


def sheet_parts(book: zipfile.ZipFile) -> list[str]:
    """Every part of an xlsx that calamine may read as a sheet, whatever its relationship type: the sheet
    folders, whatever a sheet-type relationship points to, and whatever the workbook lists as a sheet (a
    crafted file may put its sheets anywhere, under any type)."""
    names = set(book.namelist())
    parts = {n for n in names if n.startswith(_SHEET_FOLDERS) and n.lower().endswith(".xml")}
    listed = set()
    if "xl/workbook.xml" in names:
        info = book.getinfo("xl/workbook.xml")
        if info.file_size > 50_000_000:
            raise refuse(N_("The file is not a spreadsheet we can read."))
        listed = set(_SHEET_ID.findall(book.read(info)))
    for rels in (n for n in names if n.endswith(".rels")):
        info = book.getinfo(rels)
        if info.file_size > 10_000_000:
            raise refuse(N_("The file is not a spreadsheet we can read."))
        base = posixpath.dirname(posixpath.dirname(rels))
        for tag in _RELATIONSHIP.findall(book.read(info)):
            target, rel_id = _TARGET.search(tag), _REL_ID.search(tag)
            named = rels == "xl/_rels/workbook.xml.rels" and rel_id and rel_id.group(1) in listed
            if target and (named or _SHEET_TYPE.search(tag)):
                path = target.group(1).decode("utf-8", "replace")
                path = path.lstrip("/") if path.startswith("/") else posixpath.normpath(posixpath.join(base, path))
                if path in names:
                    parts.add(path)
    return sorted(parts)


def check_xlsx_sheets(book: zipfile.ZipFile) -> None:
    """Measure every worksheet of an xlsx before calamine lays it out."""
    for part in sheet_parts(book):
        with book.open(part) as member:
            rows, cols = worksheet_extent(member)
        if rows < 0:
            with book.open(part) as member:
                rows, cols = walk_extent(member)
        if rows > MAX_SHEET_ROWS:
            raise refuse(N_("The file is not a spreadsheet we can read."))
        check_extent(rows, cols)
