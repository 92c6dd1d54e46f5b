"""One number per figure: the agents' counters, the dashboard, the recap and `flask campaign figures` agree.

A campaign worked by two agents over three days with every kind of outcome; on SQLite and PostgreSQL.
"""
from __future__ import annotations

import json
from datetime import datetime, time, timedelta, timezone
from decimal import Decimal

import openpyxl
import pytest
import sqlalchemy as sa

from app.console.reads import agent_day
from campaigns import clock, queue
from campaigns.models import ContactResult as R
from campaigns.models import CallAttempt, PaymentMethod, Role
from campaigns.outcomes import (AlreadyPaidInput, CallbackInput, MotiveInput, OutcomeInput, PromiseInput,
                                record_outcome)
from campaigns.recap import write_recap
from campaigns.supervision import figures


@pytest.fixture
def worked(app_make, db):
    """Two agents, nine debtors, three days of calls ending now."""
    alice, bob = app_make.user(Role.AGENT, name="Alice"), app_make.user(Role.AGENT, name="Bob")
    campaign = app_make.campaign(agents=[alice, bob], name="Identités")
    d = [app_make.debtor(campaign, invoices=[(100_000 * (i + 1), 20 + i), (25_000, 5)]) for i in range(9)]
    app_make.debtor(campaign, invoices=[(-7_500, 3)])   # a credit balance: nothing to collect
    today = clock.today(campaign)
    # Ten in the morning (the campaign's time) on each of the last three days: no call crosses midnight.
    days = [datetime.combine(today - timedelta(days=n), time(10), clock.zone(campaign)).astimezone(timezone.utc)
            for n in (2, 1, 0)]

    def call(agent, debtor, at, result, **what):
        queue.open_debtor(db, debtor.id, agent.id, now=at)
        record_outcome(db, debtor.id, agent.id, OutcomeInput(result=result, **what), now=at)
        db.commit()

    t1, t2, t3 = days
    call(alice, d[0], t1, R.NO_ANSWER)
    call(alice, d[1], t1 + timedelta(minutes=5), R.RIGHT_PARTY, promise=PromiseInput(
        promised_date=today + timedelta(days=9), amount_cents=80_000, method=PaymentMethod.TRANSFER))
    call(alice, d[2], t1 + timedelta(minutes=9), R.REFUSAL, refused=True)
    call(bob, d[3], t1 + timedelta(minutes=2), R.BUSY)
    call(bob, d[4], t1 + timedelta(minutes=7), R.RIGHT_PARTY,
         motives=[MotiveInput(invoice_ids=None, motive_code="dispute.price", details="Prix")])
    call(alice, d[0], t2, R.VOICEMAIL)
    call(alice, d[5], t2 + timedelta(minutes=4), R.RIGHT_PARTY,
         callback=CallbackInput(due_at=t3 + timedelta(hours=2)))
    call(bob, d[3], t2 + timedelta(minutes=1), R.WRONG_NUMBER, phone_dialled="01 42 68 53 00")
    call(bob, d[6], t2 + timedelta(minutes=6), R.RIGHT_PARTY,
         already_paid=AlreadyPaidInput(paid_on=today - timedelta(days=3), method=PaymentMethod.CHEQUE))
    call(alice, d[0], t3, R.RIGHT_PARTY, promise=PromiseInput(
        promised_date=None, amount_cents=100_000, method=PaymentMethod.CHEQUE,
        instalments=[(today + timedelta(days=5), 50_000), (today + timedelta(days=35), 50_000)]))
    call(bob, d[7], t3 + timedelta(minutes=3), R.SWITCHBOARD)
    call(bob, d[8], t3 + timedelta(minutes=8), R.RIGHT_PARTY,
         motives=[MotiveInput(invoice_ids=None, motive_code="cash_flow")])
    return campaign, (alice, bob), days


def test_the_agents_day_counters_add_up_to_the_dashboards_days(db, worked):
    campaign, agents, days = worked
    total_calls = 0
    for at in days:
        day = clock.today(campaign, at)
        [dashboard] = figures.day_figures(db, campaign.id, day=day)
        counters = [agent_day(db, agent.id, campaign, now=at) for agent in agents]
        assert sum(c.calls for c in counters) == dashboard.calls
        assert sum(c.completed_calls for c in counters) == dashboard.completed_calls
        assert sum(c.promises for c in counters) == dashboard.promises
        assert sum(c.promised_cents for c in counters) == dashboard.promised_cents
        total_calls += dashboard.calls
    assert [figures.day_figures(db, campaign.id, day=clock.today(campaign, at))[0].calls for at in days] == [5, 4, 3]
    assert total_calls == 12
    # A refusal is a completed call (the person able to pay was on the line), on every screen.
    assert figures.day_figures(db, campaign.id, day=clock.today(campaign, days[0]))[0].completed_calls == 3


def test_the_dashboard_the_figures_command_and_the_recap_say_the_same(app, db, worked, tmp_path):
    campaign, _agents, _days = worked
    f = figures.campaign_figures(db, campaign.id)
    assert (f.calls, f.completed_calls, f.debtors_reached) == (12, 7, 7)
    assert f.amount_remaining_cents <= f.amount_placed_cents
    assert (f.credit_balances, f.credit_balances_cents) == (1, -7_500)

    result = app.test_cli_runner().invoke(args=["campaign", "figures", str(campaign.id), "--json",
                                                "--day", clock.today(campaign).isoformat()])
    assert result.exit_code == 0, result.output
    output = json.loads(result.output)
    assert output == {**figures.as_dict(f), "day": output["day"]}
    assert output["amount_placed"] == f"{Decimal(f.amount_placed_cents) / 100:.2f}"
    assert output["day"]["total"]["calls"] == 3 and {a["name"] for a in output["day"]["agents"]} == {"Alice", "Bob"}

    out = tmp_path / "recap.xlsx"
    write_recap(db, campaign.id, str(out))
    book = openpyxl.load_workbook(out, read_only=True)
    synthese = {r[0]: r[1] for r in book["Synthèse"].iter_rows(values_only=True) if r and r[0]}
    money = {"Montant confié": f.amount_placed_cents, "Montant promis": f.promised_cents,
             "Reste dû aujourd'hui": f.outstanding_now_cents, "Reste à appeler": f.amount_remaining_cents,
             "Montant non joint": f.amount_not_reached_cents, "Montant des soldes créditeurs": f.credit_balances_cents}
    for label, cents in money.items():
        assert Decimal(str(synthese[label])) == Decimal(cents) / 100, label
    counts = {"Appels passés": f.calls, "Appels aboutis (interlocuteur joint, refus compris)": f.completed_calls,
              "Débiteurs joints": f.debtors_reached, "Débiteurs travaillés": f.debtors_worked,
              "Débiteurs confiés": f.debtors_placed, "Promesses": f.promises}
    for label, count in counts.items():
        assert synthese[label] == count, label

    invoices = [r for r in book["Factures"].iter_rows(values_only=True)]
    head = invoices[0]
    placed = sum(Decimal(str(r[head.index("Montant dû")])) for r in invoices[1:])
    now = sum(Decimal(str(r[head.index("Reste dû aujourd'hui")])) for r in invoices[1:])
    assert placed == Decimal(str(synthese["Montant confié"])) + Decimal(str(synthese["Montant des soldes créditeurs"]))
    assert now == Decimal(str(synthese["Reste dû aujourd'hui"])) + Decimal(str(synthese["Montant des soldes créditeurs"]))
    calls = [r for r in book["Appels"].iter_rows(values_only=True)][1:]
    assert len(calls) == f.calls == db.scalar(sa.select(sa.func.count()).select_from(CallAttempt))
    assert sum(1 for r in calls if r[5] in ("interlocuteur joint", "refus")) == f.completed_calls
