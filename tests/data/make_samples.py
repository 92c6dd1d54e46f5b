"""Regenerate the sample receivables files in tests/data/ (committed; run by hand: python tests/data/make_samples.py).

Each imitates a real export: Sage-like cp1252 with title lines and totals, Excel "Unicode text" (UTF-16, tab),
an Odoo-like UTF-8 CSV with BOM, xlsx / xls / ods workbooks, a US export with month-first dates, a file with
headers only and a password-protected workbook. Every file holds the same 12 good invoices (5 debtors,
one credit note) and 3 bad rows: an unreadable amount, an impossible due date and a duplicate invoice number.
"""
from __future__ import annotations

import io
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
HEADER = ["Code client", "Raison sociale", "SIREN", "Contact", "Téléphone", "Tél. portable", "E-mail",
          "N° facture", "Date facture", "Échéance", "Montant TTC", "Reste dû", "Catégorie"]
# code, name, siren, contact, phone, mobile, email, [(number, invoice date, due date, amount, outstanding)]
DEBTORS = [
    ("00042", "Boulangerie Martin", "200297727", "Isabelle Moreau", "", "06 41 19 10 84", "",
     [("0001001", date(2026, 5, 21), date(2026, 7, 5), 313650, 313650),
      ("0001002", date(2026, 6, 2), date(2026, 7, 17), 124000, 62000)]),
    ("C00002", "Garage du Centre", "859411842", "Laurent Leroy", "03 39 43 85 96", "", "compta@centre.fr",
     [("FA0010034", date(2026, 6, 6), date(2026, 7, 6), 536640, 536640),
      ("FA0010044", date(2026, 10, 25), date(2026, 11, 11), 825174, 825174),
      ("AV0010050", date(2026, 9, 1), date(2026, 9, 1), -12000, -12000)]),
    ("C00003", "Transports Lefèvre", "321376316", "Sophie Morel", "01 44 55 66 77", "07 66 12 34 56",
     "s.morel@lefevre-transports.fr",
     [("FA0010071", date(2026, 4, 30), date(2026, 5, 31), 1234567, 1234567),
      ("FA0010072", date(2026, 8, 14), date(2026, 9, 13), 98000, 98000),
      ("FA0010073", date(2026, 9, 20), date(2026, 10, 20), 45050, 45050)]),
    ("C00004", "Pharmacie des Lilas", "552100554", "", "n.c.", "", "",
     [("FA0010080", date(2026, 7, 1), date(2026, 8, 31), 210000, 210000)]),
    ("C00005", "Menuiserie Roux SARL", "", "Paul Roux", "04 72 00 11 22", "", "paul@roux.fr",
     [("FA0010090", date(2026, 3, 3), date(2026, 4, 2), 77777, 77777),
      ("FA0010091", date(2026, 3, 18), date(2026, 4, 17), 10000, 10000),
      ("FA0010092", date(2026, 5, 12), date(2026, 6, 11), 5099, 5099)]),
]
GOOD_INVOICES = 12
TOTAL_CENTS = sum(inv[4] for d in DEBTORS for inv in d[7])


def fr_amount(cents: int, nbsp=True) -> str:
    sign = "-" if cents < 0 else ""
    euros, c = divmod(abs(cents), 100)
    return f"{sign}{euros:,}".replace(",", "\u00a0" if nbsp else " ") + f",{c:02d}"


def en_amount(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    euros, c = divmod(abs(cents), 100)
    return f"{sign}{euros:,}.{c:02d}"


def rows(amount=fr_amount, day=lambda d: d.strftime("%d/%m/%Y"), totals=True, typed=False, bad_due="31/02/2026"):
    """Header, invoice rows with subtotals, 3 bad rows, a grand total."""
    out = []
    for code, name, siren, contact, phone, mobile, email, invoices in DEBTORS:
        for number, issued, due, amt, outstanding in invoices:
            if typed:
                out.append([code, name, siren, contact, phone, mobile, email, number, issued, due,
                            amt / 100, outstanding / 100, "PME"])
            else:
                out.append([code, name, siren, contact, phone, mobile, email, number, day(issued), day(due),
                            amount(amt), amount(outstanding), "PME"])
        if totals:
            out.append(["", f"Total client {code}", "", "", "", "", "", "", "", "", "",
                        amount(sum(i[4] for i in invoices)) if not typed else sum(i[4] for i in invoices) / 100, ""])
    out.append(["C00006", "Plomberie Petit", "", "", "0612345678", "", "", "FA0020001", day(date(2026, 6, 1)),
                day(date(2026, 7, 1)), "à voir", "à voir", "TPE"])
    out.append(["C00007", "Electricité Blanc", "", "", "", "", "", "FA0020002", day(date(2026, 6, 1)),
                bad_due, amount(10000) if not typed else 100.0, amount(10000) if not typed else 100.0, "TPE"])
    dup = list(out[0])
    out.append(dup)
    out.append([""] * len(HEADER))
    out.append(["", "Total général", "", "", "", "", "", "", "", "", "",
                amount(TOTAL_CENTS) if not typed else TOTAL_CENTS / 100, ""])
    return out


def write_csv(path: Path, table, sep: str, encoding: str, newline="\r\n"):
    def cell(c):
        c = str(c)
        return f'"{c}"' if sep in c or '"' in c else c
    text = newline.join(sep.join(cell(c) for c in row) for row in table) + newline
    path.write_bytes(text.encode(encoding))


def main():
    title = [["Balance âgée clients - Exercice 2026"] + [""] * 12, ["Édité le 20/11/2026 à 08:14"] + [""] * 12,
             [""] * 13]
    # Sage-like: cp1252, ';', title lines, totals, non-breaking spaces as thousands separators.
    write_csv(HERE / "sage_balance_cp1252.csv", title + [HEADER] + rows(), ";", "cp1252")
    # Excel "Unicode text": UTF-16 with BOM, tabs, normal spaces.
    write_csv(HERE / "excel_unicode_text.txt", [HEADER] + rows(amount=lambda c: fr_amount(c, False)), "\t", "utf-16")
    # Odoo-like: UTF-8 with BOM, ',', ISO dates, decimal point; no totals.
    odoo = [HEADER] + rows(amount=lambda c: f"{c / 100:.2f}", day=lambda d: d.isoformat(), totals=False)
    write_csv(HERE / "odoo_export_bom.csv", odoo, ",", "utf-8-sig", newline="\n")
    # US export: month-first dates and 1,234.56 amounts, '|' separator.
    write_csv(HERE / "us_export_pipe.csv", [HEADER] + rows(amount=en_amount, day=lambda d: d.strftime("%m/%d/%Y"), bad_due="02/31/2026"),
              "|", "utf-8", newline="\n")
    # Headers only.
    write_csv(HERE / "headers_only.csv", title + [HEADER], ";", "cp1252")
    typed = [HEADER] + rows(typed=True)
    write_xlsx(HERE / "receivables.xlsx", [["Relevé des créances au 20/11/2026"], []] + typed)
    write_xls(HERE / "old_excel.xls", typed)
    write_ods(HERE / "libreoffice.ods", typed)
    write_protected(HERE / "protected.xlsx")
    (HERE / "not_a_spreadsheet.pdf").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")


def write_xlsx(path: Path, table, password: str | None = None):
    import xlsxwriter
    book = xlsxwriter.Workbook(str(path))
    book.add_worksheet("Notes").write(0, 0, "Export ERP")
    sheet = book.add_worksheet("Créances")
    dates = book.add_format({"num_format": "dd/mm/yyyy"})
    money = book.add_format({"num_format": "# ##0.00"})
    for r, row in enumerate(table):
        for c, value in enumerate(row):
            if isinstance(value, date):
                sheet.write_datetime(r, c, value, dates)
            elif isinstance(value, float):
                sheet.write_number(r, c, value, money)
            else:
                sheet.write_string(r, c, str(value))
    book.close()


def write_xls(path: Path, table):
    import xlwt
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Balance")
    dates = xlwt.easyxf(num_format_str="DD/MM/YYYY")
    for r, row in enumerate(table):
        for c, value in enumerate(row):
            if isinstance(value, date):
                sheet.write(r, c, value, dates)
            else:
                sheet.write(r, c, value)
    book.save(str(path))


def write_ods(path: Path, table):
    import pandas as pd
    frame = pd.DataFrame(table[1:], columns=table[0])
    with pd.ExcelWriter(path, engine="odf") as writer:
        frame.to_excel(writer, index=False, sheet_name="Balance")


def write_protected(path: Path):
    from msoffcrypto.format.ooxml import OOXMLFile
    plain = io.BytesIO()
    tmp = HERE / "_plain.xlsx"
    write_xlsx(tmp, [HEADER] + rows(typed=True))
    with open(tmp, "rb") as f:
        office = OOXMLFile(f)
        with open(path, "wb") as out:
            office.encrypt("secret", out)
    tmp.unlink()
    del plain


if __name__ == "__main__":
    main()
