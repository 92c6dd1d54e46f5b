"""A manager reads the dashboard while it refreshes itself, then resolves a dispute."""
from playwright.sync_api import expect

from campaigns.models import ContactResult, Role

from tests.integration.supervision_data import Recorder

from .conftest import log_in


def test_the_dashboard_refreshes_its_figures_without_moving_the_reader(page, live_server):
    make, session = live_server.make, live_server.session
    campaign = make.campaign(name="Relance hiver")
    debtors = [make.debtor(campaign, invoices=[(50_000, 30)]) for _ in range(3)]
    rec = Recorder(session)
    rec.motive(rec.invoices(debtors[0])[0], "dispute.price", details="Remise oubliée")
    manager = make.user(Role.MANAGER, name="Marc Manager")
    live_server.commit()

    log_in(page, live_server, manager)
    page.set_viewport_size({"width": 1200, "height": 500})
    page.goto(f"{live_server.url}/campaigns/{campaign.id}/supervision/")
    calls = page.locator(".kpi", has_text="Appels / appels aboutis").locator(".stat")
    assert calls.inner_text() == "0 / 0"
    page.mouse.wheel(0, 600)
    page.wait_for_timeout(300)
    assert page.evaluate("window.scrollY") > 200
    scrolled = page.evaluate("window.scrollY")
    page.fill("#dispute-list input[name=resolution]", "Avoir en cours")

    rec.attempt(debtors[1], manager, ContactResult.RIGHT_PARTY)
    live_server.commit()
    expect(calls).to_have_text("1 / 1", timeout=8000)  # the 5-second poll brought the new call
    assert page.evaluate("window.scrollY") == scrolled            # the poll did not move the page
    assert page.input_value("#dispute-list input[name=resolution]") == "Avoir en cours"  # nor what was typed

    page.get_by_role("button", name="Marquer résolu").click()
    page.wait_for_selector("#dispute-list .empty")
    assert "Aucun litige ouvert" in page.locator("#dispute-list").inner_text()
