"""A client's FEC loaded as it is: its customer accounts become the open receivables, matched entries left
out, payments and credit notes netted on the oldest invoices, opening entries kept, the ledger checked."""
from __future__ import annotations

from datetime import datetime

import pytest
import sqlalchemy as sa

from campaigns.errors import DomainError
from campaigns.importing import ledger, reading, service
from campaigns.models import DebtorAccount, Invoice, Role

HEAD = ("JournalCode|JournalLib|EcritureNum|EcritureDate|CompteNum|CompteLib|CompAuxNum|CompAuxLib|PieceRef|"
        "PieceDate|EcritureLib|Debit|Credit|EcritureLet|DateLet|ValidDate|Montantdevise|Idevise")


def line(journal, num, day, account, account_name, aux, aux_name, piece, label, debit, credit, let="", let_on=""):
    return (f"{journal}|{'Ventes' if journal == 'VE' else journal}|{num}|{day}|{account}|{account_name}|{aux}|{aux_name}|"
            f"{piece}|{day}|{label}|{debit}|{credit}|{let}|{let_on}|{day}||")


def sale(num, day, aux, name, piece, ttc, ht, tva, let="", let_on=""):
    return [line("VE", num, day, "411000", "Clients", aux, name, piece, f"Facture {piece}", ttc, "0,00", let, let_on),
            line("VE", num, day, "706000", "Prestations", "", "", piece, f"Facture {piece}", "0,00", ht),
            line("VE", num, day, "445710", "TVA collectée", "", "", piece, f"Facture {piece}", "0,00", tva)]


def payment(num, day, aux, name, piece, amount, let="", let_on=""):
    return [line("BQ", num, day, "512000", "Banque", "", "", piece, f"Règlement {name}", amount, "0,00"),
            line("BQ", num, day, "411000", "Clients", aux, name, piece, f"Règlement {name}", "0,00", amount, let, let_on)]


FEC = "\n".join([HEAD] + [
    # Garage Lopez: an opening balance, F101 paid in full (matched AA), F102 paid in part, F103 open.
    line("AN", "1", "20260101", "411000", "Clients", "C001", "Garage Lopez", "", "Solde à nouveau", "500,00", "0,00"),
    line("AN", "1", "20260101", "890000", "Bilan d'ouverture", "", "", "", "Solde à nouveau", "0,00", "500,00"),
    *sale("10", "20260910", "C001", "Garage Lopez", "F101", "1200,00", "1000,00", "200,00", "AA", "20261015"),
    *payment("11", "20261015", "C001", "Garage Lopez", "VIR101", "1200,00", "AA", "20261015"),
    *sale("12", "20261005", "C001", "Garage Lopez", "F102", "600,00", "500,00", "100,00"),
    *payment("13", "20261020", "C001", "Garage Lopez", "VIR102", "250,00"),
    *sale("14", "20261103", "C001", "Garage Lopez", "F103", "360,00", "300,00", "60,00"),
    # Boulangerie Petit: F201 with a credit note of 120 € (AV201), matched partially (code BB, 80 € left).
    *sale("20", "20261001", "C002", "Boulangerie Petit", "F201", "480,00", "400,00", "80,00", "BB", "20261101"),
    line("VE", "21", "20261101", "411000", "Clients", "C002", "Boulangerie Petit", "AV201", "Avoir AV201",
         "0,00", "400,00", "BB", "20261101"),
    line("VE", "21", "20261101", "706000", "Prestations", "", "", "AV201", "Avoir AV201", "400,00", "0,00"),
    # Menuiserie Roux paid twice: its account is a credit of 300 €.
    *sale("30", "20261002", "C003", "Menuiserie Roux", "F301", "300,00", "250,00", "50,00", "CC", "20261020"),
    *payment("31", "20261020", "C003", "Menuiserie Roux", "VIR301", "300,00", "CC", "20261020"),
    *payment("32", "20261025", "C003", "Menuiserie Roux", "VIR301B", "300,00"),
]) + "\n"


def derived(text, name="552100554FEC20261130.txt"):
    grid = reading.read_file(text.encode("utf-8"), name)
    return grid.rows, grid.ledger


def test_the_open_items_of_a_fec_are_its_unmatched_customer_lines_netted_oldest_first():
    rows, report = derived(FEC)
    assert rows[0] == ledger.HEADER
    items = {(r[0], r[2]): (r[4], r[5]) for r in rows[1:]}
    assert items == {
        ("C001", "Solde à nouveau"): ("500,00", "250,00"),      # the 250 € payment went to the oldest item
        ("C001", "F102"): ("600,00", "600,00"),
        ("C001", "F103"): ("360,00", "360,00"),
        ("C002", "F201"): ("480,00", "80,00"),                   # partial match BB: 80 € left
        ("C003", "Solde créditeur"): ("-300,00", "-300,00"),     # nothing to call
    }
    assert report.ledger_date.isoformat() == "2026-11-30"
    assert report.matched_codes == 2 and report.partial_matches == [("C002", "BB", 8_000)]
    assert report.customer_balance_cents == report.open_items_cents == 25_000 + 60_000 + 36_000 + 8_000 - 30_000
    assert report.other_lines == report.lines - report.customer_lines > 0
    assert ("C001", "Solde à nouveau", 25_000) in report.allocations


def test_a_match_dated_after_the_ledger_date_is_still_open():
    later = FEC.replace("|AA|20261015|", "|AA|20261215|")
    rows, _ = derived(later)
    assert ("C001", "F101") in {(r[0], r[2]) for r in rows[1:]}


def test_an_entry_that_does_not_balance_is_refused_with_its_journal_number_and_line():
    broken = FEC.replace("|F103|20261103|Facture F103|0,00|300,00|", "|F103|20261103|Facture F103|0,00|290,00|")
    with pytest.raises(DomainError) as refused:
        derived(broken)
    assert refused.value.params["entry"] == "14" and refused.value.params["journal"] == "VE"
    assert refused.value.params["difference"] == "10.00"


def test_the_sens_and_montant_variant_tab_separated_in_latin_1():
    head = "JournalCode\tJournalLib\tEcritureNum\tEcritureDate\tCompteNum\tCompteLib\tCompAuxNum\tCompAuxLib\t" \
           "PieceRef\tPieceDate\tEcritureLib\tMontant\tSens\tEcritureLet\tDateLet\tValidDate"
    body = ["VE\tVentes\t1\t20261010\t411000\tClients\tC9\tSARL Éléphant\tF9\t20261010\tFacture\t1 440,00\tD\t\t\t20261010",
            "VE\tVentes\t1\t20261010\t706000\tVentes\t\t\tF9\t20261010\tFacture\t1 200,00\tC\t\t\t20261010",
            "VE\tVentes\t1\t20261010\t445710\tTVA\t\t\tF9\t20261010\tFacture\t240,00\tC\t\t\t20261010"]
    grid = reading.read_file(("\n".join([head] + body) + "\n").encode("iso-8859-15"), "export.txt")
    assert grid.rows[1] == ["C9", "SARL Éléphant", "F9", "10/10/2026", "1440,00", "1440,00"]


def test_a_fec_in_iso_8859_15_keeps_its_oe_and_euro_sign():
    """ISO-8859-15 puts Œ, œ and € where Windows-1252 has ¼, ½ and ¤: the FEC's names must read right."""
    body = [line("VE", "1", "20261010", "411000", "Clients", "C7", "Les Sœurs Martin", "F7", "Facture 1 200 €",
                 "1200,00", "0,00"),
            line("VE", "1", "20261010", "706000", "Ventes Œuvres", "", "", "F7", "Facture 1 200 €", "0,00", "1200,00")]
    data = ("\n".join([HEAD] + body) + "\n").encode("iso-8859-15")
    assert b"\xbd" in data and b"\xa4" in data                          # œ and € as ISO-8859-15 writes them
    grid = reading.read_file(data, "552100554FEC20261130.txt")
    assert grid.rows[1][:3] == ["C7", "Les Sœurs Martin", "F7"]
    # The same bytes with a Windows-1252 sign elsewhere (’ at 0x92) are Windows-1252: ½ is then what it says.
    assert reading.single_byte_encoding(data + "l’an".encode("cp1252")) == "cp1252"
    assert reading.single_byte_encoding("Sœur".encode("cp1252")) == "cp1252"          # œ at 0x9c
    assert reading.single_byte_encoding("Sœur".encode("iso-8859-15")) == "iso-8859-15"
    balance = "Code client;Raison sociale;Facture;Montant\nC1;Cœur de Loire;F1;100,00\n".encode("iso-8859-15")
    assert reading.read_file(balance, "balance.csv").rows[1][1] == "Cœur de Loire"        # an aged balance too


def test_a_fec_loads_as_a_campaign_with_estimated_due_dates(session, make, tmp_path):
    company = make.client_company(name="Durand", payment_terms_days=30)
    campaign = make.campaign(client_company=company)
    batch = service.store_upload(session, campaign, "552100554FEC20261130.txt", FEC.encode("utf-8"), str(tmp_path))
    service.check(session, batch)
    service.confirm(session, batch)
    service.apply(session, batch)
    session.flush()
    lopez = session.scalar(sa.select(DebtorAccount).where(DebtorAccount.campaign_id == campaign.id,
                                                          DebtorAccount.customer_code == "C001"))
    assert lopez.company_name == "Garage Lopez" and lopez.total_outstanding_cents == 25_000 + 60_000 + 36_000
    f102 = session.scalar(sa.select(Invoice).where(Invoice.debtor_id == lopez.id, Invoice.number == "F102"))
    assert f102.due_date.isoformat() == "2026-11-04" and f102.due_date_estimated
    total = session.scalar(sa.select(sa.func.sum(Invoice.outstanding_cents)).where(Invoice.campaign_id == campaign.id))
    assert total == 25_000 + 60_000 + 36_000 + 8_000 - 30_000


def test_amounts_are_read_exactly_and_a_bad_one_is_named_with_its_line():
    import pandas as pd
    values = pd.Series(["1234,56", "1 234.5", "-0,50", "0", "", "12", "1.234,07"])
    assert list(ledger._cents_of(values, pd.Series(range(2, 9)))) == [123_456, 123_450, -50, 0, 0, 1_200, 123_407]
    bad = FEC.replace("|F103|20261103|Facture F103|360,00|", "|F103|20261103|Facture F103|36O,00|")
    with pytest.raises(DomainError) as refused:
        derived(bad)
    assert refused.value.params["value"] == "36O,00" and refused.value.params["row"] > 1


def test_a_later_fec_is_a_complete_balance_where_what_was_matched_since_is_paid(session, make, tmp_path):
    from campaigns.models import ImportKind, UpdateLine
    campaign = make.campaign(client_company=make.client_company(name="Durand", payment_terms_days=30))
    batch = service.store_upload(session, campaign, "552100554FEC20261130.txt", FEC.encode("utf-8"), str(tmp_path))
    service.check(session, batch)
    service.confirm(session, batch)
    service.apply(session, batch)
    session.flush()
    later = FEC.replace("\n", "\n", 1).rstrip("\n").split("\n")
    later = "\n".join(later + payment("40", "20261204", "C001", "Garage Lopez", "VIR103", "360,00", "DD", "20261204")) + "\n"
    later = later.replace("|F103|20261103|Facture F103|360,00|0,00||", "|F103|20261103|Facture F103|360,00|0,00|DD|20261204")
    # F201's credit note left the ledger (the accountant's purge): absent, not matched.
    later = "\n".join(l for l in later.split("\n") if "|F201|" not in l and "AV201" not in l) + "\n"
    update = service.store_upload(session, campaign, "552100554FEC20261205.txt", later.encode("utf-8"), str(tmp_path),
                                  kind=ImportKind.UPDATE)
    service.check(session, update)
    lines = {l.invoice_number: l for l in session.scalars(sa.select(UpdateLine).where(UpdateLine.batch_id == update.id))}
    assert lines["F103"].kind.value == "matched" and lines["F103"].after_cents == 0
    assert lines["F103"].paid_on.isoformat() == "2026-12-04"          # the day the ledger matched it, not the load
    assert lines["F201"].kind.value == "absent_paid" and "F102" not in lines
    assert update.changes_summary["matched"] == 1 and update.changes_summary["absent_paid"] == 1


SAGE_LEDGER = """Grand livre des tiers clients;;;;;;
Période du 01/01/2026 au 30/11/2026;;;;;;
Date;N° pièce;Libellé;Débit;Crédit;Lettrage;Solde
411LOPEZ  Garage Lopez;;;;;;
10/09/2026;F101;Facture F101;1 200,00;;AA;1 200,00
15/10/2026;VIR101;Virement;;1 200,00;AA;0,00
05/10/2026;F102;Facture F102;600,00;;;600,00
20/10/2026;VIR102;Virement partiel;;250,00;;350,00
Total 411LOPEZ;;;1 800,00;1 450,00;;350,00
411PETIT  Boulangerie Petit;;;;;;
01/10/2026;F201;Facture F201;480,00;;;480,00
Total 411PETIT;;;480,00;;;480,00
Total général;;;2 280,00;1 450,00;;830,00
"""


def test_a_customer_ledger_printed_by_customer_gives_the_same_open_items(session, make, tmp_path):
    grid = reading.read_file(SAGE_LEDGER.encode("cp1252"), "grand-livre-clients.csv")
    assert grid.rows[1:] == [["411LOPEZ", "Garage Lopez", "F102", "05/10/2026", "600,00", "350,00"],
                             ["411PETIT", "Boulangerie Petit", "F201", "01/10/2026", "480,00", "480,00"]]
    assert grid.ledger.matched_codes == 1 and grid.ledger.customer_balance_cents == 83_000
    assert grid.ledger.allocations == [("411LOPEZ", "F102", 25_000)]


def test_a_customer_ledger_saved_as_a_workbook_with_merged_headings_gives_the_same_open_items(tmp_path):
    """EBP and Cegid write the ledger as xlsx: the title and each customer's heading merged across the
    columns, dates as dates, amounts as numbers."""
    import xlsxwriter
    from datetime import date
    path = tmp_path / "grand-livre-clients.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Grand livre")
    day, bold = book.add_format({"num_format": "dd/mm/yyyy"}), book.add_format({"bold": True})
    sheet.merge_range(0, 0, 0, 6, "Grand livre des tiers clients", bold)
    sheet.merge_range(1, 0, 1, 6, "Période du 01/01/2026 au 30/11/2026")
    sheet.write_row(2, 0, ["Date", "N° pièce", "Libellé", "Débit", "Crédit", "Lettrage", "Solde"], bold)
    r = 3
    for heading, lines, total in (
            ("411LOPEZ  Garage Lopez", [(date(2026, 9, 10), "F101", "Facture F101", 1200, None, "AA", 1200),
                                        (date(2026, 10, 15), "VIR101", "Virement", None, 1200, "AA", 0),
                                        (date(2026, 10, 5), "F102", "Facture F102", 600, None, "", 600),
                                        (date(2026, 10, 20), "VIR102", "Virement partiel", None, 250, "", 350)],
             ("Total 411LOPEZ", 1800, 1450, 350)),
            ("411PETIT  Boulangerie Petit", [(date(2026, 10, 1), "F201", "Facture F201", 480, None, "", 480)],
             ("Total 411PETIT", 480, None, 480))):
        sheet.merge_range(r, 0, r, 6, heading, bold)
        r += 1
        for when, piece, label, debit, credit, code, balance in lines:
            sheet.write_datetime(r, 0, datetime.combine(when, datetime.min.time()), day)
            sheet.write_row(r, 1, [piece, label])
            for c, value in ((3, debit), (4, credit), (6, balance)):
                if value is not None:
                    sheet.write_number(r, c, value)
            if code:
                sheet.write(r, 5, code)
            r += 1
        sheet.write(r, 0, total[0], bold)
        for c, value in ((3, total[1]), (4, total[2]), (6, total[3])):
            if value is not None:
                sheet.write_number(r, c, value, bold)
        r += 1
    book.close()
    grid = reading.read_file(path.read_bytes(), path.name)
    assert grid.rows[1:] == [["411LOPEZ", "Garage Lopez", "F102", "05/10/2026", "600,00", "350,00"],
                             ["411PETIT", "Boulangerie Petit", "F201", "01/10/2026", "480,00", "480,00"]]
    assert grid.ledger.matched_codes == 1 and grid.ledger.customer_balance_cents == 83_000


def test_the_clients_own_customer_accounts_are_read_as_customers(session, make, tmp_path):
    from campaigns import client_settings
    renamed = FEC.replace("|411000|Clients|C002|", "|416000|Clients douteux|C002|")
    company = make.client_company(name="Durand", payment_terms_days=30)
    campaign = make.campaign(client_company=company)
    batch = service.store_upload(session, campaign, "552100554FEC20261130.txt", renamed.encode(), str(tmp_path))
    assert "C002" not in {row[0] for row in service.analyse(session, batch).grid.rows[1:]}      # 416: not a customer
    client_settings.update(session, company, client_settings.SettingsInput(
        legal_name="Durand", customer_accounts="411, 416"), None, __import__("datetime").date.today())
    assert company.customer_accounts == "411, 416"
    assert "C002" in {row[0] for row in service.analyse(session, batch).grid.rows[1:]}
    with pytest.raises(DomainError):
        client_settings.update(session, company, client_settings.SettingsInput(
            legal_name="Durand", customer_accounts="411; 4 1 6*"), None, __import__("datetime").date.today())


def test_the_enriched_file_of_a_fec_reads_it_with_the_clients_own_customer_accounts(session, make, tmp_path):
    from python_calamine import CalamineWorkbook

    from campaigns import client_settings
    from campaigns.recap import write_enriched
    renamed = FEC.replace("|411000|Clients|C002|", "|416000|Clients douteux|C002|")
    company = make.client_company(name="Durand", payment_terms_days=30)
    client_settings.update(session, company, client_settings.SettingsInput(
        legal_name="Durand", customer_accounts="411, 416"), None, __import__("datetime").date.today())
    campaign = make.campaign(client_company=company)
    batch = service.store_upload(session, campaign, "552100554FEC20261130.txt", renamed.encode(), str(tmp_path))
    service.check(session, batch)
    service.confirm(session, batch)
    service.apply(session, batch)
    session.flush()
    out = tmp_path / "enrichi.xlsx"
    assert write_enriched(session, campaign.id, str(out))["matched"] == 5      # every open item, C002 too
    table = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("Fichier enrichi").to_python()
    petit = next(row for row in table if row[0] == "C002")
    assert petit[2] == "F201" and petit[6] == "ouverte"                   # its status, from the import's own row


def test_a_fec_is_derived_once_then_read_from_beside_its_upload_until_the_purge(session, make, tmp_path, monkeypatch):
    from campaigns import client_settings
    from campaigns.importing import ledger_cache
    from campaigns.models import CampaignStatus
    from campaigns.recap import write_recap
    from campaigns.supervision import purge_personal_data
    company = make.client_company(name="Durand", payment_terms_days=30)
    campaign = make.campaign(client_company=company)
    batch = service.store_upload(session, campaign, "552100554FEC20261130.txt", FEC.encode("utf-8"), str(tmp_path))
    first = service.analyse(session, batch)
    kept = ledger_cache.cache_path(batch.stored_path)
    assert kept.exists()
    derivations = []
    real = ledger.receivables_from_text
    monkeypatch.setattr(ledger, "receivables_from_text", lambda *a, **k: derivations.append(1) or real(*a, **k))
    again = service.analyse(session, batch)                                 # the mapping page, visited again
    assert derivations == [] and again.grid.rows == first.grid.rows
    assert again.grid.ledger.matched_invoices == first.grid.ledger.matched_invoices
    assert again.grid.ledger.ledger_date.isoformat() == "2026-11-30"
    # Another customer accounts setting: derived again under it.
    client_settings.update(session, company, client_settings.SettingsInput(
        legal_name="Durand", customer_accounts="411, 416"), None, __import__("datetime").date.today())
    service.analyse(session, batch)
    assert derivations == [1]
    kept.write_text("{not json", encoding="utf-8")                          # a damaged cache is derived again
    assert service.analyse(session, batch).grid.rows == first.grid.rows and derivations == [1, 1]
    service.check(session, batch)
    service.confirm(session, batch)
    service.apply(session, batch)
    manager = make.user(Role.MANAGER)
    campaign.status = CampaignStatus.CLOSED
    write_recap(session, campaign.id, str(tmp_path / "final.xlsx"), final=True, user_id=manager.id)
    purge_personal_data(session, manager, campaign)
    assert not kept.exists()                                                # it named the debtors too


def test_a_fec_with_a_customers_file_gets_its_debtors_numbers_and_says_who_has_none(session, make, tmp_path):
    """A ledger names customers by their auxiliary account only: their phones come from the client's
    customers file (EBP's "Fichier clients" export), and the import counts those still without a number."""
    customers = ("Code;Nom;Téléphone;E-mail\n"
                 "C001;Garage Lopez SARL;01 42 68 53 00;compta@garage-lopez.fr\n"
                 "C002;Boulangerie Petit;06 12 34 56 78;\n").encode("cp1252")
    campaign = make.campaign(client_company=make.client_company(name="Durand", payment_terms_days=30))
    batch = service.store_upload(session, campaign, "552100554FEC20261130.txt", FEC.encode("utf-8"), str(tmp_path),
                                 customers_file=("clients.csv", customers))
    result = service.check(session, batch)
    service.apply(session, batch, result=result)
    session.flush()
    lopez = session.scalar(sa.select(DebtorAccount).where(DebtorAccount.campaign_id == campaign.id,
                                                          DebtorAccount.customer_code == "C001"))
    assert lopez.has_valid_phone and lopez.total_outstanding_cents == 121_000
    assert [p.e164 for p in lopez.phones] == ["+33142685300"]
    assert result.join.unmatched_invoices == 1                       # Menuiserie Roux: in the ledger only
    assert batch.quality["debtors_without_phone"] == 1
