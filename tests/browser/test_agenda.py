"""In a real browser: the negotiator's agenda lists today's callbacks in time order; a few minutes before
its personal callback the console warns, and "g" opens that debtor."""
from __future__ import annotations

from datetime import timedelta

from campaigns import clock
from campaigns.models import Callback, CallbackStatus, QueueState, Role

from .conftest import log_in, screenshot, start_calling


def test_the_agenda_warns_before_a_personal_callback_and_g_opens_it(page, live_server):
    make = live_server.make
    agent = make.user(Role.AGENT, name="Nadia Négociatrice")
    campaign = make.campaign(agents=[agent], name="Relance automne")
    make.debtor(campaign, invoices=[(50_000, 20)], company_name="Boulangerie Petit")
    mine = make.debtor(campaign, invoices=[(90_000, 60)], company_name="Garage Lopez",
                       queue_state=QueueState.CALLBACK)
    team = make.debtor(campaign, invoices=[(30_000, 30)], company_name="Transports Martin",
                       queue_state=QueueState.CALLBACK)
    now = clock.now()
    live_server.session.add_all([
        Callback(campaign_id=campaign.id, debtor_id=mine.id, due_at=now + timedelta(minutes=3), agent_id=agent.id,
                 note="Rappeler la comptable", status=CallbackStatus.PENDING),
        Callback(campaign_id=campaign.id, debtor_id=team.id, due_at=now + timedelta(minutes=1), agent_id=None,
                 status=CallbackStatus.PENDING)])
    mine.next_action_at, team.next_action_at = now + timedelta(minutes=3), now + timedelta(minutes=1)
    live_server.commit()
    mine_id = mine.id
    log_in(page, live_server, agent)
    start_calling(page, live_server, campaign)
    page.wait_for_selector("#workspace[data-debtor]")                    # the next card is there
    alert = page.locator("#agenda-alert")
    alert.wait_for()
    assert "Garage Lopez" in alert.inner_text()
    items = page.locator("#agenda li").all_inner_texts()
    assert "Transports Martin" in items[0] and "rappel d'équipe" in items[0]
    assert "Garage Lopez" in items[1] and "mon rappel" in items[1] and "Rappeler la comptable" in items[1]
    screenshot(page, "console-agenda-alert")
    page.locator("body").click(position={"x": 5, "y": 300})
    page.keyboard.press("g")
    page.locator("#card-title", has_text="Garage Lopez").wait_for()
    assert page.get_attribute("#workspace", "data-debtor") == str(mine_id)
