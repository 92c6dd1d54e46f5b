"""The supervision dashboard and downloads, as managers and client users use them."""
from __future__ import annotations

import io

import openpyxl
import pytest
import sqlalchemy as sa

from campaigns.models import AuditEntry, CampaignStatus, DebtorAccount, InvoiceMotive, MotiveStatus, QueueState, Role

from ..integration.supervision_data import Recorder


@pytest.fixture
def disputed(app_make, db):
    """A campaign with one debtor waiting for the client on a price dispute."""
    company = app_make.client_company(name="Acme Distribution")
    campaign = app_make.campaign(client_company=company, name="Relance Acme")
    debtor = app_make.debtor(campaign, invoices=[(120_000, 30)], queue_state=QueueState.DISPUTED)
    rec = Recorder(db)
    invoice = rec.invoices(debtor)[0]
    rec.attempt(db.get(DebtorAccount, debtor.id), None)
    item = rec.motive(invoice, "dispute.price", disputed=40_000, details="Remise non appliquée")
    db.commit()
    return {"company": company, "campaign": campaign, "debtor": debtor, "motive_id": item.id}


def test_a_manager_sees_the_figures_the_charts_and_the_open_disputes(web, app_make, disputed):
    web.login(app_make.user(Role.MANAGER))
    page = web.get(f"/campaigns/{disputed['campaign'].id}/supervision/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'id="figures"' in html and 'hx-trigger="every 5s"' in html
    assert "<svg" in html and "Remise non appliquée" in html and "1\u202f200,00\u00a0€" in html
    assert "Marquer résolu" in html or "Mark resolved" in html
    assert page.headers["Vary"].count("HX-Request")


def test_the_poll_gets_only_the_figures_region(web, app_make, disputed):
    web.login(app_make.user(Role.MANAGER))
    fragment = web.get(f"/campaigns/{disputed['campaign'].id}/supervision/", htmx=True).get_data(as_text=True)
    assert 'class="kpis"' in fragment
    assert "<html" not in fragment and 'id="figures"' not in fragment and "dispute-list" not in fragment


def test_marking_a_dispute_resolved_returns_the_debtor_to_the_queue(web, app_make, disputed, db):
    web.login(app_make.user(Role.MANAGER))
    url = f"/campaigns/{disputed['campaign'].id}/supervision/disputes/{disputed['motive_id']}/resolve"
    response = web.post(url, {"resolution": "Avoir émis"}, htmx=True)
    assert response.status_code == 200 and 'id="dispute-list"' in response.get_data(as_text=True)
    assert "<html" not in response.get_data(as_text=True)
    db.expire_all()
    assert db.get(InvoiceMotive, disputed["motive_id"]).status is MotiveStatus.RESOLVED
    assert db.get(DebtorAccount, disputed["debtor"].id).queue_state is QueueState.READY
    again = web.post(url, {}, htmx=True)
    assert again.status_code == 409
    plain = web.post(url, {})
    assert plain.status_code == 303


def test_resolving_without_the_csrf_token_is_refused(web, app_make, disputed):
    web.login(app_make.user(Role.MANAGER))
    url = f"/campaigns/{disputed['campaign'].id}/supervision/disputes/{disputed['motive_id']}/resolve"
    assert web.post(url, {}, csrf=False).status_code == 400


def test_a_client_user_reads_the_dashboard_without_the_manager_actions(web, app_make, disputed):
    web.login(app_make.user(Role.CLIENT, client_company=disputed["company"]))
    html = web.get(f"/campaigns/{disputed['campaign'].id}/supervision/").get_data(as_text=True)
    assert "Remise non appliquée" in html and "/resolve" not in html and "/purge" not in html
    url = f"/campaigns/{disputed['campaign'].id}/supervision/disputes/{disputed['motive_id']}/resolve"
    assert web.post(url, {}).status_code == 403


def test_a_client_user_downloads_only_its_own_companys_recaps(web, app_make, disputed):
    other = app_make.campaign(name="Autre client")
    web.login(app_make.user(Role.CLIENT, client_company=disputed["company"]))
    own = web.get(f"/campaigns/{disputed['campaign'].id}/supervision/recap.xlsx")
    assert own.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(own.data))
    assert book.sheetnames[0] == "Synthèse"
    assert web.get(f"/campaigns/{other.id}/supervision/recap.xlsx").status_code == 404
    assert web.get(f"/campaigns/{other.id}/supervision/enriched.xlsx").status_code == 404
    assert web.get(f"/campaigns/{other.id}/supervision/").status_code == 404


def test_agents_do_not_see_the_dashboard(web, app_make, disputed):
    web.login(app_make.user(Role.AGENT))
    assert web.get(f"/campaigns/{disputed['campaign'].id}/supervision/").status_code == 403


def test_at_close_the_final_recap_then_the_purge(web, app_make, disputed, db):
    manager = app_make.user(Role.MANAGER)
    web.login(manager)
    campaign = db.get(type(disputed["campaign"]), disputed["campaign"].id)
    campaign.status = CampaignStatus.CLOSED
    db.commit()
    base = f"/campaigns/{campaign.id}/supervision"
    web.post(f"{base}/purge")  # refused: no final recap yet
    db.expire_all()
    assert db.get(type(campaign), campaign.id).personal_data_purged_at is None
    final = web.get(f"{base}/recap.xlsx")
    assert "final" in final.headers["Content-Disposition"]
    assert web.post(f"{base}/purge").status_code == 303
    db.expire_all()
    assert db.get(type(campaign), campaign.id).personal_data_purged_at is not None
    assert db.get(DebtorAccount, disputed["debtor"].id).company_name.startswith("Débiteur")
    actions = set(db.scalars(sa.select(AuditEntry.action)))
    assert {"recap.final", "campaign.purge_personal_data"} <= actions


def test_the_export_command_writes_the_recap(app, app_make, disputed, tmp_path):
    out = tmp_path / "recap.xlsx"
    result = app.test_cli_runner().invoke(args=["campaign", "export", str(disputed["campaign"].id), str(out)])
    assert result.exit_code == 0, result.output
    assert "Montant dû 1200.00" in result.output
    assert openpyxl.load_workbook(out).sheetnames == ["Synthèse", "Engagements", "Litiges", "Non joints",
                                                      "Factures", "Appels", "E-mails", "Production",
                                                      "Mises en demeure"]
    missing = app.test_cli_runner().invoke(args=["campaign", "export", "9999", str(out)])
    assert missing.exit_code != 0 and "No campaign 9999" in missing.output


@pytest.fixture
def immediate_jobs():
    """huey's immediate mode: the background export runs inside the request that starts it."""
    from app.worker import huey
    huey.immediate = True
    yield huey
    huey.immediate = False


def test_a_large_recap_is_written_in_the_background_then_downloaded(web, app, app_make, disputed, immediate_jobs):
    app.config["RECAP_BACKGROUND_ABOVE"] = 1
    other = app_make.campaign(name="Autre client")
    web.login(app_make.user(Role.CLIENT, client_company=disputed["company"]))
    base = f"/campaigns/{disputed['campaign'].id}/supervision"
    page = web.get(f"{base}/").get_data(as_text=True)
    assert f'hx-post="{base}/recap/background"' in page
    started = web.post(f"{base}/recap/background", htmx=True)
    html = started.get_data(as_text=True)
    assert started.status_code == 200 and 'id="recap-export"' in html and "<html" not in html
    link = html.split('href="')[1].split('"')[0]
    assert link.startswith(f"{base}/recap/background/") and link.endswith("/file")
    download = web.get(link)
    assert download.status_code == 200
    assert openpyxl.load_workbook(io.BytesIO(download.data)).sheetnames[0] == "Synthèse"
    token = link.split("/")[-2]
    assert web.get(f"/campaigns/{other.id}/supervision/recap/background/{token}/file").status_code == 404
    assert web.get(f"{base}/recap/background/{token}").status_code == 200  # the plain page
    assert web.post(f"{base}/recap/background").status_code == 303


def test_a_downloaded_recap_leaves_no_copy_in_the_export_folder(web, app_make, disputed, app):
    """(The enriched file goes through the same door, _send_workbook.)"""
    from pathlib import Path
    web.login(app_make.user(Role.MANAGER))
    base = f"/campaigns/{disputed['campaign'].id}/supervision"
    for _ in range(2):
        response = web.get(f"{base}/recap.xlsx")
        assert response.status_code == 200
        assert openpyxl.load_workbook(io.BytesIO(response.data)).sheetnames     # the whole workbook arrived
        response.close()
    folder = Path(app.config["EXPORT_FOLDER"])
    assert not list(folder.glob("tmp*.xlsx")), list(folder.iterdir())


def test_the_purge_deletes_the_background_recaps_and_the_customers_file_and_says_how_many(
        web, app, app_make, disputed, db, immediate_jobs, tmp_path):
    from pathlib import Path
    from campaigns.models import ImportBatch
    manager = app_make.user(Role.MANAGER)
    web.login(manager)
    campaign = db.get(type(disputed["campaign"]), disputed["campaign"].id)
    stored = tmp_path / "factures.csv"
    customers = tmp_path / "clients.csv"
    stored.write_text("x")
    customers.write_text("x")
    db.add(ImportBatch(campaign_id=campaign.id, file_name="factures.csv", stored_path=str(stored), sha256="1" * 64,
                       customers_source="file", customers_file_name="clients.csv", customers_path=str(customers)))
    campaign.status = CampaignStatus.CLOSED
    db.commit()
    base = f"/campaigns/{campaign.id}/supervision"
    app.config["RECAP_BACKGROUND_ABOVE"] = 1
    web.post(f"{base}/recap/background")                         # a background recap, with names in it
    exports = Path(app.config["EXPORT_FOLDER"])
    assert list(exports.glob(f"recap-{campaign.id}-*.xlsx"))
    app.config["RECAP_BACKGROUND_ABOVE"] = 10 ** 9
    web.get(f"{base}/recap.xlsx")                                # the final recap
    response = web.post(f"{base}/purge", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Données personnelles purgées et" in page and "fichiers supprimés" in page
    assert not stored.exists() and not customers.exists()
    assert not list(exports.glob(f"recap-{campaign.id}-*.xlsx*"))
