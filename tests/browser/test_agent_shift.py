"""In a real browser: a negotiator dials with "a", hangs up with "h", saves; the call keeps its talk and
wrap-up times; a pause for lunch shows on the console and hands out no debtor until "Prêt"."""
from __future__ import annotations

import sqlalchemy as sa

from campaigns.models import CallAttempt, Role

from .conftest import log_in, screenshot, start_calling


def test_a_call_dialled_and_hung_up_from_the_keyboard_then_a_pause(page, live_server):
    make = live_server.make
    agent = make.user(Role.AGENT, name="Nadia Négociatrice")
    campaign = make.campaign(agents=[agent], name="Relance automne")
    make.debtor(campaign, invoices=[(90_000, 60)], company_name="Garage Lopez")
    make.debtor(campaign, invoices=[(10_000, 10)], company_name="Boulangerie Petit")
    live_server.commit()
    # The softphone takes tel: links; headless Chromium has none and would open a protocol prompt instead.
    page.add_init_script("document.addEventListener('click', e => { if (e.target.closest && "
                         "e.target.closest('a[href^=\"tel:\"]')) { e.preventDefault(); } });")
    log_in(page, live_server, agent)
    start_calling(page, live_server, campaign)
    page.wait_for_selector("#workspace[data-debtor]")
    first_id = int(page.get_attribute("#workspace", "data-debtor"))
    page.keyboard.press("a")                                   # dial: the number's link
    page.wait_for_selector("#shift[data-state='on_call']")
    page.wait_for_timeout(1200)
    assert page.locator("#call-timer").is_visible()
    screenshot(page, "shift-on-call")
    page.keyboard.press("h")                                   # hang up
    page.wait_for_selector("#shift[data-state='wrap_up']")
    page.keyboard.press("n")
    page.keyboard.press("Enter")
    page.wait_for_function("d => document.getElementById('workspace').dataset.debtor !== d", arg=str(first_id))
    page.wait_for_selector("#shift[data-state='ready']")
    attempt = live_server.session.scalar(sa.select(CallAttempt).where(CallAttempt.debtor_id == first_id))
    talk = (attempt.hung_up_at - attempt.dialled_at).total_seconds()
    assert 1 <= talk < 30 and attempt.ended_at >= attempt.hung_up_at >= attempt.dialled_at >= attempt.started_at

    page.select_option("#pause-reason", "lunch")
    page.click("#shift-pause")
    page.wait_for_selector("#shift[data-state='pause']")
    assert "En pause · Déjeuner" in page.inner_text("#shift")
    screenshot(page, "shift-pause")
    page.click("#shift-ready")
    page.wait_for_selector("#shift[data-state='ready']")
