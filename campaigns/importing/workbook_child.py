"""Read a workbook (xlsx, xls, ods) in a child process: ``python workbook_child.py [SHEET] < file > pickle``.

calamine trusts the sizes a file declares and aborts the whole process when an allocation fails: a few
flipped bytes of an .xls, or a crafted sheet our guards did not foresee, would take a web or job worker down
with it. Run alone under an address-space limit, an abort only ends this child and the reader refuses the
file. Imports nothing but calamine, so it starts in a few ms.

Without SHEET, every sheet is read (the caller picks the invoices and the customers by their contents);
the answer is ("ok", (sheet names, {name: rows})), ("no-sheet", names) or ("error", message).
"""
import io
import pickle
import resource
import sys

MEMORY_LIMIT = 12 * 1024 ** 3   # guards.MAX_CELLS cells as calamine's grid and as Python objects, with room


def read(data: bytes, sheet: str):
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    names = book.sheet_names
    if sheet and sheet not in names:
        return "no-sheet", names
    wanted = [sheet] if sheet else names
    return "ok", (names, {n: book.get_sheet_by_name(n).to_python(skip_empty_area=False) for n in wanted})


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
