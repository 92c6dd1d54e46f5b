"""A client's export keeps its customers apart from its invoices, in a second sheet or a second file: the
debtors get their names, phones, e-mails, SIRET, address, language and size from it, and the manager is told
which invoices name no customer."""
from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
import xlsxwriter

from campaigns.errors import DomainError
from campaigns.importing import service
from campaigns.models import DebtorAccount, ImportKind, Invoice, Phone

CUSTOMERS = [
    ["N° client", "Raison sociale", "SIRET", "Téléphone", "Portable", "E-mail", "Adresse", "Code postal", "Ville",
     "Langue", "Taille"],
    ["0000101", "Boulangerie Martin", "732 829 320 00074", "01 42 68 53 00", "06 12 34 56 78", "compta@martin.example.com",
     "12 rue de la Paix", "75002", "Paris", "Français", "TPE"],
    ["0000102", "Hôtel Le Relais", "", "04 91 00 00 01", "", "", "3 quai du Port", "13002", "Marseille", "EN", "PME"],
    ["0000103", "Ateliers de Bretagne", "12345678901234", "02 99 00 00 02", "", "ab@bretagne.example.com", "", "", "",
     "klingon", "1 200 salariés"],
    ["0000104", "Client sans facture", "", "01 00 00 00 04", "", "", "", "", "", "", ""],
]
# The invoices name their customer by number only, written as numbers (no leading zeros) by this export.
INVOICES = [
    ["Client", "Facture", "Date", "Échéance", "Montant TTC", "Reste dû"],
    [101, "F-1001", "05/09/2026", "05/10/2026", "1 200,00", "1 200,00"],
    [101, "F-1002", "12/09/2026", "12/10/2026", "300,00", "150,00"],
    [102, "F-1003", "01/10/2026", "31/10/2026", "2 500,00", "2 500,00"],
    [103, "F-1004", "02/10/2026", "01/11/2026", "800,00", "800,00"],
    [999, "F-1005", "03/10/2026", "02/11/2026", "90,00", "90,00"],
]


def workbook(*sheets) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out)
    for name, rows in sheets:
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            sheet.write_row(r, 0, row)
    book.close()
    return out.getvalue()


def csv(rows) -> bytes:
    return "\n".join(";".join(str(c) for c in row) for row in rows).encode("utf-8")


def load(session, campaign, tmp_path, data, name, customers_file=None, **check):
    batch = service.store_upload(session, campaign, name, data, str(tmp_path), kind=ImportKind.INITIAL,
                                 customers_file=customers_file)
    result = service.check(session, batch, **check)
    service.apply(session, batch, result=result)
    session.flush()
    return batch, result


def debtor(session, campaign, code) -> DebtorAccount:
    return session.scalar(sa.select(DebtorAccount).where(DebtorAccount.campaign_id == campaign.id,
                                                         DebtorAccount.customer_code == code))


def test_a_customers_sheet_before_the_invoices_is_found_and_joined_by_the_customer_number(session, make, tmp_path):
    campaign = make.campaign()
    data = workbook(("Clients", CUSTOMERS), ("Factures", INVOICES))     # the customers come first
    batch = service.store_upload(session, campaign, "export.xlsx", data, str(tmp_path))
    analysis = service.analyse(session, batch)
    assert analysis.grid.sheet == "Factures"                             # chosen by its contents
    assert analysis.customers.name == "Clients"
    assert analysis.join.customers == 4 and analysis.join.unmatched_invoices == 1
    assert analysis.join.unmatched_keys == ["999"]

    result = service.check(session, batch)
    service.apply(session, batch, result=result)
    session.flush()
    martin = debtor(session, campaign, "101")
    assert martin.company_name == "Boulangerie Martin"
    assert martin.siret == "73282932000074" and martin.siren == "732829320"
    assert martin.emails == "compta@martin.example.com"
    assert martin.address == "12 rue de la Paix\n75002 Paris"
    assert (martin.language, martin.company_size) == ("fr", "tpe")
    numbers = session.scalars(sa.select(Phone.e164).where(Phone.debtor_id == martin.id).order_by(Phone.position)).all()
    assert numbers == ["+33142685300", "+33612345678"]
    relais = debtor(session, campaign, "102")
    assert (relais.language, relais.company_size, relais.address) == ("en", "pme", "3 quai du Port\n13002 Marseille")
    bretagne = debtor(session, campaign, "103")
    assert bretagne.siret is None and bretagne.language == "fr" and bretagne.company_size == "eti"
    reasons = {w.text() for w in result.warnings}
    assert "not a valid SIRET: “12345678901234” (14 digits with their check key)" in reasons
    assert "language not understood: “klingon” (French is assumed)" in reasons
    assert any(w.column == "Clients · Langue" and w.row == 4 for w in result.warnings)
    # The unknown customer is still loaded, named by its number, and counted.
    assert debtor(session, campaign, "999").company_name is None
    assert result.join.as_dict() | {"unmatched_keys": None} == {
        "source": "sheet", "name": "Clients", "customers": 4, "repeated_keys": 0, "rows_without_key": 0,
        "matched_debtors": 3, "unmatched_debtors": 1, "unmatched_invoices": 1, "unmatched_keys": None,
        "customers_without_invoices": 1}
    assert batch.quality["customers"]["unmatched_invoices"] == 1
    assert result.accepted == 5 and result.rows_read == 5            # the counting invariant is the invoices'


def test_a_second_file_of_customers_is_stored_beside_the_invoices_and_joined(session, make, tmp_path):
    campaign = make.campaign()
    batch, result = load(session, campaign, tmp_path, csv(INVOICES), "factures.csv",
                         customers_file=("clients.csv", csv(CUSTOMERS)))
    assert batch.customers_source == "file" and batch.customers_file_name == "clients.csv"
    assert len(batch.customers_sha256) == 64
    assert debtor(session, campaign, "102").company_name == "Hôtel Le Relais"
    assert result.join.unmatched_invoices == 1 and result.join.customers == 4
    assert sum(1 for _ in tmp_path.rglob("*.csv")) == 2                 # both originals kept


def test_both_mappings_are_remembered_for_the_client_and_used_on_its_next_file(session, make, tmp_path):
    company = make.client_company()
    first = make.campaign(client_company=company)
    renamed = [["Cpte", *CUSTOMERS[0][1:]]] + CUSTOMERS[1:]
    load(session, first, tmp_path, csv(INVOICES), "factures.csv", customers_file=("clients.csv", csv(renamed)),
         customers_chosen={"customer_code": ["Cpte"], "company_name": ["Raison sociale"], "phone": ["Téléphone"]})
    assert company.customers_mapping["customer_code"] == ["Cpte"]
    second = make.campaign(client_company=company)
    batch = service.store_upload(session, second, "factures.csv", csv(INVOICES) + b"\n", str(tmp_path / "2"),
                                 customers_file=("clients.csv", csv(renamed)))
    analysis = service.analyse(session, batch)
    assert analysis.customers.suggested["customer_code"] == ["Cpte"]
    assert "E-mail" not in sum(analysis.customers.suggested.values(), [])   # as the manager left it last time


def test_invoices_without_a_customer_code_column_cannot_be_joined_and_say_so(session, make, tmp_path):
    campaign = make.campaign()
    by_name = [["Raison sociale", "Facture", "Échéance", "Reste dû"], ["Hôtel Le Relais", "F1", "01/11/2026", "10,00"]]
    batch = service.store_upload(session, campaign, "factures.csv", csv(by_name), str(tmp_path),
                                 customers_file=("clients.csv", csv(CUSTOMERS)))
    with pytest.raises(DomainError, match="no customer code column"):
        service.check(session, batch)


def test_a_declined_customers_sheet_is_not_joined(session, make, tmp_path):
    campaign = make.campaign()
    batch = service.store_upload(session, campaign, "export.xlsx", workbook(("Factures", INVOICES),
                                                                            ("Clients", CUSTOMERS)), str(tmp_path))
    batch.customers_source = "none"
    result = service.check(session, batch)
    assert result.join is None
    service.apply(session, batch, result=result)
    assert debtor(session, campaign, "101").company_name is None


def test_a_payments_list_takes_no_customers_file(session, make, tmp_path):
    campaign = make.campaign()
    load(session, campaign, tmp_path, csv(INVOICES), "factures.csv")
    with pytest.raises(DomainError, match="payments list names invoices only"):
        service.store_upload(session, campaign, "reglements.csv", b"Facture;Montant;Date\nF-1001;10;01/11/2026",
                             str(tmp_path), kind=ImportKind.PAYMENTS, customers_file=("clients.csv", csv(CUSTOMERS)))


def test_the_fields_in_the_invoices_file_itself_reach_the_debtor(session, make, tmp_path):
    campaign = make.campaign()
    rows = [["Code client", "Raison sociale", "N° facture", "Échéance", "Reste dû", "Langue", "Tranche d'effectif",
             "SIRET", "Segment", "Adresse", "CP", "Ville"],
            ["C1", "Dupont SA", "F1", "01/11/2026", "100,00", "de", "12", "73282932000074", "Grand compte",
             "1 rue A", "69001", "Lyon"]]
    _batch, _result = load(session, campaign, tmp_path, csv(rows), "factures.csv")
    d = debtor(session, campaign, "C1")
    assert (d.language, d.company_size, d.siret, d.siren, d.segment) == ("de", "pme", "73282932000074", "732829320",
                                                                         "Grand compte")
    assert d.address == "1 rue A\n69001 Lyon"      # INSEE band 12: 20 to 49 employees, a PME
    assert session.scalar(sa.select(sa.func.count()).select_from(Invoice).where(Invoice.campaign_id == campaign.id)) == 1


def test_hostile_customer_values_are_bounded_and_cleaned_before_the_database(session, make, tmp_path):
    campaign = make.campaign()
    long = "x" * 10_000
    rows = [CUSTOMERS[0]] + [CUSTOMERS[2]] * 60 + [   # NUL bytes past the head (in it, the file is binary)
        ["0000101", "Nom\x00" + long, "7" * 40, "01 42 68 53 00", "", "a@b.example.com", long, "75002", long,
         "\x00" * 50, long]]
    load(session, campaign, tmp_path, csv(INVOICES[:2]), "factures.csv", customers_file=("clients.csv", csv(rows)))
    d = debtor(session, campaign, "101")
    assert len(d.company_name) == 300 and "\x00" not in d.company_name
    assert len(d.address) <= 500 and d.siret is None and d.company_size is None and d.language == "fr"


def test_a_customers_file_that_is_not_a_table_is_refused_with_the_reason(session, make, tmp_path):
    campaign = make.campaign()
    with pytest.raises(DomainError) as caught:
        service.store_upload(session, campaign, "factures.csv", csv(INVOICES), str(tmp_path),
                             customers_file=("clients.pdf", b"%PDF-1.4 not a table"))
    assert str(caught.value) == "The customers file: The file is not a spreadsheet we can read."
