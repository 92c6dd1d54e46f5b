"""The recap workbook: sheets, exact sums, formula injection, LibreOffice, and the client's file enriched."""
from __future__ import annotations

import csv
import os
import shutil
import subprocess
from decimal import Decimal

import openpyxl
import pytest
import xlsxwriter

from campaigns.models import ContactResult as R, ImportBatch, ImportKind, ImportStatus, Invoice, PromiseStatus, Role
from campaigns.recap import SHEETS, write_enriched, write_recap

from .supervision_data import DAY1, Recorder
from .test_supervision_figures import mission  # noqa: F401 - the hand-computed mission fixture

HOSTILE = ["=HYPERLINK(\"http://evil\",\"x\")", "+33 1 42", "-2+3", "@SUM(A1)", "\tcmd", "\rx"]


def rows(path, sheet):
    book = openpyxl.load_workbook(path, read_only=True)
    return [list(r) for r in book[sheet].iter_rows(values_only=True)]


def test_the_workbook_has_the_six_sheets_in_order(session, mission, tmp_path):
    out = tmp_path / "recap.xlsx"
    write_recap(session, mission["campaign"].id, str(out))
    assert openpyxl.load_workbook(out).sheetnames == list(SHEETS)


def test_the_sum_of_montant_du_equals_the_outstanding_imported_to_the_cent(session, make, tmp_path):
    campaign = make.campaign()
    amounts = [12_345, 1, 99, -4_567, 100_000_01, 33_33, 7]
    for i in range(0, len(amounts), 2):
        make.debtor(campaign, invoices=[(c, 10) for c in amounts[i:i + 2]])
    out = tmp_path / "recap.xlsx"
    totals = write_recap(session, campaign.id, str(out))
    table = rows(out, "Factures")
    column = table[0].index("Montant dû")
    written = sum(Decimal(str(r[column])) for r in table[1:])
    assert written == Decimal(sum(amounts)) / 100
    # 99 and -45,67 make a credit balance: nothing to collect, so not placed, and said apart.
    assert totals["montant_du_cents"] == sum(amounts)
    assert totals["amount_placed_cents"] == sum(amounts) - (99 - 4_567)
    synthese = {r[0]: r[1] for r in rows(out, "Synthèse") if r and r[0]}
    assert Decimal(str(synthese["Montant confié"])) + Decimal(str(synthese["Montant des soldes créditeurs"])) == \
        Decimal(sum(amounts)) / 100
    assert len(table) - 1 == len(amounts)


def test_promises_disputes_and_unreached_debtors_have_their_rows(session, mission, tmp_path):
    out = tmp_path / "recap.xlsx"
    write_recap(session, mission["campaign"].id, str(out))
    engagements = rows(out, "Engagements")
    statuses = sorted(r[6] for r in engagements[1:])
    # One row per single promise, one per instalment of the plan (2), and the cancelled one.
    assert statuses == ["annulée", "non tenue", "non tenue", "partiellement tenue", "tenue"]
    litiges = rows(out, "Litiges")
    assert [(r[3][-2:], r[4], r[6], r[11]) for r in litiges[1:]] == [
        ("-1", 150.0, "Litige sur le prix", "ouvert"), ("-2", 200.0, "Facture non reçue", "ouvert")]
    assert litiges[2][8] == "Duplicata"
    non_joints = rows(out, "Non joints")
    assert [(r[3], r[4], r[7]) for r in non_joints[1:]] == [(300.0, 2, "occupé"), (100.0, 0, None)]
    assert len(rows(out, "Appels")) == 1 + 7
    summary = {r[0]: r[1] for r in rows(out, "Synthèse") if r[0]}
    assert summary["Montant confié"] == 3800.0 and summary["Montant promis"] == 2800.0
    assert summary["Montant payé depuis le début"] == 1800.0 and summary["Appels aboutis (interlocuteur joint, refus compris)"] == 4


def test_text_that_looks_like_a_formula_is_written_as_text(session, make, tmp_path):
    campaign = make.campaign()
    rec = Recorder(session)
    agent = make.user(Role.AGENT)
    for text in HOSTILE:
        debtor = make.debtor(campaign, company_name=text, customer_code=text[:20])
        rec.attempt(debtor, agent, R.NO_ANSWER, notes=text, at=DAY1)
    out = tmp_path / "recap.xlsx"
    write_recap(session, campaign.id, str(out))
    book = openpyxl.load_workbook(out)
    for sheet in ("Factures", "Appels", "Non joints"):
        cells = [c for row in book[sheet].iter_rows(min_row=2) for c in row if c.value in HOSTILE]
        assert cells, sheet
        assert all(c.data_type == "s" and c.quotePrefix for c in cells), sheet
    assert not any(c.data_type == "f" for ws in book for row in ws.iter_rows() for c in row)


@pytest.mark.skipif(shutil.which("soffice") is None,
                    reason="LibreOffice (soffice) is not installed: apt-get install libreoffice-calc-nogui")
def test_libreoffice_opens_the_workbook_and_prints_it(session, mission, tmp_path):
    out = tmp_path / "recap.xlsx"
    write_recap(session, mission["campaign"].id, str(out))
    result = subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path}/lo-profile-{os.getpid()}", "--headless",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(out)],
        capture_output=True, text=True, timeout=180)
    pdf = tmp_path / "recap.pdf"
    assert pdf.exists() and pdf.stat().st_size > 5_000, result.stdout + result.stderr
    assert pdf.read_bytes().startswith(b"%PDF")


def _batch(session, campaign, path, header_row=1, sheet=None):
    batch = ImportBatch(campaign_id=campaign.id, kind=ImportKind.INITIAL, status=ImportStatus.APPLIED,
                        file_name=path.name, stored_path=str(path), sha256="1" * 64, header_row=header_row,
                        sheet_name=sheet)
    session.add(batch)
    session.flush()
    return batch


def _link(session, debtor, batch, rows_):
    for invoice, row in zip(Recorder(session).invoices(debtor), rows_):
        invoice.import_batch_id, invoice.source_row = batch.id, row
    session.flush()


def test_the_clients_csv_comes_back_with_the_outcome_columns(session, make, tmp_path):
    campaign = make.campaign()
    agent = make.user(Role.AGENT)
    path = tmp_path / "balance.csv"
    lines = [["Export Sage du 01/11/2026", "", "", ""], ["Code client", "Raison sociale", "N° facture", "Solde"],
             ["00042", "Durand SARL", "0001", "1 000,00"], ["00043", "=cmd()", "0002", "500,00"],
             ["Total", "", "", "1 500,00"]]
    with open(path, "w", encoding="cp1252", newline="") as fh:
        csv.writer(fh, delimiter=";").writerows(lines)
    d1 = make.debtor(campaign, invoices=[(100_000, 20)], customer_code="00042")
    d2 = make.debtor(campaign, invoices=[(50_000, 20)], customer_code="00043")
    batch = _batch(session, campaign, path, header_row=2)
    _link(session, d1, batch, [3])
    _link(session, d2, batch, [4])
    Recorder(session).promise(d1, agent, 100_000, status=PromiseStatus.PENDING)
    out = tmp_path / "enrichi.xlsx"
    result = write_enriched(session, campaign.id, str(out))
    table = rows(out, "Fichier enrichi")
    assert result["matched"] == 2
    assert table[0][:4] == ["Export Sage du 01/11/2026", None, None, None]
    assert table[1][:5] == ["Code client", "Raison sociale", "N° facture", "Solde", "Relance : statut"]
    assert table[2][:4] == ["00042", "Durand SARL", "0001", "1 000,00"]  # leading zeros kept, as the client wrote
    assert table[2][4] == "promesse" and table[2][6] == 1000.0 and table[2][7] == "virement"
    assert table[3][1] == "=cmd()" and table[3][4] == "ouverte"
    assert table[4][0] == "Total" and table[4][4] is None


def test_the_clients_xlsx_comes_back_with_the_outcome_columns(session, make, tmp_path):
    campaign = make.campaign()
    path = tmp_path / "balance.xlsx"
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("Balance")
    for r, row in enumerate([["Code", "Société", "Facture", "Montant"], ["C1", "Alpha", "F-1", 1200.5],
                             ["C2", "Beta", "F-2", 99.99]]):
        for c, v in enumerate(row):
            ws.write(r, c, v)
    book.close()
    d1 = make.debtor(campaign, invoices=[(120_050, 20)])
    d2 = make.debtor(campaign, invoices=[(9_999, 20)])
    batch = _batch(session, campaign, path, header_row=1, sheet="Balance")
    _link(session, d1, batch, [2])
    _link(session, d2, batch, [3])
    Recorder(session).motive(session.get(Invoice, Recorder(session).invoices(d2)[0].id), "dispute.quality")
    out = tmp_path / "enrichi.xlsx"
    write_enriched(session, campaign.id, str(out))
    table = rows(out, "Fichier enrichi")
    assert table[0][4] == "Relance : statut" and len(table) == 3
    assert table[1][:4] == ["C1", "Alpha", "F-1", 1200.5] and table[1][4] == "ouverte"
    assert table[2][4] == "en litige" and table[2][8] == "Litige qualité" and table[2][10] == 0


def test_a_file_loaded_by_the_real_import_comes_back_exact_and_enriched(session, make, tmp_path):
    from campaigns.importing import service
    campaign = make.campaign()
    text = ("Balance âgée au 31/10/2026;;;;\n"
            "Code client;Raison sociale;N° facture;Échéance;Solde\n"
            "00042;Durand SARL;0001;15/09/2026;1 000,10\n"
            "00042;Durand SARL;0002;15/10/2026;(120,00)\n"
            "00043;Martin & Fils;0003;01/10/2026;2 345,67\n"
            "Total;;;;3 225,77\n")
    batch = service.store_upload(session, campaign, "balance.csv", text.encode("cp1252"), str(tmp_path / "up"))
    service.check(session, batch)
    service.confirm(session, batch)
    service.apply(session, batch)
    session.flush()
    out = tmp_path / "recap.xlsx"
    totals = write_recap(session, campaign.id, str(out))
    assert totals["montant_du_cents"] == batch.total_outstanding_cents == 100_010 - 12_000 + 234_567
    table = rows(out, "Factures")
    assert sum(Decimal(str(r[5])) for r in table[1:]) == Decimal("3225.77")
    enriched_out = tmp_path / "enrichi.xlsx"
    result = write_enriched(session, campaign.id, str(enriched_out))
    back = rows(enriched_out, "Fichier enrichi")
    assert result["matched"] == 3
    assert [r[2] for r in back[2:5]] == ["0001", "0002", "0003"]  # same rows, same order, leading zeros kept
    assert back[2][4] == "1 000,10" and back[2][5] == "ouverte" and back[4][5] == "ouverte" and back[2][11] == 0
    assert back[5][0] == "Total" and back[5][5] is None


def test_the_recap_and_the_enriched_file_give_each_invoices_penalties_and_what_was_claimable(
        session, make, tmp_path):
    """1 000 € 73 days late at the terms' 12 %: 24,00 € of interest (100000 × 12 % × 73/365) and 40 €; a US
    dollar invoice gets none (the French indemnity and default rate are for euro debts)."""
    company = make.client_company(name="Durand SA", late_interest_rate=Decimal("12"))
    campaign = make.campaign(client_company=company)
    path = tmp_path / "balance.csv"
    lines = [["Code client", "Raison sociale", "N° facture", "Solde"],
             ["00042", "Durand SARL", "0001", "1 000,00"], ["00043", "Smith Inc", "0002", "500,00"]]
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, delimiter=";").writerows(lines)
    d1 = make.debtor(campaign, invoices=[(100_000, 73)], customer_code="00042")
    d2 = make.debtor(campaign, invoices=[(50_000, 73)], customer_code="00043", currency="USD")
    session.flush()
    session.query(Invoice).filter(Invoice.debtor_id == d2.id).update({"currency": "USD"})
    batch = _batch(session, campaign, path, header_row=1)
    _link(session, d1, batch, [2])
    _link(session, d2, batch, [3])

    out = tmp_path / "recap.xlsx"
    write_recap(session, campaign.id, str(out))
    factures = rows(out, "Factures")
    head = factures[0]
    euro = next(r for r in factures[1:] if r[0] == "00042")
    assert euro[head.index("Indemnité forfaitaire")] == 40.0 and euro[head.index("Intérêts de retard")] == 24.0
    dollar = next(r for r in factures[1:] if r[0] == "00043")
    assert dollar[head.index("Indemnité forfaitaire")] is None and dollar[head.index("Intérêts de retard")] is None
    synthese = {r[0]: r[1] for r in rows(out, "Synthèse") if r and r[0]}
    assert synthese["Indemnités forfaitaires exigibles (40 € par facture)"] == 40.0
    assert synthese["Intérêts de retard exigibles"] == 24.0 and synthese["Total exigible"] == 64.0

    enriched = tmp_path / "enrichi.xlsx"
    write_enriched(session, campaign.id, str(enriched))
    table = rows(enriched, "Fichier enrichi")
    indemnity, interest = (table[0].index("Relance : indemnité forfaitaire"),
                           table[0].index("Relance : intérêts de retard"))
    assert (table[1][indemnity], table[1][interest]) == (40.0, 24.0)
    assert (table[2][indemnity], table[2][interest]) == (None, None)
