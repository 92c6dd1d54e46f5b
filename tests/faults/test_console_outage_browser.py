"""In chromium: the database goes down as an agent saves a call; the card and what she typed stay on screen
with an alert, and saving again once the database is back records the call once."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from campaigns.models import CallAttempt, Role
from tests.browser.conftest import log_in, screenshot, start_calling

pytestmark = pytest.mark.browser

NOTE = "Standard : la comptable rappelle mardi matin, facture F-1 contestée"


def test_a_save_refused_while_the_database_restarts_keeps_the_form_and_goes_through_when_sent_again(
        page, pg_live_server, outage):
    server = pg_live_server
    agent = server.make.user(Role.AGENT, name="Nadia Négociatrice")
    campaign = server.make.campaign(agents=[agent], name="Relance hiver")
    for name in ("Alpha", "Bravo"):
        server.make.debtor(campaign, company_name=f"Société {name}")
    server.commit()
    log_in(page, server, agent)
    start_calling(page, server, campaign)
    page.wait_for_selector("#outcome-form")
    held = page.locator("#workspace").get_attribute("data-debtor")
    page.locator("#outcome-voicemail").check()
    page.locator("#notes").fill(NOTE)

    outage.begin()
    page.locator("#save").click()
    alert = page.locator("#console-alert")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("La base de données est momentanément indisponible.")
    expect(alert).to_contain_text("Votre saisie est conservée")
    expect(page.locator("#outcome-voicemail")).to_be_checked()
    expect(page.locator("#notes")).to_have_value(NOTE)
    expect(page.locator("#save")).to_be_enabled()
    assert page.locator("#workspace").get_attribute("data-debtor") == held
    screenshot(page, "console-database-unavailable")

    outage.end()
    page.locator("#save").click()
    expect(page.get_by_text("Appel enregistré.")).to_be_visible()
    expect(alert).to_be_hidden()
    assert page.locator("#workspace").get_attribute("data-debtor") != held
    screenshot(page, "console-database-back")
    server.session.rollback()
    [attempt] = server.session.scalars(sa.select(CallAttempt).where(CallAttempt.debtor_id == int(held))).all()
    assert attempt.notes == NOTE and attempt.result.value == "voicemail"


def test_a_save_that_never_reaches_the_server_keeps_the_form_and_is_recorded_once_when_sent_again(
        page, pg_live_server):
    server = pg_live_server
    agent = server.make.user(Role.AGENT, name="Nadia Négociatrice")
    campaign = server.make.campaign(agents=[agent], name="Relance hiver")
    server.make.debtor(campaign, company_name="Société Alpha")
    server.commit()
    log_in(page, server, agent)
    start_calling(page, server, campaign)
    page.wait_for_selector("#outcome-form")
    held = page.locator("#workspace").get_attribute("data-debtor")
    page.locator("#outcome-busy").check()

    page.route("**/outcome", lambda route: route.abort("connectionreset"))  # the network drops the save
    page.locator("#save").click()
    alert = page.locator("#console-alert")
    expect(alert).to_contain_text("Le serveur est injoignable. Votre saisie est conservée")
    expect(page.locator("#outcome-busy")).to_be_checked()

    page.unroute("**/outcome")
    page.locator("#save").click()
    expect(page.get_by_text("Appel enregistré.")).to_be_visible()
    expect(alert).to_be_hidden()
    server.session.rollback()
    [attempt] = server.session.scalars(sa.select(CallAttempt).where(CallAttempt.debtor_id == int(held))).all()
    assert attempt.result.value == "busy"
