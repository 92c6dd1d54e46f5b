"""The call queue and the recording of call outcomes, on SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from campaigns import calendar, priority, queue
from campaigns.errors import Conflict, ValidationError
from campaigns.models import (CallAttempt, CampaignStatus, ContactResult, InvoiceStatus, PaymentMethod, Promise,
                              PromiseStatus, QueueState, Role)
from campaigns.models.campaign import default_calling_hours
from campaigns.outcomes import (AlreadyPaidInput, CallbackInput, MotiveInput, OutcomeInput, PromiseInput,
                                record_outcome)
from campaigns.supervision.disputes import resolve_dispute

pytestmark = pytest.mark.usefixtures("db_url")

PARIS = ZoneInfo("Europe/Paris")


def open_now(campaign):
    """A moment inside calling hours (today or the next open day), so that tests do not depend on the clock."""
    return calendar.next_open(campaign, datetime.now(timezone.utc)) + timedelta(minutes=5)


@pytest.fixture
def setup(session, make):
    agent, other = make.user(Role.AGENT), make.user(Role.AGENT)
    campaign = make.campaign(agents=[agent, other])
    return session, make, campaign, agent, other


def claim(session, campaign, agent, now):
    debtor = queue.claim_next(session, campaign.id, agent.id, now=now)
    session.flush()
    return debtor


def test_the_biggest_oldest_debt_comes_first_and_the_explanation_says_why(setup):
    session, make, campaign, agent, _ = setup
    small = make.debtor(campaign, invoices=[(50_000, 10)])
    big = make.debtor(campaign, invoices=[(1_248_000, 95)])
    middle = make.debtor(campaign, invoices=[(300_000, 40)])
    now = open_now(campaign)
    priority.recompute_campaign(session, campaign.id, now)
    order = [d.id for d in queue.next_debtors(session, campaign.id, 10, now=now)]
    assert order == [big.id, middle.id, small.id]
    first = claim(session, campaign, agent, now)
    assert first.id == big.id
    parts = queue.explain(session, first, now=now)
    texts = [template.format(**params) for template, params in parts]
    assert "12\u202f480,00\u00a0€ owed" in texts
    assert any(t.startswith("oldest due date: D+9") for t in texts)


def test_a_campaign_can_weigh_age_over_amount(setup):
    session, make, campaign, agent, _ = setup
    rich = make.debtor(campaign, invoices=[(2_000_000, 5)])
    old = make.debtor(campaign, invoices=[(10_000, 300)])
    campaign.priority_weights = {"amount": 0.1, "age": 5}
    now = open_now(campaign)
    priority.recompute_campaign(session, campaign.id, now)
    assert [d.id for d in queue.next_debtors(session, campaign.id, 2, now=now)] == [old.id, rich.id]
    rich_score = priority.recompute_debtor(session, rich, now)
    days_late = (now.astimezone(PARIS).date() - rich.oldest_due_date).days  # 5, or more when now is a later open day
    assert rich_score == pytest.approx(0.1 * 20 + 5 * (days_late / 30), abs=0.01)


def test_nobody_is_handed_out_outside_calling_hours_or_when_the_campaign_is_not_running(setup):
    session, make, campaign, agent, _ = setup
    campaign.calling_hours = default_calling_hours()  # Mon-Fri 9:00-12:30, 14:00-18:30, Paris
    make.debtor(campaign)
    monday_lunch = datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc)  # 13:00 in Paris
    assert claim(session, campaign, agent, monday_lunch) is None
    closed = queue.closed_reason(campaign, monday_lunch)
    assert str(closed) == "Outside calling hours: calls open again on 30/11/2026 14:00."
    saturday = datetime(2026, 12, 5, 10, 0, tzinfo=timezone.utc)
    assert "07/12/2026 09:00" in str(queue.closed_reason(campaign, saturday))
    christmas = datetime(2026, 12, 25, 10, 0, tzinfo=timezone.utc)  # a Friday, a public holiday
    assert claim(session, campaign, agent, christmas) is None

    monday_morning = datetime(2026, 11, 30, 9, 30, tzinfo=timezone.utc)
    campaign.status = CampaignStatus.PAUSED
    assert claim(session, campaign, agent, monday_morning) is None
    assert str(queue.closed_reason(campaign, monday_morning)) == "This campaign is paused by its manager."
    campaign.status = CampaignStatus.ACTIVE
    campaign.period_start = date(2026, 12, 1)
    assert claim(session, campaign, agent, monday_morning) is None
    assert str(queue.closed_reason(campaign, monday_morning)) == "This campaign starts on 01/12/2026."
    campaign.period_start, campaign.period_end = date(2026, 11, 1), date(2026, 11, 27)
    assert str(queue.closed_reason(campaign, monday_morning)) == "This campaign ended on 27/11/2026."
    campaign.period_end = date(2026, 12, 31)
    assert queue.closed_reason(campaign, monday_morning) is None
    assert claim(session, campaign, agent, monday_morning) is not None


def test_two_agents_never_get_the_same_debtor_and_a_lease_expires(setup):
    session, make, campaign, agent, other = setup
    d1, d2 = make.debtor(campaign), make.debtor(campaign)
    now = open_now(campaign)
    a = claim(session, campaign, agent, now)
    b = claim(session, campaign, other, now)
    assert {a.id, b.id} == {d1.id, d2.id}
    assert claim(session, campaign, make.user(Role.AGENT), now) is None
    later = now + timedelta(minutes=campaign.lease_minutes + 1)
    third = make.user(Role.AGENT)
    taken = claim(session, campaign, third, later)
    assert taken is not None
    # The agent who lost it is told so when saving.
    loser = agent if taken.id == a.id else other
    with pytest.raises(Conflict) as err:
        record_outcome(session, taken.id, loser.id, OutcomeInput(result=ContactResult.NO_ANSWER), now=later)
    assert "taken" in str(err.value)


def test_an_expired_lease_nobody_took_is_still_accepted(setup):
    session, make, campaign, agent, _ = setup
    make.debtor(campaign)
    now = open_now(campaign)
    d = claim(session, campaign, agent, now)
    late = now + timedelta(minutes=campaign.lease_minutes + 5)
    attempt = record_outcome(session, d.id, agent.id, OutcomeInput(result=ContactResult.BUSY), now=late)
    assert attempt.result == ContactResult.BUSY and d.leased_by_id is None


def test_open_debtor_refuses_a_debtor_another_agent_is_working_on(setup):
    session, make, campaign, agent, other = setup
    make.debtor(campaign)
    now = open_now(campaign)
    d = claim(session, campaign, agent, now)
    with pytest.raises(Conflict):
        queue.open_debtor(session, d.id, other.id, now=now)
    queue.release(session, d.id, agent.id, now=now)
    assert queue.open_debtor(session, d.id, other.id, now=now).leased_by_id == other.id


@pytest.mark.parametrize("result,state,minutes", [
    (ContactResult.NO_ANSWER, QueueState.READY, 120),
    (ContactResult.BUSY, QueueState.READY, 30),
    (ContactResult.VOICEMAIL, QueueState.READY, 240),
    (ContactResult.REFUSAL, QueueState.REFUSED, None),
])
def test_each_result_sets_the_next_action(setup, result, state, minutes):
    session, make, campaign, agent, _ = setup
    make.debtor(campaign)
    now = open_now(campaign)
    d = claim(session, campaign, agent, now)
    record_outcome(session, d.id, agent.id, OutcomeInput(result=result), now=now)
    assert d.queue_state == state
    if minutes is None:
        assert d.next_action_at is None
    else:
        assert d.next_action_at == calendar.next_open(campaign, now + timedelta(minutes=minutes))
        assert claim(session, campaign, agent, now) is None
        assert claim(session, campaign, agent, d.next_action_at).id == d.id


def test_a_retry_rule_of_the_campaign_overrides_the_default(setup):
    session, make, campaign, agent, _ = setup
    campaign.retry_rules = {"no_answer": {"delay_minutes": 10}}
    make.debtor(campaign)
    now = open_now(campaign)
    d = claim(session, campaign, agent, now)
    record_outcome(session, d.id, agent.id, OutcomeInput(result=ContactResult.NO_ANSWER), now=now)
    assert d.next_action_at == calendar.next_open(campaign, now + timedelta(minutes=10))


def test_wrong_number_without_another_number_waits_for_the_manager(setup):
    session, make, campaign, agent, _ = setup
    make.debtor(campaign)
    now = open_now(campaign)
    d = claim(session, campaign, agent, now)
    record_outcome(session, d.id, agent.id, OutcomeInput(result=ContactResult.WRONG_NUMBER,
                                                         phone_dialled=d.phones[0].e164), now=now)
    assert d.queue_state == QueueState.WRONG_NUMBER and not d.has_valid_phone


def test_max_attempts_without_contact_makes_the_debtor_unreachable(setup):
    session, make, campaign, agent, _ = setup
    campaign.max_attempts = 2
    make.debtor(campaign)
    now = open_now(campaign)
    for _ in range(2):
        d = queue.open_debtor(session, make.session.query(__import__("campaigns.models", fromlist=["x"]).DebtorAccount)
                              .filter_by(campaign_id=campaign.id).one().id, agent.id, now=now)
        record_outcome(session, d.id, agent.id, OutcomeInput(result=ContactResult.NO_ANSWER), now=now)
    assert d.queue_state == QueueState.UNREACHABLE


def test_a_promise_takes_the_debtor_out_until_the_date_and_a_broken_one_comes_back_boosted(setup):
    session, make, campaign, agent, _ = setup
    d = make.debtor(campaign, invoices=[(100_000, 30), (50_000, 20)])
    rival = make.debtor(campaign, invoices=[(150_000, 30)])
    now = open_now(campaign)
    priority.recompute_campaign(session, campaign.id, now)
    queue.open_debtor(session, d.id, agent.id, now=now)
    in_a_week = now.date() + timedelta(days=7)
    record_outcome(session, d.id, agent.id, OutcomeInput(
        result=ContactResult.RIGHT_PARTY,
        promise=PromiseInput(promised_date=in_a_week, amount_cents=150_000, method=PaymentMethod.TRANSFER)), now=now)
    assert d.queue_state == QueueState.PROMISED
    assert {i.status for i in d.invoices} == {InvoiceStatus.PROMISED}
    assert [x.id for x in queue.next_debtors(session, campaign.id, 5, now=now)] == [rival.id]
    later = now + timedelta(days=7 + campaign.promise_grace_days + 2)
    assert queue.tick(session, campaign.id, later) == 1
    promise = session.query(Promise).filter_by(debtor_id=d.id).one()
    assert promise.status == PromiseStatus.BROKEN
    assert d.broken_promises == 1
    assert queue.next_debtors(session, campaign.id, 1, now=later)[0].id == d.id
    texts = [t.format(**p) for t, p in queue.explain(session, d, now=later)]
    assert f"promise not kept on {in_a_week:%d/%m/%Y}" in texts


def test_the_agent_is_told_what_is_wrong_in_a_promise(setup):
    session, make, campaign, agent, _ = setup
    d = make.debtor(campaign, invoices=[(100_000, 30)])
    foreign = make.debtor(campaign).invoices[0]
    now = open_now(campaign)
    queue.open_debtor(session, d.id, agent.id, now=now)
    with pytest.raises(ValidationError) as err:
        record_outcome(session, d.id, agent.id, OutcomeInput(
            result=ContactResult.RIGHT_PARTY,
            promise=PromiseInput(promised_date=now.date() - timedelta(days=1), amount_cents=200_000,
                                 method=PaymentMethod.CHEQUE)), now=now)
    assert set(err.value.errors) == {"promise.promised_date", "promise.amount_cents"}
    with pytest.raises(ValidationError) as err:
        record_outcome(session, d.id, agent.id, OutcomeInput(
            result=ContactResult.RIGHT_PARTY,
            promise=PromiseInput(promised_date=None, amount_cents=100_000, method=PaymentMethod.CHEQUE,
                                 instalments=[(now.date() + timedelta(days=5), 40_000),
                                              (now.date() + timedelta(days=35), 40_000)])), now=now)
    assert "add up" in str(err.value.errors["promise.instalments"])
    with pytest.raises(ValidationError) as err:
        record_outcome(session, d.id, agent.id, OutcomeInput(
            result=ContactResult.RIGHT_PARTY,
            motives=[MotiveInput(invoice_ids=[foreign.id], motive_code="nonsense")]), now=now)
    assert set(err.value.errors) == {"motives[0].motive_code", "motives[0].invoice_ids"}
    assert session.query(CallAttempt).count() == 0


def test_a_plan_records_its_instalments(setup):
    session, make, campaign, agent, _ = setup
    d = make.debtor(campaign, invoices=[(100_000, 30)])
    now = open_now(campaign)
    queue.open_debtor(session, d.id, agent.id, now=now)
    plan = [(now.date() + timedelta(days=5), 60_000), (now.date() + timedelta(days=35), 40_000)]
    record_outcome(session, d.id, agent.id, OutcomeInput(
        result=ContactResult.RIGHT_PARTY,
        promise=PromiseInput(promised_date=None, amount_cents=100_000, method=PaymentMethod.DIRECT_DEBIT,
                             instalments=plan)), now=now)
    promise = session.query(Promise).filter_by(debtor_id=d.id).one()
    assert promise.is_plan and [(i.due_date, i.amount_cents) for i in promise.instalments] == plan


def test_several_motives_on_different_invoices_and_a_dispute_resolved_brings_the_debtor_back(setup):
    session, make, campaign, agent, _ = setup
    d = make.debtor(campaign, invoices=[(100_000, 30), (50_000, 20)])
    first, second = d.invoices
    now = open_now(campaign)
    queue.open_debtor(session, d.id, agent.id, now=now)
    record_outcome(session, d.id, agent.id, OutcomeInput(result=ContactResult.RIGHT_PARTY, motives=[
        MotiveInput(invoice_ids=[first.id], motive_code="dispute.price", disputed_amount_cents=20_000),
        MotiveInput(invoice_ids=[second.id], motive_code="cash_flow")]), now=now)
    assert d.queue_state == QueueState.DISPUTED
    assert first.status == InvoiceStatus.DISPUTED and second.status == InvoiceStatus.OPEN
    from campaigns.models import InvoiceMotive
    blocking = session.query(InvoiceMotive).filter_by(invoice_id=first.id).one()
    resolve_dispute(session, blocking.id, agent.id, "Avoir émis", now=now)
    assert d.queue_state == QueueState.READY and first.status == InvoiceStatus.OPEN


def test_already_paid_waits_for_the_client_to_check(setup):
    session, make, campaign, agent, _ = setup
    d = make.debtor(campaign)
    now = open_now(campaign)
    queue.open_debtor(session, d.id, agent.id, now=now)
    record_outcome(session, d.id, agent.id, OutcomeInput(
        result=ContactResult.RIGHT_PARTY,
        already_paid=AlreadyPaidInput(paid_on=now.date(), method=PaymentMethod.TRANSFER)), now=now)
    assert d.queue_state == QueueState.DISPUTED


def test_a_personal_callback_goes_to_its_agent_until_overdue_then_to_anyone(setup):
    session, make, campaign, agent, other = setup
    d = make.debtor(campaign)
    now = open_now(campaign)
    queue.open_debtor(session, d.id, agent.id, now=now)
    due = calendar.next_open(campaign, now + timedelta(days=1))
    record_outcome(session, d.id, agent.id, OutcomeInput(
        result=ContactResult.RIGHT_PARTY, callback=CallbackInput(due_at=due)), now=now)
    assert d.queue_state == QueueState.CALLBACK
    assert claim(session, campaign, agent, now) is None          # not yet due
    assert claim(session, campaign, other, due) is None          # someone else's callback
    mine = claim(session, campaign, agent, due)
    assert mine.id == d.id
    queue.release(session, d.id, agent.id, now=due)
    overdue = due + timedelta(minutes=campaign.callback_grace_minutes + 1)
    assert claim(session, campaign, other, overdue).id == d.id


def test_a_team_callback_goes_to_whoever_is_free(setup):
    session, make, campaign, agent, other = setup
    d = make.debtor(campaign)
    now = open_now(campaign)
    queue.open_debtor(session, d.id, agent.id, now=now)
    due = calendar.next_open(campaign, now + timedelta(days=1))
    record_outcome(session, d.id, agent.id, OutcomeInput(
        result=ContactResult.SWITCHBOARD, callback=CallbackInput(due_at=due, personal=False)), now=now)
    got = claim(session, campaign, other, due)
    assert got.id == d.id
    assert [t for t, _ in queue.explain(session, got)][0] == "callback due at {time}"


def test_a_callback_outside_calling_hours_is_refused(setup):
    session, make, campaign, agent, _ = setup
    campaign.calling_hours = default_calling_hours()
    d = make.debtor(campaign)
    now = open_now(campaign)
    queue.open_debtor(session, d.id, agent.id, now=now)
    sunday = datetime(2026, 11, 29, 10, 0, tzinfo=timezone.utc)
    with pytest.raises(ValidationError) as err:
        record_outcome(session, d.id, agent.id, OutcomeInput(
            result=ContactResult.RIGHT_PARTY, callback=CallbackInput(due_at=max(sunday, now + timedelta(days=7 - now.weekday() - 1)).replace(hour=3))), now=now)
    assert "callback.due_at" in err.value.errors


def test_a_resubmitted_form_is_recorded_once(setup):
    session, make, campaign, agent, _ = setup
    d = make.debtor(campaign)
    now = open_now(campaign)
    queue.open_debtor(session, d.id, agent.id, now=now)
    first = record_outcome(session, d.id, agent.id, OutcomeInput(result=ContactResult.BUSY, request_key="k1"), now=now)
    again = record_outcome(session, d.id, agent.id, OutcomeInput(result=ContactResult.BUSY, request_key="k1"), now=now)
    assert again.id == first.id
    assert session.query(CallAttempt).count() == 1 and d.attempts == 1 and d.version == 2


def test_asking_again_gives_back_the_debtor_the_agent_holds_with_its_lease_renewed(setup):
    session, make, campaign, agent, other = setup
    first, second = make.debtor(campaign), make.debtor(campaign)
    now = open_now(campaign)
    held = claim(session, campaign, agent, now)
    later = now + timedelta(minutes=3)
    again = claim(session, campaign, agent, later)
    assert again.id == held.id
    assert again.lease_expires_at == later + timedelta(minutes=campaign.lease_minutes)
    assert claim(session, campaign, other, later).id in {first.id, second.id} - {held.id}


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_the_claim_finds_the_agents_debtor_through_an_index_on_sqlite(session, make):
    """After ANALYZE saw a column of NULLs, SQLite's planner scanned every debtor (30 ms at 330k)."""
    engine = session.get_bind()
    agent = make.user(Role.AGENT)
    campaign = make.campaign(agents=[agent])
    make.debtor(campaign)
    session.execute(sa.text("ANALYZE"))
    seen = []
    listener = lambda conn, cursor, statement, params, context, many: seen.append((statement, params))  # noqa: E731
    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        queue.claim_next(session, campaign.id, agent.id, now=open_now(campaign))
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)
    statement, params = next((s, p) for s, p in seen if s.startswith("UPDATE debtor_accounts"))
    raw = session.connection().connection.dbapi_connection
    plan = " | ".join(row[3] for row in raw.execute("EXPLAIN QUERY PLAN " + statement, params))
    assert "SCAN debtor_accounts" not in plan, plan
