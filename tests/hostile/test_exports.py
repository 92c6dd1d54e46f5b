"""Text a client or an agent typed never runs as a formula in the workbooks we send; numbers stay numbers."""
from __future__ import annotations

import io

import openpyxl
import pytest

from campaigns.models import ImportBatch, ImportKind, ImportRejection, ImportStatus, Role
from campaigns.importing.rejected_export import rejected_rows_xlsx
from campaigns.recap import write_recap
from tests.integration.supervision_data import DAY1, Recorder

FORMULAS = ['=HYPERLINK("http://evil.example","clic")', "=1+1", "+33 1 42 68 53 00", "-2+3", "-1", "@SUM(A1)",
            "\t=cmd|' /C calc'!A0", "\r=1+1", "=cmd|' /C calc'!A0"]


def as_read(text: str) -> str:
    """The text as openpyxl reads it: xlsxwriter escapes a carriage return as _x000D_, which Excel decodes."""
    return text.replace("\r", "_x000D_")


AS_READ = {as_read(t) for t in FORMULAS}


def hostile_cells(book, sheet_names=None):
    """Every cell of the workbook whose value is one of the hostile texts."""
    return [c for ws in book for row in ws.iter_rows() for c in row
            if c.value in AS_READ and (sheet_names is None or ws.title in sheet_names)]


def no_formula_anywhere(book):
    return not any(c.data_type == "f" for ws in book for row in ws.iter_rows() for c in row)


def test_the_recap_writes_hostile_names_numbers_notes_and_motive_details_as_text(session, make, tmp_path):
    agent = make.user(Role.AGENT, name="=agent()")
    campaign = make.campaign(agents=[agent])
    rec = Recorder(session)
    for text in FORMULAS:
        debtor = make.debtor(campaign, company_name=text, customer_code=text[:20], contact_names=text,
                             invoices=[(12_345, 20)])
        invoice = rec.invoices(debtor)[0]
        invoice.number = text[:80]
        rec.attempt(debtor, agent, notes=text, at=DAY1)
        rec.motive(invoice, "dispute.price", agent, disputed=5_000, details=text, documents=text)
    out = tmp_path / "recap.xlsx"
    write_recap(session, campaign.id, str(out))
    book = openpyxl.load_workbook(out)
    for sheet in ("Factures", "Appels", "Litiges"):
        cells = hostile_cells(book, [sheet])
        assert {c.value for c in cells} == AS_READ, sheet   # exactly what was typed, no apostrophe added
        assert all(c.data_type == "s" and c.quotePrefix for c in cells), sheet
    assert no_formula_anywhere(book)
    factures = book["Factures"]
    amounts = [row[5].value for row in factures.iter_rows(min_row=2)]
    assert amounts == [123.45] * len(FORMULAS) and all(isinstance(a, float) for a in amounts)


@pytest.fixture
def rejected_batch(session, make):
    campaign = make.campaign()
    batch = ImportBatch(campaign_id=campaign.id, kind=ImportKind.INITIAL, status=ImportStatus.CHECKED,
                        file_name="=evil.csv", sha256="2" * 64)
    session.add(batch)
    session.flush()
    for n, text in enumerate(FORMULAS, start=2):
        session.add(ImportRejection(batch_id=batch.id, row_number=n, column=text, reason=text,
                                    raw=[text, "1234,56", "42", text]))
    session.flush()
    return batch


def test_the_rejected_rows_come_back_as_text_never_as_formulas(session, rejected_batch):
    data = rejected_rows_xlsx(session, rejected_batch, ["=Code", "Montant", "Nombre", "+Note"])
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book.active
    assert [c.value for c in sheet[1]] == ["Row", "Column", "Reason", "=Code", "Montant", "Nombre", "+Note"]
    cells = hostile_cells(book)
    assert len(cells) == 4 * len(FORMULAS)           # column, reason and two raw cells per row, kept as typed
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)
    header = [c for c in sheet[1] if c.value in ("=Code", "+Note")]
    assert all(c.data_type == "s" and c.quotePrefix for c in header)
    assert no_formula_anywhere(book)
    assert [row[0].value for row in sheet.iter_rows(min_row=2)] == list(range(2, 2 + len(FORMULAS)))
    assert all(isinstance(row[0].value, int) for row in sheet.iter_rows(min_row=2))
    assert {row[4].value for row in sheet.iter_rows(min_row=2)} == {"1234,56"}   # the client's own text, unchanged


def test_the_enriched_file_keeps_a_client_cell_of_nan_or_infinity_as_text(session, make, tmp_path):
    import xlsxwriter

    from campaigns.recap import write_enriched
    from tests.hostile.files import rezip

    plain = tmp_path / "plain.xlsx"
    book = xlsxwriter.Workbook(str(plain))
    book.add_worksheet().write_row(0, 0, ["Code client", "Solde"])
    book.worksheets()[0].write_row(1, 0, [1.5, 7777.25])
    book.close()
    path = tmp_path / "clients.xlsx"   # calamine reads <v>NaN</v> and <v>1e400</v> as floats
    path.write_bytes(rezip(plain.read_bytes(), lambda name, content: content.replace(
        b"<v>1.5</v>", b"<v>NaN</v>").replace(b"<v>7777.25</v>", b"<v>1e400</v>") if "sheet1" in name else content))
    campaign = make.campaign()
    session.add(ImportBatch(campaign_id=campaign.id, kind=ImportKind.INITIAL, status=ImportStatus.APPLIED,
                            file_name=path.name, stored_path=str(path), sha256="4" * 64, header_row=1))
    session.flush()
    out = tmp_path / "enrichi.xlsx"
    write_enriched(session, campaign.id, str(out))
    sheet = openpyxl.load_workbook(out)["Fichier enrichi"]
    assert [sheet.cell(2, 1).value, sheet.cell(2, 2).value] == ["nan", "inf"]
    assert no_formula_anywhere(openpyxl.load_workbook(out))
