"""Read an old Excel (.xls) workbook in a child process: ``python xls_child.py SHEET < file > pickle``.

calamine trusts the sizes a compound file declares and aborts the whole process when an allocation fails,
which a few flipped bytes of an .xls provoke. Run alone with an address-space limit, the abort only ends
this child, and the reader refuses the file. Imports nothing but calamine, so it starts in a few ms.
"""
import io
import pickle
import resource
import sys

MEMORY_LIMIT = 3 * 1024 ** 3   # an .xls holds at most 65,536 rows by 256 columns


def read(data: bytes, sheet: str):
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    names = book.sheet_names
    if sheet and sheet not in names:
        return "no-sheet", names
    if not sheet:   # the sheet that holds the data: the one with the most cells
        sizes = [(book.get_sheet_by_name(n).total_height * book.get_sheet_by_name(n).total_width, -i, n)
                 for i, n in enumerate(names)]
        sheet = max(sizes)[2]
    return "ok", (names, sheet, book.get_sheet_by_name(sheet).to_python(skip_empty_area=False))


def main() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    data = sys.stdin.buffer.read()
    try:
        answer = read(data, sys.argv[1] if len(sys.argv) > 1 else "")
    except BaseException as exc:  # noqa: BLE001 - calamine's errors and Rust panics: the parent decides
        answer = ("error", str(exc)[:500])
    sys.stdout.buffer.write(pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL))


if __name__ == "__main__":
    main()
