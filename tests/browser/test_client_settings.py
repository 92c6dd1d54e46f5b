"""A manager fills in the client company's settings in the browser; the agent's card then speaks of them."""
from __future__ import annotations

from campaigns.models import CallScript, ClientCompany, Role

from .conftest import log_in, screenshot, start_calling


def test_a_manager_edits_the_settings_and_the_agent_sees_them_on_the_card(page, browser, live_server):
    make = live_server.make
    manager, agent = make.user(Role.MANAGER), make.user(Role.AGENT, name="Nadia Martin")
    company = make.client_company(name="Durand")
    campaign = make.campaign(client_company=company, agents=[agent], name="Relance Durand")
    make.debtor(campaign, company_name="Roux SARL", contact_names="Mme Roux")
    live_server.session.add(CallScript(campaign_id=campaign.id, segment="", title="Accueil",
                                       body="Bonjour {contact}, {agent} pour {client}."))
    live_server.commit()

    log_in(page, live_server, manager)
    page.goto(f"{live_server.url}/manage/campaigns/{campaign.id}")
    page.get_by_role("link", name="Paramètres de la société cliente").click()
    page.get_by_label("Raison sociale").fill("Fournitures Durand SAS")
    page.get_by_label("IBAN").fill("FR76 3000 6000 0112 3456 7890 188")           # one digit wrong
    page.get_by_role("button", name="Enregistrer les paramètres").click()
    assert page.locator("#error-iban").inner_text() == "La clé de cet IBAN est fausse : vérifiez le numéro."
    screenshot(page, "client-settings-error")
    page.get_by_label("IBAN").fill("FR76 3000 6000 0112 3456 7890 189")
    page.get_by_label("Délai de paiement (jours)").fill("45")
    page.get_by_label("Calculé en").select_option("eom_then_days")
    page.get_by_role("button", name="Enregistrer les paramètres").click()
    page.get_by_text("Les paramètres de la société cliente sont enregistrés.").wait_for()
    screenshot(page, "client-settings-saved")
    live_server.session.expire_all()
    saved = live_server.session.get(ClientCompany, company.id)
    assert (saved.legal_name, saved.iban, saved.payment_terms_days) == (
        "Fournitures Durand SAS", "FR7630006000011234567890189", 45)

    agent_page = browser.new_page(locale="fr-FR", timezone_id="Europe/Paris")
    log_in(agent_page, live_server, agent)
    start_calling(agent_page, live_server, campaign)
    agent_page.locator("#script summary").click()
    assert agent_page.locator(".script-body").inner_text() == "Bonjour Mme Roux, Nadia Martin pour Fournitures Durand SAS."
    screenshot(agent_page, "card-script-with-client-settings")
    agent_page.close()
