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
