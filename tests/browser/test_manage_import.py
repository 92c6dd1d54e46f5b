"""A manager loads a client's receivables file in a real browser: upload, mapping, check, confirm, summary."""
from pathlib import Path

import pytest
from playwright.sync_api import expect

from campaigns.models import CampaignStatus, Role
from tests.browser.conftest import log_in, screenshot

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture
def jobs_run_at_once():
    from app.worker import huey
    huey.immediate = True
    yield
    huey.immediate = False


def test_a_manager_uploads_maps_checks_and_loads_a_receivables_file(page, live_server, jobs_run_at_once):
    manager = live_server.make.user(Role.MANAGER)
    campaign = live_server.make.campaign(status=CampaignStatus.DRAFT, name="Relance Boulangeries")
    live_server.commit()
    log_in(page, live_server, manager)

    page.goto(f"{live_server.url}/manage/campaigns/{campaign.id}")
    page.get_by_label("Fichier du client (CSV, TXT, XLSX, XLS, ODS)").set_input_files(
        str(DATA / "sage_balance_cp1252.csv"))
    page.get_by_role("button", name="Charger et faire correspondre").click()

    expect(page.get_by_role("heading", name="Correspondance des colonnes")).to_be_visible()
    expect(page.get_by_role("cell", name="Boulangerie Martin").first).to_be_visible()
    expect(page.get_by_label("Champ de la colonne N° facture")).to_have_value("invoice_number")
    page.get_by_label("Champ de la colonne Catégorie").select_option("segment")
    screenshot(page, "manage-import-mapping")
    page.get_by_role("button", name="Contrôler toutes les lignes").click()

    expect(page.locator("#count-read")).to_have_text("22")
    expect(page.locator("#count-accepted")).to_have_text("12")
    expect(page.locator("#count-rejected")).to_have_text("3")
    expect(page.locator("#count-skipped")).to_have_text("7")
    expect(page.get_by_text("montant illisible : « à voir »")).to_be_visible()
    screenshot(page, "manage-import-check")
    page.get_by_role("button", name="Confirmer et charger").click()

    expect(page.get_by_role("heading", name="Import terminé")).to_be_visible()
    expect(page.get_by_text("5 débiteurs et 12 factures")).to_be_visible()
    expect(page.locator("#total-outstanding")).to_contain_text("34 059,57")
    screenshot(page, "manage-import-summary")


def test_a_doubtful_column_is_shown_with_its_reason_and_must_be_confirmed(page, live_server):
    manager = live_server.make.user(Role.MANAGER)
    campaign = live_server.make.campaign(status=CampaignStatus.DRAFT, name="Relance ambiguë")
    live_server.commit()
    log_in(page, live_server, manager)

    page.goto(f"{live_server.url}/manage/campaigns/{campaign.id}")
    page.get_by_label("Fichier du client (CSV, TXT, XLSX, XLS, ODS)").set_input_files(
        str(DATA / "ambiguous_invoice_numbers.csv"))
    page.get_by_role("button", name="Charger et faire correspondre").click()

    doubts = page.locator("#mapping-uncertain")
    expect(doubts).to_contain_text("N° de facture : « N° facture »")
    expect(doubts).to_contain_text("deux colonnes pourraient la contenir : « N° facture », « Réf. facture »")
    expect(page.locator("tr.why th.uncertain")).to_have_count(1)
    expect(page.locator("tr.why")).to_contain_text("100 % de ses valeurs sont des montants")
    screenshot(page, "manage-import-mapping-doubt")
    page.get_by_role("button", name="Contrôler toutes les lignes").click()
    expect(page.locator("#mapping-error")).to_contain_text("Confirmez les colonnes incertaines")

    page.get_by_label("J'ai vérifié ces colonnes : elles sont justes").check()
    page.get_by_role("button", name="Contrôler toutes les lignes").click()
    expect(page.locator("#count-accepted")).to_have_text("24")


def test_a_manager_loads_invoices_with_their_customers_file_and_sees_the_join(page, live_server, jobs_run_at_once,
                                                                              tmp_path):
    from tests.integration.importing.test_customers_join import CUSTOMERS, INVOICES, csv
    (tmp_path / "factures.csv").write_bytes(csv(INVOICES))
    (tmp_path / "clients.csv").write_bytes(csv(CUSTOMERS))
    manager = live_server.make.user(Role.MANAGER)
    campaign = live_server.make.campaign(status=CampaignStatus.DRAFT, name="Relance avec fichier clients")
    live_server.commit()
    log_in(page, live_server, manager)

    page.goto(f"{live_server.url}/manage/campaigns/{campaign.id}")
    page.get_by_label("Fichier du client (CSV, TXT, XLSX, XLS, ODS)").set_input_files(str(tmp_path / "factures.csv"))
    page.locator("#customers_file").set_input_files(str(tmp_path / "clients.csv"))
    page.get_by_role("button", name="Charger et faire correspondre").click()

    join = page.locator("#customers-join")
    expect(join).to_contain_text("Les clients sont lus dans le fichier « clients.csv »")
    expect(page.locator("#join-unmatched")).to_contain_text("1 facture dont le code client ne figure dans aucune "
                                                            "ligne de clients (999)")
    expect(page.get_by_label("Champ de la colonne clients Langue")).to_have_value("language")
    expect(page.get_by_label("Champ de la colonne clients Ville")).to_have_value("address")
    join.scroll_into_view_if_needed()
    screenshot(page, "manage-import-customers-join")
    page.get_by_role("button", name="Contrôler toutes les lignes").click()
    expect(page.locator("#count-accepted")).to_have_text("5")
    expect(page.get_by_text("langue non comprise : « klingon » (le français est retenu)")).to_be_visible()
    page.get_by_role("button", name="Confirmer et charger").click()
    expect(page.get_by_role("heading", name="Import terminé")).to_be_visible()
