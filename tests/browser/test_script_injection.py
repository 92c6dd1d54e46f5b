"""Markup a client or an agent typed never runs in a real browser: the console card and the dashboard."""
from campaigns.models import DebtorAccount, Role

from tests.integration.supervision_data import Recorder

from .conftest import log_in, screenshot

PAYLOAD = "<script>window.__pwned=1</script><img src=x onerror=window.__pwned=1>"


def test_markup_in_names_notes_and_motives_never_runs_on_the_card_or_the_dashboard(page, live_server):
    make, session = live_server.make, live_server.session
    agent = make.user(Role.AGENT, name="Agent " + PAYLOAD)
    manager = make.user(Role.MANAGER, name="Manager " + PAYLOAD)
    company = make.client_company(name=PAYLOAD)
    campaign = make.campaign(client_company=company, agents=[agent], name="Relance " + PAYLOAD[:100])
    debtor = make.debtor(campaign, invoices=[(120_000, 30), (40_000, 10)], company_name=PAYLOAD,
                         contact_names=PAYLOAD, last_note=PAYLOAD)
    rec = Recorder(session)
    first, second = rec.invoices(debtor)
    first.number = PAYLOAD[:80]
    rec.attempt(session.get(DebtorAccount, debtor.id), agent, notes=PAYLOAD)
    rec.motive(second, "dispute.price", agent, disputed=10_000, details=PAYLOAD)
    live_server.commit()

    log_in(page, live_server, agent)
    page.goto(live_server.url + "/console/")
    page.keyboard.press("1")                      # start calling: the card of the only debtor
    page.wait_for_selector("#outcome-form")
    assert PAYLOAD in page.locator("body").inner_text()   # shown as text...
    page.wait_for_timeout(500)                    # let any injected image fail and fire its handler
    assert page.evaluate("typeof window.__pwned") == "undefined"   # ...never run
    screenshot(page, "hostile-console-card")

    page.context.clear_cookies()
    log_in(page, live_server, manager)
    page.goto(f"{live_server.url}/campaigns/{campaign.id}/supervision/")
    page.wait_for_selector("#dispute-list")
    assert PAYLOAD in page.locator("#dispute-list").inner_text()
    page.wait_for_timeout(500)                    # let any injected image fail and fire its handler
    assert page.evaluate("typeof window.__pwned") == "undefined"
    screenshot(page, "hostile-dashboard")
