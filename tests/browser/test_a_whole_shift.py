"""A negotiator's morning in Chromium, on a clock the test moves (the server's and the browser's together):
she logs in (ready), makes a promise, a "no answer" and a callback with the shortcuts, takes a lunch pause,
opens her personal callback from the agenda when its alert shows, records a motive, and logs out. Her
states, her talk, wrap-up, pause and logged times, and the keys each call cost are exactly what she did."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from campaigns import clock, shift
from campaigns.models import AgentStateChange, Callback, CallAttempt, DebtorAccount, Promise, QueueState, Role

from .conftest import log_in, screenshot

PARIS = ZoneInfo("Europe/Paris")
START = datetime(2026, 12, 8, 9, 0, tzinfo=timezone.utc)      # a Tuesday, 10:00 in Paris
COUNT = """() => { window.__keys = 0; if (!window.__counting) { window.__counting = true;
  document.addEventListener('keydown', e => { if (!e.repeat && !['Shift', 'Control', 'Alt', 'Meta'].includes(e.key)) { window.__keys++; } }, true); } }"""


class MovedClock:
    """The server's "now": where the test has moved it."""

    def __init__(self, at: datetime):
        self.at = at

    def __call__(self) -> datetime:
        return self.at


@pytest.fixture
def moved_clock():
    moved = MovedClock(START)
    clock.use(moved)
    yield moved
    clock.use(None)


def test_a_morning_on_the_phones(page, live_server, moved_clock):
    make = live_server.make
    nadia = make.user(Role.AGENT, name="Nadia Négociatrice")
    campaign = make.campaign(agents=[nadia], name="Relance hiver")
    names = ["Garage Lopez", "Boulangerie Petit", "Hôtel du Lac", "Menuiserie Blanc"]
    for i, name in enumerate(names):                    # the largest balance first
        make.debtor(campaign, invoices=[(400_000 - i * 50_000, 60)], company_name=name)
    roux = make.debtor(campaign, invoices=[(80_000, 45)], company_name="Cabinet Roux")
    roux.queue_state, roux.next_action_at = QueueState.CALLBACK, START + timedelta(minutes=25)
    live_server.session.add(Callback(campaign_id=campaign.id, debtor_id=roux.id, agent_id=nadia.id,
                                     due_at=START + timedelta(minutes=25), note="Rappeler Mme Roux"))
    live_server.commit()

    page.clock.install(time=START - timedelta(minutes=1))
    page.clock.pause_at(START)                          # from now on the page's time moves only with the test's
    # The softphone takes tel: links; headless Chromium has none and would open a protocol prompt instead.
    page.add_init_script("document.addEventListener('click', e => { if (e.target.closest && "
                         "e.target.closest('a[href^=\"tel:\"]')) { e.preventDefault(); } });")

    def move(seconds: float):
        moved_clock.at += timedelta(seconds=seconds)
        page.clock.run_for(int(seconds * 1000))

    def card() -> int:
        return int(page.get_attribute("#workspace", "data-debtor"))

    def next_card(before: int):
        page.wait_for_selector(f'#workspace[data-debtor]:not([data-debtor="{before}"])')
        move(0.05)                                      # htmx settles the swap on the page's timers

    def call(talk: float, result_keys: list[str], wrap_up: float) -> tuple[int, int]:
        """Dial, talk, then the result keys (the first hangs up), the wrap-up, Enter: (debtor, keys)."""
        before = card()
        move(4)                                         # reading the card
        page.keyboard.press("a")
        page.wait_for_selector("#shift[data-state='on_call']")
        page.evaluate(COUNT)                            # the count starts with the focus back on the results
        move(talk)
        for key in result_keys:
            page.keyboard.press(key) if len(key) == 1 else page.keyboard.type(key)
        page.wait_for_selector("#shift[data-state='wrap_up']")
        move(wrap_up)
        page.keyboard.press("Enter")
        next_card(before)
        return before, page.evaluate("() => window.__keys")

    log_in(page, live_server, nadia)
    page.goto(f"{live_server.url}/console/campaigns/{campaign.id}")
    page.wait_for_selector("#shift[data-state='ready']")
    page.keyboard.press("Enter")                        # call the next debtor
    page.wait_for_selector("#workspace[data-debtor]")
    move(0.05)

    keys = {}
    promised, keys["promise"] = call(60, ["p", "+7"], 20)
    no_answer, keys["no answer"] = call(30, ["n"], 2)
    called_back, keys["callback"] = call(40, ["r", "1430"], 10)

    # Lunch: the card on screen stays hers; nobody else is handed out while she is away.
    page.select_option("#pause-reason", "lunch")
    page.click("#shift-pause")
    page.wait_for_selector("#shift[data-state='pause']")
    move(15 * 60)
    assert "En pause · Déjeuner" in page.inner_text("#shift") and "15 min" in page.inner_text("#shift")
    page.click("#shift-ready")
    page.wait_for_selector("#shift[data-state='ready']")

    # Mme Roux's callback falls due at 10:25: the agenda's minute refresh raises the alert, "g" opens it.
    page.keyboard.press("Escape")
    move(3 * 60)                                       # 10:20:54, four minutes before
    page.wait_for_selector("#agenda-alert")
    assert "Cabinet Roux" in page.inner_text("#agenda-alert")
    screenshot(page, "whole-shift-callback-alert")
    before = card()
    page.keyboard.press("g")
    next_card(before)
    assert card() == roux.id
    roux_call, keys["motive"] = call(50, ["l", "1", "a"], 5)
    move(60)
    page.goto(f"{live_server.url}/")
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url(live_server.url + "/login**")
    print("keystrokes", keys)

    # Her supervisor's live view, just after: logged out, her day's figures, the team's pauses by reason.
    supervisor = make.user(Role.MANAGER, name="Claire Superviseure")
    live_server.commit()
    log_in(page, live_server, supervisor)
    page.goto(f"{live_server.url}/campaigns/{campaign.id}/supervision/floor")
    row = page.locator(f"#agent-{nadia.id}")
    cells = row.locator("td").all_inner_texts()
    assert cells[1] == "Déconnecté" and cells[4:7] == ["4", "3", "1"]          # calls, completed, promises
    assert cells[8:11] == ["3 min 00", "0 min 37", "15 min 00"]                # talk, wrap-up, pause
    assert "Pauses du jour, par motif : Déjeuner 15 min 00" in page.inner_text("#pauses-by-reason")
    screenshot(page, "whole-shift-live-view")

    session = live_server.session
    session.expire_all()
    assert keys["promise"] <= 5 and keys["callback"] <= 6 and keys["motive"] <= 4 and keys["no answer"] <= 2
    states = [(s.state, s.reason) for s in session.scalars(
        sa.select(AgentStateChange).where(AgentStateChange.agent_id == nadia.id).order_by(AgentStateChange.id))]
    call_states = [("on_call", None), ("wrap_up", None), ("ready", None)]
    assert states == [("ready", None)] + call_states * 3 + [("pause", "lunch"), ("ready", None)] + \
        call_states + [("logged_out", None)]

    times = {t.agent_id: t for t in shift.day_times(session, campaign, START.astimezone(PARIS).date())}[nadia.id]
    assert times.talk == 60 + 30 + 40 + 50
    assert times.wrap_up == 20 + 2 + 10 + 5
    assert times.paused == {"lunch": 15 * 60}
    assert times.calls == 4 and times.promises == 1
    logged = (moved_clock.at - START).total_seconds()
    assert times.logged == logged
    assert times.occupancy == pytest.approx((180 + 37) / logged)
    attempts = {a.debtor_id: a for a in session.scalars(sa.select(CallAttempt).where(CallAttempt.agent_id == nadia.id))}
    assert set(attempts) == {promised, no_answer, called_back, roux.id}
    assert (attempts[promised].hung_up_at - attempts[promised].dialled_at).total_seconds() == 60
    promise = session.scalar(sa.select(Promise).where(Promise.debtor_id == promised))
    assert promise.promised_date == START.astimezone(PARIS).date() + timedelta(days=7)
    callback = session.scalar(sa.select(Callback).where(Callback.debtor_id == called_back))
    assert callback.due_at.astimezone(PARIS).strftime("%H:%M") == "14:30"
    assert session.scalar(sa.select(Callback.status).where(Callback.debtor_id == roux.id)).value == "done"
    assert session.get(DebtorAccount, roux.id).last_result == "motive"
