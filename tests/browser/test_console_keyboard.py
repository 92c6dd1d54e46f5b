"""A negotiator works a campaign with the keyboard only; every outcome lands in the database as typed."""
from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from campaigns.models import (CallAttempt, Callback, DebtorAccount, InvoiceMotive, Phone, Promise, Role)

from .conftest import log_in, screenshot

pytest.importorskip("campaigns.outcomes", reason="the console drives campaigns.queue and campaigns.outcomes")


def _campaign(live_server, n=11):
    make = live_server.make
    agent = make.user(Role.AGENT, name="Nadia Négociatrice")
    campaign = make.campaign(agents=[agent], name="Relance automne")
    for i in range(n):
        make.debtor(campaign, invoices=[(1_248_000, 60 + i), (52_050, 20)], company_name=f"Société {i:02d}",
                    contact_names="Mme Roux (comptabilité)", comment="Client historique, courtois.",
                    segment="grands comptes")
    live_server.commit()
    return agent, campaign


def _current(page) -> int:
    return int(page.locator("#workspace").get_attribute("data-debtor"))


def _save_and_wait(page, before: int, key: str = "Enter"):
    page.keyboard.press(key)
    try:
        _wait_next(page, before)
    except Exception:
        screenshot(page, "console-stuck")
        raise


def _wait_next(page, before):
    page.wait_for_function(
        "b => { const w = document.getElementById('workspace'); return w && w.dataset.debtor && w.dataset.debtor !== b && !document.querySelector('#workspace.htmx-settling, #outcome-form.htmx-request'); }",
        arg=str(before))


def test_an_agent_works_eleven_debtors_with_the_keyboard_only(page, live_server):
    agent, campaign = _campaign(live_server)
    log_in(page, live_server, agent)
    page.goto(live_server.url + "/console/")
    page.keyboard.press("1")                       # start calling the first campaign
    page.wait_for_selector("#outcome-form")
    from campaigns import calendar
    soon = date.today() + timedelta(days=7)
    while not calendar.is_open_day(campaign, soon):
        soon += timedelta(days=1)
    paid = date.today() - timedelta(days=2)
    expected = {}

    for key, result in [("n", "no_answer"), ("o", "busy"), ("m", "voicemail"), ("s", "switchboard"),
                        ("t", "wrong_party"), ("x", "refusal")]:
        debtor = _current(page)
        page.keyboard.press(key)
        expected[debtor] = result
        _save_and_wait(page, debtor)

    debtor = _current(page)                        # wrong number, with the new one typed in
    page.keyboard.press("f")
    page.keyboard.type("06 12 34 56 78")
    expected[debtor] = "wrong_number"
    new_phone_debtor = debtor
    _save_and_wait(page, debtor)

    debtor = _current(page)                        # a callback for the team, tomorrow 14:30
    page.keyboard.press("r")                       # the time first, then the date
    page.keyboard.type("14:30")
    page.keyboard.press("Tab")
    page.keyboard.type(soon.strftime("%d/%m/%Y"))
    page.keyboard.press("Tab")                     # the "me / the team" radios: arrow to "team"
    page.keyboard.press("ArrowRight")
    expected[debtor] = "right_party"
    callback_debtor = debtor
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")               # back in a text field: Enter saves
    _save_and_wait(page, debtor)

    debtor = _current(page)                        # a promise of the whole total, by transfer
    page.keyboard.press("p")
    page.keyboard.type(soon.strftime("%d/%m/%Y"))
    promise_debtor = debtor
    expected[debtor] = "right_party"
    _save_and_wait(page, debtor)

    debtor = _current(page)                        # a price dispute on all invoices, 50 € contested
    page.keyboard.press("l")
    page.keyboard.type("Litige sur le prix")       # type-ahead in the motive list
    page.keyboard.press("Tab")                     # invoice: all of them
    page.keyboard.press("Tab")
    page.keyboard.type("50,00")                    # disputed amount
    page.keyboard.press("Tab")
    page.keyboard.type("Prix convenu 250 €")
    motive_debtor = debtor
    expected[debtor] = "right_party"
    _save_and_wait(page, debtor)

    debtor = _current(page)                        # already paid two days ago
    page.keyboard.press("d")
    page.keyboard.type(paid.strftime("%d/%m/%Y"))
    paid_debtor = debtor
    expected[debtor] = "right_party"
    page.keyboard.press("Enter")
    try:
        page.wait_for_selector("#start-calling")     # nobody left: the start button is back
    finally:
        screenshot(page, "console-after-eleven-debtors")
    s = live_server.session
    s.expire_all()
    results = dict(s.execute(sa.select(CallAttempt.debtor_id, CallAttempt.result)
                             .where(CallAttempt.agent_id == agent.id)).all())
    assert {d: r.value for d, r in results.items()} == expected
    assert s.scalar(sa.select(Phone).where(Phone.debtor_id == new_phone_debtor, Phone.e164 == "+33612345678"))
    callback = s.scalar(sa.select(Callback).where(Callback.debtor_id == callback_debtor))
    assert callback.agent_id is None
    assert callback.due_at.astimezone(ZoneInfo("Europe/Paris")).strftime("%d/%m/%Y %H:%M") == \
        soon.strftime("%d/%m/%Y") + " 14:30"
    promise = s.scalar(sa.select(Promise).where(Promise.debtor_id == promise_debtor))
    assert promise.promised_date == soon and promise.amount_cents == 1_300_050
    assert promise.method.value == "virement" and len(promise.invoices) == 2
    motives = s.scalars(sa.select(InvoiceMotive).where(InvoiceMotive.debtor_id == motive_debtor)).all()
    assert motives and {m.motive.code for m in motives} == {"dispute.price"}
    assert motives[0].details == "Prix convenu 250 €"
    assert sum(m.disputed_amount_cents or 0 for m in motives) in (5_000, 5_000 * len(motives))
    paid_rows = s.scalars(sa.select(InvoiceMotive).where(InvoiceMotive.debtor_id == paid_debtor)).all()
    assert paid_rows and all(m.paid_on == paid for m in paid_rows)
    refused = [d for d, r in expected.items() if r == "refusal"][0]
    assert s.get(DebtorAccount, refused).queue_state.value == "refused"


def test_the_card_shows_everything_the_agent_needs(page, live_server):
    agent, campaign = _campaign(live_server, n=2)
    from campaigns.models import CallScript
    live_server.session.add(CallScript(campaign_id=campaign.id, segment="grands comptes",
                                       title="Grands comptes : courtois",
                                       body="Bonjour, je vous appelle de la part de notre client…"))
    live_server.commit()
    log_in(page, live_server, agent)
    page.goto(f"{live_server.url}/console/campaigns/{campaign.id}")
    page.wait_for_function("document.activeElement.id === 'start-calling'")
    page.keyboard.press("Enter")                   # "Appeler le débiteur suivant" has the focus
    page.wait_for_selector("#outcome-form")
    card = page.locator("#card")
    assert card.locator("a[href^='tel:+33']").first.inner_text() == "01 42 68 53 00"
    assert "13\u202f000,50\u00a0€" in card.inner_text()
    page.keyboard.press("k")
    assert page.locator("details.script").get_attribute("open") is not None
    page.wait_for_function("() => document.querySelector('#lease [data-lease-left]').textContent.endsWith(' s')")
    assert page.evaluate("document.activeElement.id") == "outcome-no_answer"
    page.keyboard.press("p")                       # the promise section opens, focus in its date
    assert page.evaluate("document.activeElement.name") == "promise_date"
    assert page.locator("#promise_amount").input_value() == "13000,50"
    page.keyboard.press("Escape")
    page.keyboard.press("l")
    assert page.evaluate("document.activeElement.name") == "motive_1_code"
    page.keyboard.press("Escape")
    screenshot(page, "console-card")
