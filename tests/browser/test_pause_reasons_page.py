"""In a real browser: a manager adds a reason for a pause and moves it to the top; the negotiator's list
shows it first."""
from __future__ import annotations

from campaigns.models import Role

from .conftest import log_in, screenshot


def test_a_manager_adds_a_reason_that_negotiators_then_see_first(page, live_server, browser):
    make = live_server.make
    manager = make.user(Role.MANAGER, name="Claire Superviseure")
    agent = make.user(Role.AGENT, name="Nadia Négociatrice")
    campaign = make.campaign(agents=[agent], name="Relance hiver")
    live_server.commit()
    log_in(page, live_server, manager)
    page.get_by_role("link", name="Motifs de pause").click()
    page.get_by_label("Motif, tel que les négociateurs le liront").fill("Réunion d'équipe")
    page.get_by_role("button", name="Ajouter").click()
    page.wait_for_selector("text=Motif ajouté")
    page.get_by_role("button", name="Monter : Réunion d'équipe").click()
    page.wait_for_selector("text=Ordre enregistré")
    page.locator("#pause-reasons tbody tr").nth(3).get_by_role("button", name="Ne plus proposer").click()
    page.wait_for_selector("text=Motif plus proposé")
    screenshot(page, "pause-reasons")
    rows = page.locator("#pause-reasons tbody tr")
    assert rows.nth(4).locator("input[name=label]").input_value() == "Réunion d'équipe"
    assert "plus proposé" in rows.nth(3).inner_text()          # "Problème technique", kept for past pauses

    other = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris").new_page()
    log_in(other, live_server, agent)
    other.goto(f"{live_server.url}/console/campaigns/{campaign.id}")
    labels = other.locator("#pause-reason option").all_inner_texts()
    assert labels == ["Pause café", "Déjeuner", "Formation", "Réunion d'équipe", "Briefing"]
