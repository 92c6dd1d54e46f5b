"""In a browser: the agent reads the penalties on the card; the client company decides a formal notice."""
from __future__ import annotations

from decimal import Decimal

from playwright.sync_api import expect

from campaigns.models import QueueState, Role

from .conftest import log_in, screenshot, start_calling


def test_the_agent_reads_the_penalties_due_to_date_on_the_card(page, live_server):
    make = live_server.make
    company = make.client_company(name="Durand SA", late_interest_rate=Decimal("12"))
    agent = make.user(Role.AGENT, name="Alice Martin")
    campaign = make.campaign(agents=[agent], client_company=company)
    make.debtor(campaign, invoices=[(100_000, 73), (50_000, 146)], company_name="Boulangerie Martin")
    live_server.commit()

    log_in(page, live_server, agent)
    start_calling(page, live_server, campaign)
    total = page.locator("#card-penalties")
    expect(total).to_contain_text("Pénalités exigibles à ce jour : 128,00")
    expect(total).to_contain_text("indemnités 2 × 40")
    expect(total).to_contain_text("intérêts 48,00")
    expect(page.locator("td.penalty").first).to_have_text("64,00\u00a0€")
    assert total.is_visible() and total.bounding_box()["width"] < 1440
    screenshot(page, "card-penalties")


def test_the_client_declines_a_formal_notice_with_a_comment(page, live_server):
    make = live_server.make
    company = make.client_company(name="Durand SA", late_interest_rate=Decimal("12"))
    campaign = make.campaign(client_company=company)
    debtor = make.debtor(campaign, invoices=[(100_000, 73)], company_name="Boulangerie Martin")
    debtor.queue_state = QueueState.REFUSED
    client = make.user(Role.CLIENT, client_company=company, name="Claire Durand")
    live_server.commit()

    log_in(page, live_server, client)
    page.goto(f"{live_server.url}/campaigns/{campaign.id}/supervision/")
    page.get_by_role("link", name="À mettre en demeure").click()
    row = page.locator(f"#notice-{debtor.id}")
    expect(row).to_contain_text("A refusé de payer")
    expect(row).to_contain_text("24,00")
    row.get_by_label("Commentaire pour Boulangerie Martin").fill("Client historique, on rappelle")
    row.get_by_role("button", name="Ne pas mettre en demeure, continuer les appels").click()
    expect(page.locator(f"#notice-{debtor.id}")).to_contain_text("Pas de mise en demeure : les appels continuent")
    expect(page.locator(f"#notice-{debtor.id}")).to_contain_text("Client historique, on rappelle")
    screenshot(page, "notices-declined")


def test_the_manager_downloads_an_approved_letter_and_records_its_sending(page, live_server):
    import io
    from datetime import date

    from pypdf import PdfReader

    from campaigns import clock, escalation

    make = live_server.make
    company = make.client_company(name="Durand SA", legal_name="Fournitures Durand SAS",
                                  address="12 rue des Lilas", postal_code="69003", city="Lyon",
                                  iban="FR7630006000011234567890189", late_interest_rate=Decimal("12"))
    campaign = make.campaign(client_company=company)
    debtor = make.debtor(campaign, invoices=[(100_000, 73)], company_name="Boulangerie Martin",
                         address="4 place du Marché\n69002 Lyon")
    debtor.queue_state = QueueState.REFUSED
    client = make.user(Role.CLIENT, client_company=company, name="Claire Durand")
    manager = make.user(Role.MANAGER, name="Marc Leroy")
    live_server.commit()
    escalation.decide(live_server.session, campaign, debtor.id, client, approve=True)
    live_server.commit()

    log_in(page, live_server, manager)
    page.goto(f"{live_server.url}/campaigns/{campaign.id}/supervision/notices")
    row = page.locator(f"#notice-{debtor.id}")
    with page.expect_download() as download:
        row.get_by_role("link", name="Rédiger la lettre (PDF)").click()
    pdf = open(download.value.path(), "rb").read()
    text = " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    assert "MISE EN DEMEURE" in text and "Boulangerie Martin" in text
    page.reload()
    row = page.locator(f"#notice-{debtor.id}")
    expect(row).to_contain_text(f"Lettre MED-{campaign.id}-{debtor.id}")
    today: date = clock.today(campaign)
    row.get_by_label("Envoyée par").select_option(label="Lettre recommandée")
    row.get_by_label("N° de suivi").fill("1A 234 567 8901 2")
    row.get_by_label("Envoyée le").fill(today.isoformat())
    row.get_by_role("button", name="Enregistrer").click()
    expect(page.locator("#flashes")).to_contain_text("Envoi enregistré")
    row = page.locator(f"#notice-{debtor.id}")
    expect(row).to_contain_text(f"Envoyée le {today:%d/%m/%Y}")
    expect(row).to_contain_text("Données conservées pour la créance")
    screenshot(page, "notices-sent")
