"""Absurd values never load: huge amounts and impossible dates are rejected on every reader (csv, xlsx, xls,
ods); odd but possible balances load with a warning naming their row and column."""
from __future__ import annotations

import shutil
import subprocess
from datetime import date, datetime

import pytest
import xlsxwriter

from campaigns.importing import service
from campaigns.models import ImportKind

HEADER = ["Code client", "Raison sociale", "N° facture", "Date facture", "Échéance", "Montant TTC", "Reste dû"]
# (code, name, number, invoice date, due date, amount, outstanding): what each row is for.
ROWS = [
    ("C1", "Alpha", "F1", date(2026, 9, 1), date(2026, 10, 1), 100.0, 100.0),              # fine
    ("C1", "Alpha", "F2", date(2026, 9, 1), date(2026, 10, 1), 100.0, 1234567890123.0),    # 13 digits
    ("C2", "Beta", "F3", date(2026, 9, 1), date(9999, 12, 31), 50.0, 50.0),                 # year 9999
    ("C2", "Beta", "F4", date(1900, 1, 1), date(2026, 10, 1), 50.0, 50.0),                  # year 1900
    ("C3", "Gamma", "F5", date(2026, 9, 1), date(2026, 10, 1), 80.0, 120.0),                # open > amount
    ("C3", "Gamma", "F6", date(2026, 9, 1), date(2026, 10, 1), 0.0, 30.0),                  # zero amount
    ("C4", "Delta", "AV7", date(2026, 9, 1), date(2026, 9, 1), -40.0, -40.0),               # credit note
]


def write_xlsx(path):
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Factures")
    dates = book.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write_row(0, 0, HEADER)
    for r, (code, name, number, issued, due, amount, out) in enumerate(ROWS, 1):
        sheet.write_row(r, 0, [code, name, number])
        for c, day in ((3, issued), (4, due)):
            if day.year < 1900 or (day.year == 1900 and day.month < 3):
                sheet.write_string(r, c, day.strftime("%d/%m/%Y"))   # before Excel's epoch: as text
            else:
                sheet.write_datetime(r, c, datetime(day.year, day.month, day.day), dates)
        sheet.write_number(r, 5, amount)
        sheet.write_number(r, 6, out)
    book.close()


def write_csv(path):
    lines = [";".join(HEADER)]
    for code, name, number, issued, due, amount, out in ROWS:
        money = [f"{v:.2f}".replace(".", ",") for v in (amount, out)]
        lines.append(";".join([code, name, number, issued.strftime("%d/%m/%Y"), due.strftime("%d/%m/%Y"), *money]))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("plausibility")
    write_csv(folder / "factures.csv")
    write_xlsx(folder / "factures.xlsx")
    if shutil.which("soffice"):
        for kind in ("xls", "ods"):
            subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{folder}/lo", "--convert-to",
                            kind, "--outdir", str(folder), str(folder / "factures.xlsx")],
                           check=True, capture_output=True, timeout=120)
    return folder


@pytest.mark.parametrize("kind", ["csv", "xlsx", "xls", "ods"])
def test_absurd_values_are_rejected_and_odd_balances_load_with_a_warning_on_every_reader(
        session, make, tmp_path, files, kind):
    path = files / f"factures.{kind}"
    if not path.exists():
        pytest.skip("LibreOffice (soffice) is needed to write the xls and ods files: `make test` installs it")
    campaign = make.campaign()
    batch = service.store_upload(session, campaign, path.name, path.read_bytes(), str(tmp_path),
                                 kind=ImportKind.INITIAL)
    result = service.check(session, batch)
    rejected = {(r.row, r.column): r.reason for r in result.rejections}
    assert rejected == {
        (3, "Reste dû"): "unreadable amount: “1234567890123”" if kind != "csv"
        else "unreadable amount: “1234567890123,00”",
        (4, "Échéance"): "implausible date: 31/12/9999 (before 1990 or more than ten years ahead)",
        (5, "Date facture"): "implausible date: 01/01/1900 (before 1990 or more than ten years ahead)"}
    assert result.accepted == 4
    warnings = {(w["row"], w["column"], w["reason"]) for w in result.as_dict()["warnings"]}
    assert warnings == {
        (6, "Reste dû", "outstanding 120.00 above the invoice's amount 80.00"),
        (7, "Montant TTC", "an amount of zero with 30.00 outstanding"),
        (8, "Reste dû", "negative balance -40.00: a credit note or an overpayment")}
    assert batch.quality["warnings_count"] == 3


@pytest.mark.parametrize("value", ["99999999999999999999", "1e308", "-1e400", "inf", "NaN", "1" * 200,
                                   "12345678901234,56", "0x1F", "1_000", "--5", "(((3)))"])
def test_no_amount_string_is_loaded_or_fails_the_check(session, make, tmp_path, value):
    campaign = make.campaign()
    data = ("Code client;Raison sociale;N° facture;Échéance;Reste dû\n"
            f"C1;Alpha;F1;31/10/2026;{value}\nC1;Alpha;F2;31/10/2026;10,00\n").encode("utf-8")
    batch = service.store_upload(session, campaign, "f.csv", data, str(tmp_path), kind=ImportKind.INITIAL)
    result = service.check(session, batch)
    assert result.accepted == 1 and [r.row for r in result.rejections] == [2]
    service.apply(session, batch, result=result)
    session.flush()
