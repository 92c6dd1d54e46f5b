"""In a real browser: the client's accountant answers a price dispute with the signed order attached; the
negotiator, calling the debtor next, reads the answer on the card."""
from __future__ import annotations

from datetime import datetime, timezone

from campaigns import queue
from campaigns.models import ContactResult, Role
from campaigns.outcomes import MotiveInput, OutcomeInput, record_outcome

from .conftest import log_in, screenshot, start_calling

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n"


def test_the_client_answers_and_the_negotiator_reads_the_answer_on_the_card(page, live_server, tmp_path):
    make = live_server.make
    company = make.client_company(name="Durand")
    agent = make.user(Role.AGENT, name="Nadia Négociatrice")
    campaign = make.campaign(client_company=company, agents=[agent], name="Relance automne")
    debtor = make.debtor(campaign, invoices=[(120_000, 40)], company_name="Garage Lopez")
    queue.open_debtor(live_server.session, debtor.id, agent.id, now=datetime.now(timezone.utc))
    record_outcome(live_server.session, debtor.id, agent.id, OutcomeInput(
        result=ContactResult.RIGHT_PARTY, motives=[MotiveInput(invoice_ids=None, motive_code="dispute.price",
                                                               details="Le prix convenu était 900 €")]))
    accountant = make.user(Role.CLIENT, client_company=company, name="Paul Durand")
    live_server.commit()
    order = tmp_path / "bon-de-commande.pdf"
    order.write_bytes(PDF)

    log_in(page, live_server, accountant)
    page.goto(f"{live_server.url}/campaigns/{campaign.id}/supervision/")
    page.click("#disputes-card a[id^=answer-]")
    page.get_by_text("Le prix convenu était 900 €").wait_for()
    page.check("#decision-maintained")
    page.fill("#note", "Le bon de commande signé indique 1 200 € : la facture est due.")
    page.set_input_files("#attachments", str(order))
    screenshot(page, "client-answers-dispute")
    page.click("#answer-form button[type=submit]")
    page.get_by_text("Réponse enregistrée : la facture est maintenue").wait_for()
    assert "Aucun litige ouvert" in page.inner_text("#dispute-list")
    page.click("text=Se déconnecter")

    log_in(page, live_server, agent)
    start_calling(page, live_server, campaign)
    page.wait_for_selector(f"#workspace[data-debtor='{debtor.id}']")
    answers = page.locator("#client-answers")
    answers.wait_for()
    assert "Facture maintenue" in answers.inner_text()
    assert "Le bon de commande signé indique 1 200 € : la facture est due." in answers.inner_text()
    screenshot(page, "card-client-answer")
