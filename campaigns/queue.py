"""The prioritised call queue: claim the next debtor under a lease, renew, release, explain.

PostgreSQL: one statement, ``WITH c AS (SELECT ... FOR UPDATE SKIP LOCKED) UPDATE ... RETURNING``,
served by the partial index ``ix_debtor_accounts_queue`` (campaign, priority, id) on eligible rows.
SQLite: one ``UPDATE ... WHERE id = (SELECT ... LIMIT 1) RETURNING`` (SQLite serialises writers).
Time passing brings debtors back through ``next_action_at`` (callbacks due, promise date + grace,
retry delays) inside the eligibility test itself; ``tick`` judges promises and refreshes priorities.
"""
from __future__ import annotations

import functools
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from . import audit, calendar, clock, priority, promises, rules, states
from .errors import N_, Conflict, DomainError, NotFound
from .models import Callback, CallbackStatus, Campaign, CampaignStatus, DebtorAccount, QueueState, User

ON_TRACK_SKIPS = 20  # plans on track skipped in one claim before it answers "nobody for now"
ELIGIBLE_STATES = tuple(state.value for state in states.CALLABLE)
_t = DebtorAccount.__table__
_cb = Callback.__table__


_now = clock.now


def _eligible(campaign_id, agent_id, now, grace_cut):
    """Who can be claimed: SQL expressions (or values) for the campaign, the agent (None: anyone), now,
    and now minus the campaign's callback grace."""
    conditions = [
        _t.c.campaign_id == campaign_id,
        _t.c.queue_state.in_(ELIGIBLE_STATES),
        sa.or_(_t.c.next_action_at.is_(None), _t.c.next_action_at <= now),
        sa.or_(_t.c.leased_by_id.is_(None), _t.c.lease_expires_at <= now),
    ]
    # A personal callback belongs to its agent until it is overdue by the campaign's grace.
    someone_elses = sa.select(_cb.c.id).where(
        _cb.c.debtor_id == _t.c.id, _cb.c.status == CallbackStatus.PENDING.value,
        _cb.c.agent_id.is_not(None), _cb.c.due_at > grace_cut)
    if agent_id is not None:
        someone_elses = someone_elses.where(_cb.c.agent_id != agent_id)
    conditions.append(~sa.exists(someone_elses))
    return sa.and_(*conditions)


def callable_now(session: Session, campaign: Campaign, agent_id: int | None = None,
                 now: datetime | None = None) -> int:
    """How many debtors the queue could hand out now (to ``agent_id``, or to anyone): "to call now",
    the one count every screen shows. The campaign's status and calling hours are not part of it."""
    now = _now(now)
    return session.scalar(sa.select(sa.func.count()).select_from(_t).where(
        _eligible(campaign.id, agent_id, now, _grace_cut(campaign, now)))) or 0


def _grace_cut(campaign: Campaign, now: datetime) -> datetime:
    return now - timedelta(minutes=campaign.callback_grace_minutes or 0)


class CallingClosed(DomainError):
    """The campaign takes no calls now (status, period or calling hours); says when it opens again."""


def closed_reason(campaign: Campaign, now: datetime | None = None) -> CallingClosed | None:
    """Why nobody can be claimed in this campaign at ``now``, or None when it is open for calls."""
    now = _now(now)
    tz = calendar._tz(campaign)
    today = now.astimezone(tz).date()
    if campaign.status == CampaignStatus.DRAFT:
        return CallingClosed(N_("This campaign has not been started by its manager yet."))
    if campaign.status == CampaignStatus.PAUSED:
        return CallingClosed(N_("This campaign is paused by its manager."))
    if campaign.status == CampaignStatus.CLOSED:
        return CallingClosed(N_("This campaign is closed."))
    if campaign.period_start and today < campaign.period_start:
        return CallingClosed(N_("This campaign starts on {day}."), day=campaign.period_start.strftime("%d/%m/%Y"))
    if campaign.period_end and today > campaign.period_end:
        return CallingClosed(N_("This campaign ended on {day}."), day=campaign.period_end.strftime("%d/%m/%Y"))
    if not calendar.is_open(campaign, now):
        opens = calendar.next_open(campaign, now)
        if opens is None or (campaign.period_end and opens.astimezone(tz).date() > campaign.period_end):
            return CallingClosed(N_("Outside calling hours, and no calling hours are left in this campaign."))
        return CallingClosed(N_("Outside calling hours: calls open again on {moment}."),
                             moment=opens.astimezone(tz).strftime("%d/%m/%Y %H:%M"))
    return None


def _campaign(session: Session, campaign_id: int) -> Campaign:
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise NotFound(N_("This campaign does not exist."))
    return campaign


def _load(session: Session, debtor_id: int) -> DebtorAccount:
    debtor = session.get(DebtorAccount, debtor_id, populate_existing=True)
    if debtor is None:
        raise NotFound(N_("This debtor does not exist."))
    return debtor


# The claim's values, bound when it runs (see _claim_params).
_P = {name: sa.bindparam("claim_" + name, type_=col.type) for name, col in (
    ("campaign_id", _t.c.campaign_id), ("agent_id", _t.c.leased_by_id), ("now", _t.c.lease_expires_at),
    ("grace_cut", _t.c.lease_expires_at), ("until", _t.c.lease_expires_at))}


@functools.cache
def _held(dialect: str):
    """The id of the debtor the agent holds in the campaign under a live lease (at most one)."""
    if dialect == "sqlite":
        # SQLite's planner, after ANALYZE saw a column of NULLs, scans the whole table (30 ms at 330k
        # debtors): name the index.
        return sa.text("SELECT id FROM debtor_accounts INDEXED BY ix_debtor_accounts_leased_by "
                       "WHERE campaign_id = :claim_campaign_id AND leased_by_id = :claim_agent_id "
                       "AND lease_expires_at > :claim_now LIMIT 1").bindparams(
            _P["campaign_id"], _P["agent_id"], _P["now"]).columns(_t.c.id)
    return sa.select(_t.c.id).where(_t.c.campaign_id == _P["campaign_id"], _t.c.leased_by_id == _P["agent_id"],
                                    _t.c.lease_expires_at > _P["now"]).limit(1)


def _claim_params(campaign: Campaign, agent_id: int, now: datetime) -> dict:
    return dict(claim_campaign_id=campaign.id, claim_agent_id=agent_id, claim_now=now,
                claim_grace_cut=_grace_cut(campaign, now),
                claim_until=now + timedelta(minutes=campaign.lease_minutes or 10))


def held_by(session: Session, campaign_id: int, agent_id: int, now: datetime | None = None) -> DebtorAccount | None:
    found = session.execute(_held(session.get_bind().dialect.name), dict(
        claim_campaign_id=campaign_id, claim_agent_id=agent_id, claim_now=_now(now))).scalar()
    return session.get(DebtorAccount, found) if found is not None else None


@functools.cache
def _claim_statement(dialect: str):
    """Built once per dialect (building it costs more Python than running it); values are bound."""
    order = (_t.c.priority.desc(), _t.c.id.desc())
    values = dict(leased_by_id=_P["agent_id"], lease_expires_at=_P["until"])
    eligible = _eligible(_P["campaign_id"], _P["agent_id"], _P["now"], _P["grace_cut"])
    if dialect == "postgresql":
        mine = _held(dialect).cte("held")
        chosen = (sa.select(_t.c.id).where(~sa.exists(sa.select(mine.c.id)), eligible)
                  .order_by(*order).limit(1).with_for_update(skip_locked=True).cte("chosen"))
        target = sa.union_all(sa.select(mine.c.id), sa.select(chosen.c.id))
        return _t.update().where(_t.c.id.in_(target)).values(**values).returning(*_t.c)
    chosen = sa.select(_t.c.id).where(eligible).order_by(*order).limit(1)
    target = sa.func.coalesce(_held(dialect).scalar_subquery(), chosen.scalar_subquery())
    return _t.update().where(_t.c.id == target).values(**values).returning(*_t.c)


@functools.cache
def _claim_loading(dialect: str):
    """The claim statement loading the claimed row as a DebtorAccount (built once, too)."""
    return (sa.select(DebtorAccount).from_statement(_claim_statement(dialect))
            .execution_options(populate_existing=True))


def claim_statement(session: Session, campaign: Campaign, agent_id: int, now: datetime):
    """The bare locking statement and its parameters (what bench/queue_bench.py measures as the floor).

    One statement: the debtor the agent already holds (its lease renewed), else the most urgent
    eligible one, leased to the agent; returns the whole row.
    """
    return _claim_statement(session.get_bind().dialect.name), _claim_params(campaign, agent_id, now)


def claim_next(session: Session, campaign_id: int, agent_id: int, now: datetime | None = None) -> DebtorAccount | None:
    """Lease the most urgent callable debtor to the agent (or the one it already holds, lease renewed).

    None when nobody is callable: the queue is empty for now, or the campaign is closed for calls
    (``closed_reason`` says why and until when).
    """
    now = _now(now)
    campaign = _campaign(session, campaign_id)
    if closed_reason(campaign, now) is not None:
        return held_by(session, campaign_id, agent_id, now)
    for _ in range(ON_TRACK_SKIPS):
        debtor = session.execute(_claim_loading(session.get_bind().dialect.name),
                                 _claim_params(campaign, agent_id, now)).scalar()
        if debtor is None or debtor.queue_state != QueueState.PROMISED:
            return debtor
        # Its promise's deadline has passed: judge it now. A plan still on track is not called: it comes
        # back after its next instalment's deadline.
        promises.judge_debtor(session, debtor, now)
        if debtor.queue_state != QueueState.PROMISED or not debtor.next_action_at or debtor.next_action_at <= now:
            return debtor
        session.execute(_t.update().where(_t.c.id == debtor.id).values(leased_by_id=None, lease_expires_at=None))
        session.expire(debtor)
    return None


def check_lease(session: Session, debtor: DebtorAccount, agent_id: int, now: datetime) -> None:
    """The agent must hold the lease to save; an expired lease nobody took is still accepted."""
    if debtor.leased_by_id != agent_id:
        raise lease_conflict(session, debtor, agent_id, now, was_held=True)


def lease_conflict(session: Session, debtor: DebtorAccount, agent_id: int, now: datetime,
                   was_held: bool = False) -> Conflict:
    """``was_held``: the agent worked on the card (saving, renewing), so its lease expired meanwhile."""
    if debtor.leased_by_id and debtor.leased_by_id != agent_id:
        other = session.get(User, debtor.leased_by_id)
        name = other.name if other is not None else "?"
        if debtor.lease_expires_at and debtor.lease_expires_at > now and not was_held:
            return Conflict(N_("{agent} is working on this debtor now."), agent=name)
        return Conflict(N_("Your lease expired and {agent} has taken this debtor since."), agent=name)
    return Conflict(N_("You no longer hold this debtor: open it again."))


def renew_lease(session: Session, debtor_id: int, agent_id: int, now: datetime | None = None) -> datetime:
    """Extend the agent's lease (an expired lease nobody took is renewed); Conflict otherwise."""
    now = _now(now)
    debtor = _load(session, debtor_id)
    campaign = session.get(Campaign, debtor.campaign_id)
    until = now + timedelta(minutes=campaign.lease_minutes or 10)
    done = session.execute(_t.update().where(_t.c.id == debtor_id, _t.c.leased_by_id == agent_id)
                           .values(lease_expires_at=until)).rowcount
    if not done:
        raise lease_conflict(session, _load(session, debtor_id), agent_id, now, was_held=True)
    session.expire(debtor)
    return until


def release(session: Session, debtor_id: int, agent_id: int, now: datetime | None = None) -> None:
    """Give the debtor back without an outcome; it is not offered again for a few minutes."""
    now = _now(now)
    debtor = _load(session, debtor_id)
    if debtor.leased_by_id != agent_id:
        if debtor.leased_by_id and debtor.lease_expires_at and debtor.lease_expires_at > now:
            raise lease_conflict(session, debtor, agent_id, now)
        return
    campaign = session.get(Campaign, debtor.campaign_id)
    back = now + timedelta(minutes=rules.skip_minutes(campaign))
    session.execute(_t.update().where(_t.c.id == debtor_id, _t.c.leased_by_id == agent_id).values(
        leased_by_id=None, lease_expires_at=None,
        next_action_at=sa.case((sa.and_(_t.c.next_action_at.is_not(None), _t.c.next_action_at > back),
                                _t.c.next_action_at), else_=back)))
    session.expire(debtor)


def release_all(session: Session, agent_id: int) -> int:
    """At logout: every debtor the agent holds goes back to the queue at once (shown, not called: nothing
    delays it); the number given back."""
    return session.execute(_t.update().where(_t.c.leased_by_id == agent_id).values(
        leased_by_id=None, lease_expires_at=None)).rowcount


def open_debtor(session: Session, debtor_id: int, agent_id: int, now: datetime | None = None) -> DebtorAccount:
    """Lease a debtor found by search; Conflict if another agent holds a live lease on it."""
    now = _now(now)
    debtor = _load(session, debtor_id)
    campaign = session.get(Campaign, debtor.campaign_id)
    until = now + timedelta(minutes=campaign.lease_minutes or 10)
    done = session.execute(_t.update().where(
        _t.c.id == debtor_id,
        sa.or_(_t.c.leased_by_id.is_(None), _t.c.leased_by_id == agent_id, _t.c.lease_expires_at <= now),
    ).values(leased_by_id=agent_id, lease_expires_at=until)).rowcount
    if not done:
        raise lease_conflict(session, _load(session, debtor_id), agent_id, now)
    return _load(session, debtor_id)


def take_over(session: Session, debtor_id: int, manager_id: int, now: datetime | None = None) -> DebtorAccount:
    """A manager takes a debtor from the agent holding it: that lease ends now, audited.

    The agent who lost it is told so when they next save or renew (their lease is gone).
    """
    now = _now(now)
    debtor = _load(session, debtor_id)
    campaign = session.get(Campaign, debtor.campaign_id)
    previous = debtor.leased_by_id
    until = now + timedelta(minutes=campaign.lease_minutes or 10)
    session.execute(_t.update().where(_t.c.id == debtor_id).values(leased_by_id=manager_id, lease_expires_at=until))
    debtor = _load(session, debtor_id)
    if previous and previous != manager_id:
        audit.record(session, manager_id, "console.take_over", debtor, previous_agent_id=previous)
    return debtor


def explain(session: Session, debtor: DebtorAccount, now: datetime | None = None) -> list[tuple[str, dict]]:
    """Why this debtor is (or would be) called now: (N_ template, params) parts."""
    return priority.explanation(debtor, priority._today(now))


def next_debtors(session: Session, campaign_id: int, limit: int = 20, now: datetime | None = None) -> list[DebtorAccount]:
    """The next debtors any agent would get, in order (for the CLI and the manager)."""
    now = _now(now)
    campaign = _campaign(session, campaign_id)
    ids = session.execute(sa.select(_t.c.id).where(_eligible(campaign.id, None, now, _grace_cut(campaign, now)))
                          .order_by(_t.c.priority.desc(), _t.c.id.desc()).limit(limit)).scalars().all()
    by_id = {d.id: d for d in session.scalars(sa.select(DebtorAccount).where(DebtorAccount.id.in_(ids)))}
    return [by_id[i] for i in ids]


def tick(session: Session, campaign_id: int, now: datetime | None = None) -> int:
    """Periodic housekeeping: judge promises past date + grace, then recompute the campaign's priorities."""
    now = _now(now)
    broken = promises.judge_campaign(session, campaign_id, now)
    priority.recompute_campaign(session, campaign_id, now)
    return broken
