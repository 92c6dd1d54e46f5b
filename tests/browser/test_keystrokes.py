"""How many keys each kind of call costs a negotiator, counted in Chromium from the card shown (focus on the
first result) to the save, Enter and Tab included; each outcome lands as typed.

Targets (issue: an agent's shift): full-balance promise ≤ 5, callback ≤ 6, motive on all invoices ≤ 4 plus
the free text, three-payment plan ≤ 12."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from campaigns.models import Callback, InvoiceMotive, Promise, Role

from .conftest import log_in, screenshot

COUNT = """() => { window.__keys = 0; if (!window.__counting) { window.__counting = true;
  document.addEventListener('keydown', e => { if (!e.repeat && !['Shift', 'Control', 'Alt', 'Meta'].includes(e.key)) { window.__keys++; } }, true); } }"""


def _current(page) -> int:
    return int(page.locator("#workspace").get_attribute("data-debtor"))


def _next(page, before):
    page.wait_for_function(
        "b => { const w = document.getElementById('workspace'); return w && w.dataset.debtor && w.dataset.debtor !== b"
        " && !document.querySelector('#outcome-form.htmx-request'); }", arg=str(before))


def _work(page, keys: list[str]) -> int:
    """Press these keys on the card shown; the number of keys it took."""
    before = _current(page)
    page.evaluate(COUNT)
    for key in keys:
        if len(key) == 1 or key in ("Enter", "Tab"):
            page.keyboard.press(key)
        else:
            page.keyboard.type(key)
    _next(page, str(before))
    return page.evaluate("() => window.__keys"), before


def test_each_kind_of_call_costs_no_more_keys_than_its_target(page, live_server):
    make = live_server.make
    agent = make.user(Role.AGENT, name="Nadia Négociatrice")
    campaign = make.campaign(agents=[agent], name="Relance automne")
    for i in range(6):
        make.debtor(campaign, invoices=[(120_000, 60 + i), (30_000, 20)], company_name=f"Société {i:02d}")
    live_server.commit()
    log_in(page, live_server, agent)
    page.goto(f"{live_server.url}/console/campaigns/{campaign.id}")
    page.keyboard.press("Enter")                                   # call the next debtor
    page.wait_for_selector("#workspace[data-debtor]")
    today = datetime.now(ZoneInfo("Europe/Paris")).date()
    counts = {}

    counts["promise"], promised = _work(page, ["p", "+7", "Enter"])
    counts["callback"], called_back = _work(page, ["r", "10", "Enter"])
    counts["motive"], disputed = _work(page, ["l", "1", "a", "Enter"])
    counts["plan"], planned = _work(page, ["p", "3x15/12", "Enter"])
    # The method list takes one letter per method, shown beside it: b for the card ("carte bancaire").
    assert "Carte bancaire (b)" in page.inner_text("#promise_method")
    counts["promise by card"], by_card = _work(page, ["p", "+7", "Tab", "Tab", "b", "Enter"])
    screenshot(page, "keystrokes-after-five-calls")
    print("keystrokes", counts)
    assert counts["promise"] <= 5 and counts["callback"] <= 6 and counts["motive"] <= 4 and counts["plan"] <= 12
    assert counts["promise by card"] <= 7

    session = live_server.session
    single = session.scalar(sa.select(Promise).where(Promise.debtor_id == promised))
    assert single.promised_date == today + timedelta(days=7) and single.amount_cents == 150_000
    callback = session.scalar(sa.select(Callback).where(Callback.debtor_id == called_back))
    local = callback.due_at.astimezone(ZoneInfo("Europe/Paris"))
    assert (local.hour, local.minute) == (10, 0) and local.date() in (today, today + timedelta(days=1))
    motives = session.scalars(sa.select(InvoiceMotive).where(InvoiceMotive.debtor_id == disputed)).all()
    from campaigns.taxonomy import motives_for
    tree = motives_for(session, campaign.client_company_id)                               # the console's order
    family = next(m for m in tree if not m.parent_code)                                   # "1": the first family
    first_sub = next(m for m in tree if m.parent_code == family.code)                     # "a": its first motive
    assert len(motives) == 2 and {(m.family_fr, m.label_fr) for m in motives} == {(family.label_fr, first_sub.label_fr)}
    assert session.scalar(sa.select(Promise.method).where(Promise.debtor_id == by_card)).value == "carte"
    plan = session.scalar(sa.select(Promise).where(Promise.debtor_id == planned))
    first = date(today.year if (today.month, today.day) <= (12, 15) else today.year + 1, 12, 15)
    assert plan.is_plan and [(i.due_date, i.amount_cents) for i in plan.instalments] == [
        (first, 50_000), (date(first.year + 1, 1, 15), 50_000), (date(first.year + 1, 2, 15), 50_000)]
