"""Files as clients send them are read, their header found, their amounts and dates understood."""
from datetime import date
from pathlib import Path

import pytest

from campaigns.errors import DomainError
from campaigns.importing import checking, column_plan, header, mapping, parsing, reading

DATA = Path(__file__).resolve().parents[2] / "data"
GOOD_FILES = ["sage_balance_cp1252.csv", "excel_unicode_text.txt", "odoo_export_bom.csv", "us_export_pipe.csv",
              "receivables.xlsx", "old_excel.xls", "libreoffice.ods"]


def check_file(name):
    grid = reading.read_file((DATA / name).read_bytes(), name)
    index = header.find_header(grid.rows)
    names = [parsing.text(c) for c in grid.rows[index]]
    suggested = column_plan.plan(names, [[parsing.text(c) for c in r] for r in grid.rows[index + 1:index + 30]]
                                 ).mapping()
    return grid, checking.check(grid.rows, index, suggested)


@pytest.mark.parametrize("name", GOOD_FILES)
def test_every_row_of_a_real_looking_export_is_accepted_rejected_or_skipped(name):
    _, result = check_file(name)
    assert result.rows_read == result.accepted + result.rejected + result.skipped
    assert (result.accepted, result.rejected, len(result.debtors)) == (12, 3, 5)
    assert result.total_outstanding_cents == 3_405_957  # the credit note is netted


@pytest.mark.parametrize("name", GOOD_FILES)
def test_rejections_name_the_row_the_column_and_the_reason(name):
    _, result = check_file(name)
    reasons = [(r.column, r.reason) for r in result.rejections]
    assert ("Reste dû", "unreadable amount: “à voir”") in reasons
    assert any(c == "Échéance" and "invalid due date" in r for c, r in reasons)
    assert any(c == "N° facture" and r.startswith("duplicate invoice number (row ") for c, r in reasons)


def test_encodings_and_separators_are_detected_not_asked():
    assert reading.read_file((DATA / "sage_balance_cp1252.csv").read_bytes()).encoding == "cp1252"
    grid = reading.read_file((DATA / "excel_unicode_text.txt").read_bytes())
    assert (grid.encoding, grid.separator) == ("utf-16", "\t")
    grid = reading.read_file((DATA / "odoo_export_bom.csv").read_bytes())
    assert (grid.encoding, grid.separator) == ("utf-8-sig", ",")
    assert reading.read_file((DATA / "us_export_pipe.csv").read_bytes()).separator == "|"


def test_the_header_is_found_under_title_lines_and_leading_zeros_are_kept():
    grid, result = check_file("sage_balance_cp1252.csv")
    assert header.find_header(grid.rows) == 3
    assert "code:00042" in result.debtors
    assert any(inv.number == "0001001" for inv in result.invoices)


def test_the_sheet_holding_the_data_is_chosen():
    grid = reading.read_file((DATA / "receivables.xlsx").read_bytes())
    assert grid.sheet == "Créances" and grid.sheet_names == ["Notes", "Créances"]


def test_us_dates_are_read_month_first_for_the_whole_column():
    _, result = check_file("us_export_pipe.csv")
    dues = {inv.number: inv.due_date for inv in result.invoices}
    assert dues["0001002"] == date(2026, 7, 17) and dues["FA0010080"] == date(2026, 8, 31)


@pytest.mark.parametrize("text, cents", [
    ("1234.56", 123456), ("1 234,56", 123456), ("1.234,56", 123456), ("1\u00a0234,56 €", 123456),
    ("1\u202f234,56\u00a0€", 123456), ("(120,00)", -12000), ("-120,00", -12000), ("1,234.56", 123456),
    ("0,5", 50), ("12", 1200), (1234.5, 123450), (7, 700),
])
def test_amounts_are_read_the_way_clients_write_them(text, cents):
    assert parsing.amount_cents(text) == cents


@pytest.mark.parametrize("text", ["à voir", "", "12,34,5x", "--"])
def test_unreadable_amounts_are_refused(text):
    with pytest.raises(parsing.Unreadable):
        parsing.amount_cents(text)


@pytest.mark.parametrize("cell, expected", [
    ("05/07/2026", date(2026, 7, 5)), ("05/07/26", date(2026, 7, 5)), ("2026-07-05", date(2026, 7, 5)),
    (46208, date(2026, 7, 5)), ("46208", date(2026, 7, 5)), (date(2026, 7, 5), date(2026, 7, 5)),
])
def test_dates_are_read_in_every_usual_form(cell, expected):
    assert parsing.parse_date(cell) == expected


def test_an_impossible_date_is_refused():
    with pytest.raises(parsing.Unreadable):
        parsing.parse_date("31/02/2026")


@pytest.mark.parametrize("header_name, field", [
    ("N° facture", "invoice_number"), ("Num. pièce", "invoice_number"), ("Invoice #", "invoice_number"),
    ("Montant TTC", "amount"), ("Solde", "outstanding"), ("Reste dû", "outstanding"), ("Échéance", "due_date"),
    ("Raison sociale", "company_name"), ("Tél. portable", "phone"), ("Code client", "customer_code"),
    ("Compte auxiliaire", "customer_code"), ("Due date", "due_date"), ("Customer name", "company_name"),
])
def test_mapping_suggestions_come_from_french_and_english_headers(header_name, field):
    assert mapping.field_for_header(header_name) == field


def test_several_phone_columns_and_content_based_suggestions():
    suggested = column_plan.plan(["Code", "Tel 1", "Portable", "Colonne 7"],
                                 [["1", "0142685300", "0611223344", "a@b.fr"], ["2", "", "", "c@d.com"]]).mapping()
    assert suggested["phone"] == ["Tel 1", "Portable"] and suggested["email"] == ["Colonne 7"]


def test_missing_required_columns_are_named():
    assert mapping.missing_required({"company_name": ["Nom"]}) == [
        "Invoice number", "Outstanding amount or amount", "Due date or invoice date"]
    assert mapping.missing_required({"company_name": ["Nom"], "invoice_date": ["Date"]}) == [
        "Invoice number", "Outstanding amount or amount"]


def test_phones_are_stored_in_e164_and_a_debtor_without_a_usable_phone_is_flagged():
    _, result = check_file("sage_balance_cp1252.csv")
    phones = result.debtors["code:C00003"].phones
    assert {p[1] for p in phones.values()} == {"+33144556677", "+33766123456"}
    assert not any(p[1] for p in result.debtors["code:C00004"].phones.values())
    assert result.quality()["debtors_without_phone"] == 1


@pytest.mark.parametrize("name, message", [
    ("protected.xlsx", "password"), ("not_a_spreadsheet.pdf", "not a spreadsheet"),
])
def test_bad_files_are_refused_with_a_clear_reason(name, message):
    with pytest.raises(DomainError) as err:
        reading.read_file((DATA / name).read_bytes(), name)
    assert message in str(err.value)


def test_an_empty_file_and_a_file_over_the_limit_are_refused():
    with pytest.raises(DomainError, match="empty"):
        reading.read_file(b"\r\n\r\n")
    with pytest.raises(DomainError, match="larger than the limit"):
        reading.read_file(b"a;b\n1;2\n" * 10, max_bytes=10)


def test_a_zip_bomb_workbook_is_refused():
    import io
    import zipfile
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", "0" * 60_000_000)
    with pytest.raises(DomainError, match="beyond reason"):
        reading.read_file(buffer.getvalue(), "bomb.xlsx")
