"""A manager creates a campaign, uploads the client's file, maps it, checks it, confirms and sees the summary."""
import html
import io
import re
from pathlib import Path

import sqlalchemy as sa

from campaigns.models import (Campaign, CampaignStatus, DebtorAccount, ImportBatch, ImportStatus, Invoice,
                              InvoiceStatus, Role)

DATA = Path(__file__).resolve().parents[2] / "data"


def upload(web, campaign, name, kind="initial"):
    return web.post(f"/manage/campaigns/{campaign.id}/imports",
                    data={"file": (io.BytesIO((DATA / name).read_bytes()), name), "kind": kind},
                    content_type="multipart/form-data")


def manager(web, app_make):
    user = app_make.user(Role.MANAGER)
    web.login(user)
    return user


def test_a_manager_creates_a_campaign_for_a_new_client(web, app_make, db):
    manager(web, app_make)
    assert "Nouvelle campagne" in web.get("/").get_data(as_text=True)
    response = web.post("/manage/campaigns/new", data={"new_client": "Acme SA", "name": "Relance Q4",
                                                        "start": "2026-11-01", "end": "2026-12-20"})
    assert response.status_code == 303
    campaign = db.scalar(sa.select(Campaign).where(Campaign.name == "Relance Q4"))
    assert campaign.client_company.name == "Acme SA" and campaign.status is CampaignStatus.DRAFT


def test_creating_a_campaign_without_a_name_answers_422_with_the_error(web, app_make):
    manager(web, app_make)
    response = web.post("/manage/campaigns/new", data={"new_client": "Acme SA", "name": ""})
    assert response.status_code == 422


def test_upload_map_check_confirm_and_summary(web, app_make, db):
    manager(web, app_make)
    campaign = app_make.campaign(status=CampaignStatus.DRAFT)
    response = upload(web, campaign, "sage_balance_cp1252.csv")
    assert response.status_code == 303
    mapping_url = response.headers["Location"]
    page = web.get(mapping_url).get_data(as_text=True)
    assert "Boulangerie Martin" in page and "00042" in page  # preview with leading zeros
    assert re.search(r'name="col-7".*?<option value="invoice_number" selected', page, re.S)
    form = {f"col-{i}": f for i, f in enumerate(
        ["customer_code", "company_name", "siren", "contact_name", "phone", "phone", "email", "invoice_number",
         "invoice_date", "due_date", "amount", "outstanding", "segment"])}
    response = web.post(mapping_url, data=form)
    assert response.status_code == 303
    batch_url = response.headers["Location"]
    page = web.get(batch_url).get_data(as_text=True)
    assert 'id="count-read">22<' in page and 'id="count-accepted">12<' in page
    assert 'id="count-rejected">3<' in page and 'id="count-skipped">7<' in page
    assert "montant illisible" in page  # the reason, in French
    batch = db.scalar(sa.select(ImportBatch))
    assert batch.status is ImportStatus.CHECKED
    assert db.scalar(sa.select(sa.func.count()).select_from(DebtorAccount)) == 0  # nothing before confirmation
    response = web.post(f"{batch_url}/confirm")
    assert response.status_code == 303
    fragment = web.get(batch_url, htmx=True).get_data(as_text=True)
    assert 'id="import-status"' in fragment and "<html" not in fragment  # htmx gets the fragment only
    assert "5 débiteurs et 12 factures" in fragment
    db.expire_all()
    assert db.get(ImportBatch, batch.id).status is ImportStatus.APPLIED
    assert db.scalar(sa.select(sa.func.count()).select_from(DebtorAccount)) == 5
    download = web.get(f"{batch_url}/rejected.xlsx")
    assert download.status_code == 200 and download.data[:2] == b"PK"


def test_the_rejected_rows_download_holds_the_original_columns_and_the_reason(web, app_make):
    from python_calamine import CalamineWorkbook
    manager(web, app_make)
    campaign = app_make.campaign(status=CampaignStatus.DRAFT)
    mapping_url = upload(web, campaign, "receivables.xlsx").headers["Location"]
    page = web.get(mapping_url).get_data(as_text=True)
    form = dict(re.findall(r'name="(col-\d+)"[^>]*>.*?<option value="(\w+)" selected', page, re.S))
    batch_url = web.post(mapping_url, data=form).headers["Location"]
    rows = CalamineWorkbook.from_filelike(io.BytesIO(web.get(f"{batch_url}/rejected.xlsx").data)) \
        .get_sheet_by_index(0).to_python()
    assert rows[0][:4] == ["Ligne", "Colonne", "Motif", "Code client"]
    assert len(rows) == 4 and any("31/02/2026" in str(r[2]) for r in rows)


def test_missing_required_columns_answer_422_naming_them(web, app_make):
    manager(web, app_make)
    campaign = app_make.campaign(status=CampaignStatus.DRAFT)
    mapping_url = upload(web, campaign, "sage_balance_cp1252.csv").headers["Location"]
    response = web.post(mapping_url, data={"col-1": "company_name"})
    assert response.status_code == 422
    error = response.get_data(as_text=True).split('id="mapping-error">')[1].split("</p>")[0]
    assert "N° de facture" in error and "invoice_number" not in error   # the user's words, not ours


def test_a_password_protected_workbook_is_refused_and_nothing_is_kept(web, app_make, db):
    manager(web, app_make)
    campaign = app_make.campaign(status=CampaignStatus.DRAFT)
    response = upload(web, campaign, "protected.xlsx")
    assert response.status_code == 303
    page = web.get(response.headers["Location"]).get_data(as_text=True)
    assert "mot de passe" in page
    assert db.scalar(sa.select(sa.func.count()).select_from(ImportBatch)) == 0


def _map_and_check(web, campaign, name, kind):
    mapping_url = upload(web, campaign, name, kind).headers["Location"]
    page = web.get(mapping_url).get_data(as_text=True)
    form = dict(re.findall(r'name="(col-\d+)"[^>]*>.*?<option value="(\w+)" selected', page, re.S))
    return web.post(mapping_url, data=form).headers["Location"]


def test_a_payments_list_shows_each_invoice_it_changes_before_confirmation(web, app_make, db):
    manager(web, app_make)
    campaign = app_make.campaign(status=CampaignStatus.ACTIVE)
    web.post(f"{_map_and_check(web, campaign, 'sage_balance_cp1252.csv', 'initial')}/confirm")
    assert "Relevé de règlements" in web.get(f"/manage/campaigns/{campaign.id}").get_data(as_text=True)
    batch_url = _map_and_check(web, campaign, "releve_reglements_cp1252.csv", "payments")
    page = web.get(batch_url).get_data(as_text=True).replace("\u202f", " ").replace("\xa0", " ")
    assert "Ce que ce fichier va changer, facture par facture" in page
    for expected in ("0001002", "Payée", "FA0010034", "Payée en partie", "5 366,40", "3 366,40",
                     "FZ999999", "Facture inconnue : non appliqué"):
        assert expected in page
    assert "paid" not in re.sub(r"<[^>]+>", " ", page).split()      # no internal code reaches the page
    workbook = web.get(f"{batch_url}/changes.xlsx")
    assert workbook.status_code == 200 and workbook.data[:2] == b"PK"
    assert web.post(f"{batch_url}/confirm").status_code == 303
    db.expire_all()
    amounts = dict(db.execute(sa.select(Invoice.number, Invoice.outstanding_cents)
                              .where(Invoice.campaign_id == campaign.id)).all())
    assert (amounts["0001002"], amounts["FA0010034"], amounts["0001001"]) == (0, 336640, 313650)


def test_a_complete_balance_leaving_most_invoices_out_asks_the_manager_to_type_their_count(web, app_make, db):
    manager(web, app_make)
    campaign = app_make.campaign(status=CampaignStatus.ACTIVE)
    web.post(f"{_map_and_check(web, campaign, 'odoo_export_bom.csv', 'initial')}/confirm")
    balance = ("Code client;Raison sociale;N° facture;Échéance;Reste dû\n"
               "00042;Boulangerie Martin;0001001;05/07/2026;3 136,50\n")
    response = web.post(f"/manage/campaigns/{campaign.id}/imports", content_type="multipart/form-data",
                        data={"file": (io.BytesIO(balance.encode()), "balance.csv"), "kind": "update"})
    mapping_url = response.headers["Location"]
    page = web.get(mapping_url).get_data(as_text=True)
    form = dict(re.findall(r'name="(col-\d+)"[^>]*>.*?<option value="(\w+)" selected', page, re.S))
    batch_url = web.post(mapping_url, data=form).headers["Location"]
    batch = db.scalar(sa.select(ImportBatch).order_by(ImportBatch.id.desc()))
    absent = batch.changes_summary["absent_paid"]
    page = web.get(batch_url).get_data(as_text=True)
    assert f"{absent} factures de la campagne sont absentes de ce fichier" in page
    assert "plus d'un tiers du montant ouvert" in page and f"Tapez {absent} pour confirmer" in page
    refused = web.post(f"{batch_url}/confirm", data={"absent_acknowledged": "1", "typed": "ok"})
    assert "tapez" in web.get(refused.headers["Location"]).get_data(as_text=True)
    db.expire_all()
    assert db.get(ImportBatch, batch.id).status is ImportStatus.CHECKED          # nothing was loaded
    def paid():
        return db.scalar(sa.select(sa.func.count()).select_from(Invoice).where(
            Invoice.campaign_id == campaign.id, Invoice.status == InvoiceStatus.PAID))
    before = paid()
    web.post(f"{batch_url}/confirm", data={"absent_acknowledged": "1", "typed": str(absent)})
    db.expire_all()
    assert paid() == before + absent


def test_managers_assign_negotiators_and_start_the_campaign(web, app_make, db):
    manager(web, app_make)
    agent = app_make.user(Role.AGENT)
    campaign = app_make.campaign(status=CampaignStatus.DRAFT)
    page = web.get(f"/manage/campaigns/{campaign.id}").get_data(as_text=True)
    assert agent.name in page
    assert web.post(f"/manage/campaigns/{campaign.id}/agents", data={"agent_ids": [str(agent.id)]}).status_code == 303
    assert web.post(f"/manage/campaigns/{campaign.id}/status/start").status_code == 303
    db.expire_all()
    campaign = db.get(Campaign, campaign.id)
    assert campaign.status is CampaignStatus.ACTIVE and [a.id for a in campaign.agents] == [agent.id]


def test_agents_cannot_reach_the_manager_pages(web, app_make):
    agent = app_make.user(Role.AGENT)
    campaign = app_make.campaign(agents=[agent])
    web.login(agent)
    assert web.get(f"/manage/campaigns/{campaign.id}").status_code in (403, 404)


def test_a_post_without_the_csrf_token_is_refused(web, app_make):
    manager(web, app_make)
    campaign = app_make.campaign(status=CampaignStatus.DRAFT)
    assert web.post(f"/manage/campaigns/{campaign.id}/status/start", csrf=False).status_code == 400


def test_a_large_file_is_checked_in_the_background_and_the_page_follows_it(web, app_make, db, monkeypatch):
    from app.manage import imports
    monkeypatch.setattr(imports, "INLINE_CHECK_BYTES", 0)
    manager(web, app_make)
    campaign = app_make.campaign(status=CampaignStatus.DRAFT)
    mapping_url = upload(web, campaign, "sage_balance_cp1252.csv").headers["Location"]
    page = web.get(mapping_url).get_data(as_text=True)
    form = dict(re.findall(r'name="(col-\d+)"[^>]*>.*?<option value="(\w+)" selected', page, re.S))
    batch_url = web.post(mapping_url, data=form).headers["Location"]
    page = web.get(batch_url).get_data(as_text=True)
    assert 'id="count-accepted">12<' in page and "montant illisible" in page
    assert db.scalar(sa.select(ImportBatch.status)) is ImportStatus.CHECKED


def test_the_check_page_compares_the_files_own_total_with_its_rows(web, app_make, db):
    manager(web, app_make)
    campaign = app_make.campaign(status=CampaignStatus.DRAFT)
    page = web.get(_map_and_check(web, campaign, "sage_balance_cp1252.csv", "initial")).get_data(as_text=True)
    page = page.replace("\u202f", " ").replace("\xa0", " ")
    assert "Le total du fichier (34 059,57 €) diffère de la somme de ses lignes (37 296,07 €) de -3 236,50 €" in page
    assert "Lignes sous le dernier sous-total, comptées dans aucun sous-total : 22, 23, 24." in page


def test_the_mapping_page_gives_each_choice_its_reason_and_asks_to_confirm_the_doubtful_ones(web, app_make, db):
    manager(web, app_make)
    campaign = app_make.campaign(status=CampaignStatus.DRAFT)
    mapping_url = upload(web, campaign, "ambiguous_invoice_numbers.csv").headers["Location"]
    page = web.get(mapping_url).get_data(as_text=True)
    assert "deux colonnes pourraient la contenir : « N° facture », « Réf. facture »" in page
    assert "son en-tête le dit, et 100 % de ses valeurs sont des dates" in page      # the due date, confirmed
    assert 'class="uncertain"' in page and 'id="confirm-uncertain"' in page
    form = {m.group(1): (re.search(r'<option value="([a-z_]+)" selected', m.group(2)) or re.match("()", ""))[1]
            for m in re.finditer(r'<select name="(col-\d+)"[^>]*>(.*?)</select>', page, re.S)}
    kept = web.post(mapping_url, data=form)
    assert kept.status_code == 422
    assert "Confirmez les colonnes incertaines" in kept.get_data(as_text=True)
    assert db.get(ImportBatch, db.scalar(sa.select(ImportBatch.id))).status is ImportStatus.UPLOADED
    confirmed = web.post(mapping_url, data={**form, "confirm_uncertain": "1"})
    assert confirmed.status_code == 303, confirmed.get_data(as_text=True).split("mapping-error\">")[-1][:300]
    chosen = web.post(mapping_url, data={**form, "col-2": "", "col-3": "invoice_number"})   # another choice settles it
    assert chosen.status_code == 303


def test_lines_in_another_encoding_are_read_right_and_named_on_the_check_page(web, app_make, db):
    manager(web, app_make)
    campaign = app_make.campaign(status=CampaignStatus.DRAFT)
    lines = ["Code client;Raison sociale;N° facture;Échéance;Reste dû".encode("utf-8"),
             "C1;Société Générale;F1;31/10/2026;10,00".encode("utf-8"),
             "C2;Boulangerie Hélène;F2;31/10/2026;20,00".encode("cp1252"),
             "C3;Crème & Pâtisserie;F3;31/10/2026;30,00".encode("utf-8")]
    response = web.post(f"/manage/campaigns/{campaign.id}/imports",
                        data={"file": (io.BytesIO(b"\r\n".join(lines)), "export.csv"), "kind": "initial"},
                        content_type="multipart/form-data")
    mapping_url = response.headers["Location"]
    assert "Boulangerie Hélène" in web.get(mapping_url).get_data(as_text=True)
    form = {"col-0": "customer_code", "col-1": "company_name", "col-2": "invoice_number", "col-3": "due_date",
            "col-4": "outstanding"}
    page = web.get(web.post(mapping_url, data=form).headers["Location"]).get_data(as_text=True)
    warning = html.unescape(page.split('id="import-warnings">')[1].split("</ul>")[0])
    assert "Lignes qui n'étaient pas dans l'encodage du fichier (UTF-8), lues en Windows-1252 : 3." in warning


def test_odd_balances_are_listed_on_the_check_page_with_their_row_and_column(web, app_make):
    manager(web, app_make)
    campaign = app_make.campaign(status=CampaignStatus.DRAFT)
    data = ("Code client;Raison sociale;N° facture;Échéance;Montant TTC;Reste dû\n"
            "C1;Alpha;F1;31/10/2026;100,00;100,00\nC2;Beta;AV2;31/10/2026;-40,00;-40,00\n").encode("utf-8")
    response = web.post(f"/manage/campaigns/{campaign.id}/imports",
                        data={"file": (io.BytesIO(data), "export.csv"), "kind": "initial"},
                        content_type="multipart/form-data")
    mapping_url = response.headers["Location"]
    form = {f"col-{i}": f for i, f in enumerate(
        ["customer_code", "company_name", "invoice_number", "due_date", "amount", "outstanding"])}
    page = web.get(web.post(mapping_url, data=form).headers["Location"]).get_data(as_text=True)
    warning = html.unescape(page.split('id="import-warnings">')[1].split("</div>")[0])
    assert "Ligne 3, Reste dû : solde négatif de -40,00\u00a0€ : un avoir ou un trop-perçu" in warning.replace(
        "\u202f", " ") or "Ligne 3, Reste dû : solde négatif de" in warning
    assert 'id="count-accepted">2<' in page


def test_a_file_in_two_currencies_is_summed_per_currency_and_asks_for_the_rate(web, app_make, db):
    manager(web, app_make)
    campaign = app_make.campaign(status=CampaignStatus.DRAFT)
    data = ("Code client;Raison sociale;Téléphone;N° facture;Échéance;Reste dû;Devise\n"
            "C1;Alpha;01 45 67 89 10;F1;31/10/2026;1 000,00;EUR\n"
            "C2;Harbor View;+1 212 555 0147;F2;31/10/2026;2 500,00;USD\n").encode("utf-8")
    response = web.post(f"/manage/campaigns/{campaign.id}/imports",
                        data={"file": (io.BytesIO(data), "export.csv"), "kind": "initial"},
                        content_type="multipart/form-data")
    form = {f"col-{i}": f for i, f in enumerate(
        ["customer_code", "company_name", "phone", "invoice_number", "due_date", "outstanding", "currency"])}
    check_url = web.post(response.headers["Location"], data=form).headers["Location"]
    page = html.unescape(web.get(check_url).get_data(as_text=True)).replace("\u202f", " ").replace("\u00a0", " ")
    total = page.split('id="total-outstanding">')[1].split("<")[0]
    assert total == "1 000,00 € · 2 500,00 USD"                          # side by side, never 3 500
    assert "dollar des États-Unis (USD) : 1 factures, 2 500,00 USD" in page.split('id="import-currencies">')[1]
    batch = db.scalar(sa.select(ImportBatch).where(ImportBatch.campaign_id == campaign.id))
    service_url = f"/manage/campaigns/{campaign.id}/imports/{batch.id}/confirm"
    web.post(service_url)
    db.refresh(batch)
    assert batch.status is ImportStatus.APPLIED

    started = web.post(f"/manage/campaigns/{campaign.id}/status/start")
    page = html.unescape(web.get(started.headers["Location"]).get_data(as_text=True))
    assert "Saisissez le taux de change de USD avant de démarrer" in page
    assert 'id="exchange-rates"' in page
    wrong = web.post(f"/manage/campaigns/{campaign.id}/rates", data={"rate_USD": "abc"})
    assert wrong.status_code == 422 and "doit être un nombre positif" in html.unescape(wrong.get_data(as_text=True))
    assert web.post(f"/manage/campaigns/{campaign.id}/rates", data={"rate_USD": "0,92"}).status_code == 303
    assert web.post(f"/manage/campaigns/{campaign.id}/status/start").status_code == 303
    db.expire_all()
    assert db.get(Campaign, campaign.id).status is CampaignStatus.ACTIVE
    board = html.unescape(web.get(f"/campaigns/{campaign.id}/supervision/").get_data(as_text=True))
    other = board.split('id="other-currencies">')[1].split("</section>")[0].replace("\u202f", " ").replace("\u00a0", " ")
    assert "2 500,00 USD" in other


def test_a_fec_is_read_as_its_open_receivables_and_the_manager_sees_how(web, app_make):
    from campaigns.models import CampaignStatus
    from tests.integration.importing.test_fec_ledger import FEC
    manager(web, app_make)
    campaign = app_make.campaign(status=CampaignStatus.DRAFT)
    response = web.post(f"/manage/campaigns/{campaign.id}/imports",
                        data={"file": (io.BytesIO(FEC.encode("utf-8")), "552100554FEC20261130.txt"), "kind": "initial"},
                        content_type="multipart/form-data")
    page = html.unescape(web.get(response.headers["Location"]).get_data(as_text=True))
    report = page[page.index('id="ledger-report"'):page.index("</section>", page.index('id="ledger-report"'))]
    assert "Un fichier des écritures comptables (FEC)" in report and "2 lettrages soldés" in report
    assert "Date du grand livre : 30/11/2026" in report and "C002 BB (80,00" in report
    assert "C003 (-300,00" in report and "Garage Lopez" in page and "Solde à nouveau" in page
    # Checked with the suggested mapping: the file's total counts the customer in credit; the page says so,
    # and what there is to collect (the dashboard's amount placed).
    form = {name: value for name, value in re.findall(
        r'<select name="(col-\d+)".*?<option value="([a-z_]*)" selected', page, re.S)}
    checked = web.post(response.headers["Location"], data=form)
    assert checked.status_code == 303
    status = html.unescape(web.get(checked.headers["Location"]).get_data(as_text=True))
    assert re.search(r'id="total-outstanding">990,00\s€<', status)
    assert "Dont comptes créditeurs (rien à recouvrer)" in status and re.search(r'id="count-credit">1 · -300,00\s€<', status)
    assert re.search(r'id="total-to-collect">1\s290,00\s€<', status)
    assert "3 débiteurs sans numéro de téléphone valide." in status        # a ledger holds no phones
    assert "chargez de nouveau ce fichier avec le fichier clients" in status
