"""An agent's shift: its states stamped as they change, a paused agent handed nobody, and the day's times
derived once (talk, wrap-up, pause per reason, logged time up to logout or the last heartbeat, occupancy)."""
from datetime import date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from campaigns import clock, queue, shift
from campaigns.errors import DomainError
from campaigns.models import CallAttempt, Campaign, ContactResult, Role, User
from campaigns.outcomes import OutcomeInput, record_outcome


@pytest.fixture
def desk(session, make):
    agent = make.user(Role.AGENT, name="Nadia")
    campaign = make.campaign(agents=[agent])
    return campaign, agent


def local(campaign, day, hour, minute=0, second=0):
    return clock.morning(campaign, day, hour) + timedelta(minutes=minute, seconds=second)


def test_dial_and_hang_up_offsets_become_moments_kept_inside_the_call():
    shown = datetime(2026, 12, 7, 9, tzinfo=timezone.utc)
    saved = shown + timedelta(seconds=100)
    assert shift.timing(shown, saved, 10_000, 70_000) == (shown + timedelta(seconds=10), shown + timedelta(seconds=70))
    assert shift.timing(shown, saved, 10_000, None) == (shown + timedelta(seconds=10), saved)   # saved on the line
    assert shift.timing(shown, saved, 10_000, 5_000)[1] == saved                            # never before the dial
    assert shift.timing(shown, saved, 900_000, None) == (saved, saved)                       # never after the save
    assert shift.timing(shown, saved, None, 70_000) == (None, None)                          # never dialled


def test_a_day_gives_talk_wrap_up_pause_per_reason_logged_time_and_occupancy(session, make, desk):
    campaign, agent = desk
    day = clock.today(campaign) - timedelta(days=1)
    debtor = make.debtor(campaign)
    shift.change(session, agent.id, shift.READY, campaign_id=campaign.id, now=local(campaign, day, 9))
    queue.open_debtor(session, debtor.id, agent.id, now=local(campaign, day, 9, 0, 5))
    started = local(campaign, day, 9, 1)
    record_outcome(session, debtor.id, agent.id, OutcomeInput(
        result=ContactResult.REFUSAL, refused=True, started_at=started, dial_ms=10_000, hang_up_ms=70_000),
        now=started + timedelta(seconds=100))
    shift.change(session, agent.id, shift.PAUSE, "lunch", now=local(campaign, day, 12))
    shift.change(session, agent.id, shift.READY, now=local(campaign, day, 13))
    shift.change(session, agent.id, shift.PAUSE, "break", now=local(campaign, day, 15))
    shift.change(session, agent.id, shift.READY, now=local(campaign, day, 15, 10))
    shift.change(session, agent.id, shift.LOGGED_OUT, now=local(campaign, day, 17))
    attempt = session.scalar(sa.select(CallAttempt).where(CallAttempt.debtor_id == debtor.id))
    assert (attempt.hung_up_at - attempt.dialled_at).total_seconds() == 60

    [t] = shift.day_times(session, campaign, day, now=local(campaign, day + timedelta(days=1), 10))
    assert t.logged == 8 * 3600 and t.paused == {"lunch": 3600, "break": 600}
    assert (t.talk, t.wrap_up, t.handling, t.calls, t.completed) == (60, 30, 100, 1, 1)
    assert t.occupancy == pytest.approx(90 / (8 * 3600)) and t.completed_per_hour == pytest.approx(1 / 8)


def test_a_browser_closed_without_logging_out_ends_the_shift_at_its_last_heartbeat(session, desk):
    campaign, agent = desk
    day = clock.today(campaign) - timedelta(days=1)
    shift.change(session, agent.id, shift.READY, campaign_id=campaign.id, now=local(campaign, day, 9))
    shift.heartbeat(session, agent.id, local(campaign, day, 11))
    session.expire_all()
    [t] = shift.day_times(session, campaign, day, now=local(campaign, day + timedelta(days=1), 10))
    assert t.logged == 2 * 3600 + shift.HEARTBEAT_GRACE.total_seconds()


def test_a_paused_agent_is_handed_nobody_and_a_pause_needs_its_reason(session, desk):
    campaign, agent = desk
    with pytest.raises(DomainError):
        shift.change(session, agent.id, shift.PAUSE)
    shift.change(session, agent.id, shift.PAUSE, "training", campaign_id=campaign.id)
    assert not shift.may_take_work(session, agent.id)
    now = shift.current(session, agent.id)
    assert (now.state, now.reason) == ("pause", "training")
    shift.change(session, agent.id, shift.READY)
    assert shift.may_take_work(session, agent.id)


def test_the_recap_gives_the_client_each_negotiators_production_per_day_without_pauses(session, make, desk, tmp_path):
    import openpyxl

    from campaigns.recap import write_recap
    campaign, agent = desk
    day = clock.today(campaign) - timedelta(days=1)
    debtor = make.debtor(campaign)
    shift.change(session, agent.id, shift.READY, campaign_id=campaign.id, now=local(campaign, day, 9))
    queue.open_debtor(session, debtor.id, agent.id, now=local(campaign, day, 9, 0, 5))
    started = local(campaign, day, 9, 1)
    record_outcome(session, debtor.id, agent.id, OutcomeInput(
        result=ContactResult.NO_ANSWER, started_at=started, dial_ms=5_000, hang_up_ms=125_000),
        now=started + timedelta(seconds=180))
    shift.change(session, agent.id, shift.PAUSE, "lunch", now=local(campaign, day, 12))
    shift.change(session, agent.id, shift.LOGGED_OUT, now=local(campaign, day, 13))
    path = tmp_path / "recap.xlsx"
    write_recap(session, campaign.id, str(path))
    rows = list(openpyxl.load_workbook(path)["Production"].iter_rows(values_only=True))
    assert rows[0][:3] == ("Jour", "Négociateur", "Appels")
    [(when, name, calls, completed, promises, logged, talk, wrap, *_)] = rows[1:]
    assert (when.date(), name, calls, completed, logged, talk, wrap) == (day, "Nadia", 1, 0, 240, 2, 1)
    assert not any("Déjeuner" in str(cell) or "lunch" in str(cell) for row in rows for cell in row)


def test_the_live_view_costs_the_same_three_queries_with_two_agents_or_twelve(session, make):
    from sqlalchemy import event

    def queries_for(agents: int) -> tuple[int, list]:
        team = [make.user(Role.AGENT, name=f"Agent {i:02d}") for i in range(agents)]
        campaign = make.campaign(agents=team)
        for i, agent in enumerate(team):
            debtor = make.debtor(campaign, company_name=f"Société {i:02d}")
            shift.change(session, agent.id, shift.READY, campaign_id=campaign.id)
            queue.open_debtor(session, debtor.id, agent.id)
            if i % 3 == 0:
                shift.change(session, agent.id, shift.PAUSE, "lunch", campaign_id=campaign.id)
        session.flush()
        seen = []
        listen = lambda *args: seen.append(args[2])                               # noqa: E731
        event.listen(session.get_bind(), "before_cursor_execute", listen)
        try:
            rows = shift.floor(session, campaign)
        finally:
            event.remove(session.get_bind(), "before_cursor_execute", listen)
        return len(seen), rows

    two, rows = queries_for(2)
    twelve, rows_12 = queries_for(12)
    assert two == twelve <= 3
    assert [(r.state, r.debtor_name) for r in rows] == [("pause", "Société 00"), ("ready", "Société 01")]
    assert sum(r.state == "pause" for r in rows_12) == 4 and all(r.debtor_name for r in rows_12)
