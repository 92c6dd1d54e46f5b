"""A manager uploads a client's invoices with its customers apart (a second file, or a sheet of the same
workbook), sees the join on the mapping page, and the debtors come out with their names and numbers."""
from __future__ import annotations

import io
import re

import sqlalchemy as sa

from campaigns.models import CampaignStatus, DebtorAccount, Phone, Role
from tests.integration.importing.test_customers_join import CUSTOMERS, INVOICES, csv, workbook


def form_of(page: str) -> dict:
    """The mapping form as the browser would post it: each select's chosen option, the hidden fields."""
    data = {}
    for name, body in re.findall(r'<select name="((?:col|cust)-\d+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected', body)
        data[name] = chosen.group(1) if chosen else ""
    for name, value in re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page):
        data.setdefault(name, value)
    return data


def start(web, app_make):
    web.login(app_make.user(Role.MANAGER))
    return app_make.campaign(status=CampaignStatus.DRAFT)


def test_a_customers_file_given_with_the_invoices_is_joined_and_its_unknown_codes_counted(web, app_make, db):
    campaign = start(web, app_make)
    page = web.get(f"/manage/campaigns/{campaign.id}").get_data(as_text=True)
    assert 'name="customers_file"' in page
    response = web.post(f"/manage/campaigns/{campaign.id}/imports", content_type="multipart/form-data", data={
        "file": (io.BytesIO(csv(INVOICES)), "factures.csv"), "kind": "initial",
        "customers_file": (io.BytesIO(csv(CUSTOMERS)), "clients.csv")})
    assert response.status_code == 303
    mapping_url = response.headers["Location"]
    page = web.get(mapping_url).get_data(as_text=True)
    assert "Les clients sont lus dans le fichier « clients.csv »" in page
    assert re.search(r'id="join-customers">4 clients lus<', page)
    assert re.search(r'id="join-unmatched"[^>]*>1 facture dont le code client ne figure dans aucune ligne de '
                     r'clients \(999\)<', page)
    assert "Boulangerie Martin" in page                                   # the customers' preview
    response = web.post(mapping_url, data=form_of(page))
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    assert web.post(response.headers["Location"] + "/confirm").status_code == 303
    martin = db.scalar(sa.select(DebtorAccount).where(DebtorAccount.customer_code == "101"))
    assert martin.company_name == "Boulangerie Martin" and martin.language == "fr"
    assert db.scalar(sa.select(sa.func.count()).select_from(Phone).where(Phone.debtor_id == martin.id)) == 2


def test_a_customers_sheet_found_in_the_workbook_can_be_declined(web, app_make, db):
    campaign = start(web, app_make)
    response = web.post(f"/manage/campaigns/{campaign.id}/imports", content_type="multipart/form-data", data={
        "file": (io.BytesIO(workbook(("Clients", CUSTOMERS), ("Factures", INVOICES))), "export.xlsx"),
        "kind": "initial"})
    mapping_url = response.headers["Location"]
    page = web.get(mapping_url).get_data(as_text=True)
    assert "Les clients sont lus dans la feuille « Clients »" in page
    declined = web.get(mapping_url + "?sheet=Factures&customers_sheet=-").get_data(as_text=True)
    assert 'id="customers-join"' not in declined
    response = web.post(mapping_url, data=form_of(declined))
    assert response.status_code == 303
    web.post(response.headers["Location"] + "/confirm")
    assert db.scalar(sa.select(DebtorAccount.company_name).where(DebtorAccount.customer_code == "101")) is None


def test_a_customers_mapping_without_its_code_column_answers_422_and_says_what_to_do(web, app_make):
    campaign = start(web, app_make)
    response = web.post(f"/manage/campaigns/{campaign.id}/imports", content_type="multipart/form-data", data={
        "file": (io.BytesIO(csv(INVOICES)), "factures.csv"), "kind": "initial",
        "customers_file": (io.BytesIO(csv(CUSTOMERS)), "clients.csv")})
    mapping_url = response.headers["Location"]
    form = form_of(web.get(mapping_url).get_data(as_text=True))
    form["cust-0"] = ""
    response = web.post(mapping_url, data=form)
    assert response.status_code == 422
    assert "code client" in response.get_data(as_text=True)


def test_the_mapping_page_says_the_group_headings_name_the_customers(web, app_make):
    from tests.integration.importing.test_real_exports import GROUPED
    campaign = start(web, app_make)
    response = web.post(f"/manage/campaigns/{campaign.id}/imports", content_type="multipart/form-data", data={
        "file": (io.BytesIO(GROUPED.encode()), "aged.csv"), "kind": "initial"})
    page = web.get(response.headers["Location"]).get_data(as_text=True)
    assert "Pas de colonne client : chaque groupe de lignes est précédé d" in page
    response = web.post(response.headers["Location"], data=form_of(page))
    assert response.status_code == 303
