"""In chromium: an agent who closes the browser (or walks away) on a debtor's card does not keep it.

The debtor returns to the queue when the lease expires and the next agent gets it; a save sent later from
the stale card is refused with the console's "taken over" message and never overwrites the other's work.
Time passing is simulated by moving the lease's expiry into the past, as ``lease_minutes`` later would.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from campaigns.models import CallAttempt, DebtorAccount, Role
from tests.browser.conftest import log_in, screenshot, start_calling

pytestmark = pytest.mark.browser


@pytest.fixture
def one_debtor(pg_live_server):
    """Two agents on a campaign with a single debtor left to call."""
    make = pg_live_server.make
    alice = make.user(Role.AGENT, name="Alice Martin")
    bruno = make.user(Role.AGENT, name="Bruno Petit")
    campaign = make.campaign(agents=[alice, bruno], name="Relance printemps")
    debtor = make.debtor(campaign, company_name="Société Alpha")
    pg_live_server.commit()
    return alice, bruno, campaign, debtor


def the_lease_expires(server, debtor):
    """The clock moves past the lease: as if lease_minutes had gone by with no renewal."""
    session = server.session
    session.expire_all()
    held = session.get(DebtorAccount, debtor.id)
    assert held.leased_by_id is not None
    held.lease_expires_at = held.lease_expires_at - timedelta(minutes=held.campaign.lease_minutes or 10,
                                                              seconds=1)
    session.commit()


def test_a_debtor_left_open_in_a_closed_browser_goes_to_the_next_agent_once_the_lease_expires(
        page, new_context, pg_live_server, one_debtor):
    server = pg_live_server
    alice, bruno, campaign, debtor = one_debtor
    log_in(page, server, alice)
    start_calling(page, server, campaign)
    expect(page.get_by_role("heading", name="Société Alpha")).to_be_visible()
    page.context.close()  # Alice closes her browser: no release, no renewal

    bruno_page = new_context().new_page()
    log_in(bruno_page, server, bruno)
    start_calling(bruno_page, server, campaign)
    expect(bruno_page.locator("#queue-empty")).to_be_visible()     # answered: Alice's lease still runs
    expect(bruno_page.locator("#outcome-form")).to_have_count(0)
    expect(bruno_page.get_by_text("Société Alpha")).to_have_count(0)

    the_lease_expires(server, debtor)
    start_calling(bruno_page, server, campaign)
    expect(bruno_page.get_by_role("heading", name="Société Alpha")).to_be_visible()
    expect(bruno_page.locator("#outcome-form")).to_be_visible()
    screenshot(bruno_page, "console-lease-expired-next-agent")
    server.session.expire_all()
    assert server.session.get(DebtorAccount, debtor.id).leased_by_id == bruno.id


def test_a_save_from_a_card_whose_lease_went_to_another_agent_is_refused_and_overwrites_nothing(
        page, new_context, pg_live_server, one_debtor):
    server = pg_live_server
    alice, bruno, campaign, debtor = one_debtor
    log_in(page, server, alice)
    start_calling(page, server, campaign)
    expect(page.get_by_role("heading", name="Société Alpha")).to_be_visible()
    page.locator("#outcome-no_answer").check()
    page.locator("#notes").fill("Alice : pas de réponse")
    # Alice walks away with the card open; her lease expires and Bruno takes the debtor.
    the_lease_expires(server, debtor)
    bruno_page = new_context().new_page()
    log_in(bruno_page, server, bruno)
    start_calling(bruno_page, server, campaign)
    expect(bruno_page.get_by_role("heading", name="Société Alpha")).to_be_visible()
    bruno_page.locator("#outcome-voicemail").check()
    bruno_page.locator("#notes").fill("Bruno : message laissé")

    page.locator("#save").click()  # Alice comes back and saves her stale card
    conflict = page.locator("#conflict")
    expect(conflict).to_contain_text("Non enregistré.")
    expect(conflict).to_contain_text("Votre réservation a expiré et Bruno Petit a pris ce débiteur depuis.")
    expect(page.locator("#outcome-form")).to_have_count(0)
    screenshot(page, "console-stale-save-refused")

    bruno_page.locator("#save").click()  # Bruno's call goes through: Alice's attempt did not touch his lease
    expect(bruno_page.get_by_text("Appel enregistré.")).to_be_visible()
    server.session.expire_all()
    calls = server.session.scalars(sa.select(CallAttempt).where(CallAttempt.debtor_id == debtor.id)).all()
    assert [(c.agent_id, c.notes) for c in calls] == [(bruno.id, "Bruno : message laissé")]
