"""In a real browser: the manager rewrites the client's reminder, previews it, saves it; then reads the
campaign's e-mails; an agent marks a debtor "Pas d'e-mail" without losing what it was typing."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from campaigns import queue
from campaigns.models import ContactResult, PaymentMethod, Role
from campaigns.outcomes import OutcomeInput, PromiseInput, record_outcome

from .conftest import log_in, screenshot, start_calling


def test_the_manager_previews_and_saves_the_clients_reminder_then_reads_the_outbox(page, live_server):
    make = live_server.make
    company = make.client_company(name="Durand", legal_name="Fournitures Durand SAS",
                                  iban="FR7630006000011234567890189", bic="AGRIFRPP")
    agent = make.user(Role.AGENT)
    campaign = make.campaign(client_company=company, agents=[agent], name="Relance automne")
    debtor = make.debtor(campaign, invoices=[(1_248_000, 60)], company_name="Garage Lopez",
                         emails="compta@garage-lopez.fr")
    now = datetime.now(timezone.utc)
    queue.open_debtor(live_server.session, debtor.id, agent.id, now=now)
    record_outcome(live_server.session, debtor.id, agent.id, OutcomeInput(
        result=ContactResult.RIGHT_PARTY, promise=PromiseInput(promised_date=date.today() + timedelta(days=6),
                                                               amount_cents=1_248_000, method=PaymentMethod.TRANSFER)),
        now=now)
    manager = make.user(Role.MANAGER, name="Claire Martin")
    live_server.commit()

    log_in(page, live_server, manager)
    page.goto(f"{live_server.url}/campaigns/{campaign.id}/client/")
    page.click("#wording-link")
    page.fill("#reminder-fr-subject", "Demain : {montant} pour {client}")
    page.fill("#reminder-fr-body", "Bonjour,\n\nDemain, {date}, {montant} par {mode}. Référence {reference}.\n"
                                   "{coordonnees_bancaires}\n\nMerci, {clientt}")
    page.click("#preview-button-reminder-fr")
    preview = page.locator("#preview-reminder-fr")
    preview.get_by_text("Champs de fusion inconnus : {clientt}.").wait_for()
    assert "Demain : 400,00" in preview.inner_text()
    page.fill("#reminder-fr-body", "Bonjour,\n\nDemain, {date}, {montant} par {mode}. Référence {reference}.\n"
                                   "{coordonnees_bancaires}\n\nMerci, {client}")
    page.click("#preview-button-reminder-fr")
    page.locator("#preview-reminder-fr").get_by_text("Merci, Fournitures Durand SAS").wait_for()
    assert "Champs de fusion inconnus" not in page.locator("#preview-reminder-fr").inner_text()
    screenshot(page, "mail-wording-preview")
    page.click("#wording-form button[type=submit]")
    page.get_by_text("La rédaction des e-mails est enregistrée.").wait_for()
    assert page.input_value("#reminder-fr-subject") == "Demain : {montant} pour {client}"

    page.goto(f"{live_server.url}/campaigns/{campaign.id}/supervision/")
    page.click("#messages-link")
    page.get_by_text("Aucun serveur de messagerie").wait_for()
    row = page.locator("#messages tbody tr").first
    assert "Garage Lopez" in row.inner_text() and "Confirmation d'engagement" in row.inner_text()
    screenshot(page, "mail-outbox")


def test_an_agent_marks_no_email_and_keeps_the_promise_it_was_typing(page, live_server):
    make = live_server.make
    agent = make.user(Role.AGENT)
    campaign = make.campaign(agents=[agent])
    debtor = make.debtor(campaign, invoices=[(50_000, 30)], company_name="Garage Lopez",
                         emails="compta@garage-lopez.fr")
    live_server.commit()
    log_in(page, live_server, agent)
    start_calling(page, live_server, campaign)
    page.wait_for_selector(f"#workspace[data-debtor='{debtor.id}']")
    page.keyboard.press("p")
    page.keyboard.type("24/12/2026")
    page.click("#no-email-button")
    page.locator("#no-email").wait_for()
    screenshot(page, "card-no-email")
    assert page.locator("#card-emails a.refused").count() == 1
    assert "24/12/2026" in page.evaluate("() => [...document.querySelectorAll('#workspace input')]"
                                         ".map(i => i.value).join(' ')")
