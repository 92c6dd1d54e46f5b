"""An agent's shift: its states, stamped as they change, and the times derived from them and from the calls.

States: ready (waiting for a debtor), on a call (dialled), wrap-up (hung up, the card not saved yet), pause
(with a reason), logged out. A paused or logged-out agent is handed no debtor.

Timing events of a call (defined once, used everywhere): card shown → dial → hang-up → save.
- talk time = dial → hang-up; wrap-up = hang-up → save; handling time = card shown → save;
- logged time runs from ready to logout, or to the console's last heartbeat when the browser was closed;
- occupancy = (talk + wrap-up) / logged; completed calls per logged hour.
The figures of a day live in ``day_times`` (used by the live view, the dashboard and the recap).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from . import clock, pause_reasons
from .errors import N_, DomainError, NotFound
from .models import (AgentMessage, AgentStateChange, CallAttempt, Campaign, DebtorAccount, Promise, User,
                     campaign_agents)
from .supervision.figures import COMPLETED_CALL
from .supervision.sqlhelp import seconds_between

READY, ON_CALL, WRAP_UP, PAUSE, LOGGED_OUT = "ready", "on_call", "wrap_up", "pause", "logged_out"
STATES = (READY, ON_CALL, WRAP_UP, PAUSE, LOGGED_OUT)
STATE_LABELS = {READY: N_("Ready"), ON_CALL: N_("On a call"), WRAP_UP: N_("Wrap-up"), PAUSE: N_("On pause"),
                LOGGED_OUT: N_("Logged out")}
# A console that has not renewed its lease for this long is taken as closed: its shift ended at the last sign.
HEARTBEAT_GRACE = timedelta(minutes=5)


@dataclass(frozen=True)
class Current:
    state: str
    reason: str | None
    since: datetime | None
    campaign_id: int | None = None
    debtor_id: int | None = None


def current(session: Session, agent_id: int) -> Current:
    """The agent's state now (logged out before any change)."""
    row = session.execute(sa.select(AgentStateChange).where(AgentStateChange.agent_id == agent_id)
                          .order_by(AgentStateChange.at.desc(), AgentStateChange.id.desc()).limit(1)).scalar()
    if row is None:
        return Current(LOGGED_OUT, None, None)
    return Current(row.state, row.reason, row.at, row.campaign_id, row.debtor_id)


def change(session: Session, agent_id: int, state: str, reason: str | None = None, campaign_id: int | None = None,
           debtor_id: int | None = None, now: datetime | None = None, was: Current | None = None) -> Current:
    """Stamp a new state (nothing when it is the current one already; ``was``: the current one, when the
    caller has just read it)."""
    if state not in STATES:
        raise DomainError(N_("Unknown agent state."), field="state")
    if state == PAUSE and not pause_reasons.is_offered(session, reason):
        raise DomainError(N_("Choose the reason for the pause."), field="reason")
    if state != PAUSE:
        reason = None
    now = clock.now(now)
    was = was or current(session, agent_id)
    if (was.state, was.reason, was.debtor_id) == (state, reason, debtor_id) and (
            campaign_id is None or was.campaign_id == campaign_id):
        return was
    session.add(AgentStateChange(agent_id=agent_id, campaign_id=campaign_id or was.campaign_id, state=state,
                                 reason=reason, debtor_id=debtor_id, at=now))
    heartbeat(session, agent_id, now)
    session.flush()
    return Current(state, reason, now, campaign_id or was.campaign_id, debtor_id)


def heartbeat(session: Session, agent_id: int, now: datetime | None = None) -> None:
    session.execute(sa.update(User).where(User.id == agent_id).values(last_heartbeat_at=clock.now(now))
                    .execution_options(synchronize_session=False))


def may_take_work(session: Session, agent_id: int, now: Current | None = None) -> bool:
    """A paused agent is handed no debtor (one who never chose a state is taken as ready)."""
    return (now or current(session, agent_id)).state != PAUSE


def timing(started_at: datetime, saved_at: datetime, dial_ms: int | None, hang_up_ms: int | None
           ) -> tuple[datetime | None, datetime | None]:
    """Dial and hang-up moments from the console's offsets (milliseconds after the card was shown), kept
    between the card shown and the save, the hang-up never before the dial."""
    def moment(ms):
        if ms is None or ms < 0:
            return None
        return min(started_at + timedelta(milliseconds=ms), saved_at)
    dialled, hung_up = moment(dial_ms), moment(hang_up_ms)
    if dialled is None:
        return None, None
    if hung_up is None or hung_up < dialled:
        hung_up = saved_at            # saved without hanging up first: the call ran to the save
    return dialled, hung_up


@dataclass
class AgentTimes:
    """One agent's day (seconds)."""
    agent_id: int
    name: str
    logged: float = 0.0
    paused: dict[str, float] = field(default_factory=dict)
    talk: float = 0.0
    wrap_up: float = 0.0
    handling: float = 0.0
    calls: int = 0
    completed: int = 0
    promises: int = 0

    @property
    def occupancy(self) -> float | None:
        return (self.talk + self.wrap_up) / self.logged if self.logged else None

    @property
    def completed_per_hour(self) -> float | None:
        return self.completed / (self.logged / 3600) if self.logged >= 60 else None

    @property
    def pause_total(self) -> float:
        return sum(self.paused.values())


def _intervals(changes: list[tuple], start: datetime, end: datetime, last_heartbeat: datetime | None):
    """(state, reason, from, to) of each state within [start, end); the open one ends at the heartbeat."""
    out = []
    for i, (state, reason, at) in enumerate(changes):
        to = changes[i + 1][2] if i + 1 < len(changes) else end
        if i + 1 == len(changes) and state != LOGGED_OUT and last_heartbeat is not None:
            to = min(to, max(at, last_heartbeat + HEARTBEAT_GRACE))
        lo, hi = max(at, start), min(to, end)
        if hi > lo:
            out.append((state, reason, lo, hi))
    return out


def day_times(session: Session, campaign: Campaign, day: date, now: datetime | None = None,
              agent_ids: list[int] | None = None) -> list[AgentTimes]:
    """Every agent's times on ``day`` (the campaign's calendar day) in this campaign."""
    start = clock.morning(campaign, day, 0)
    return times_between(session, campaign, start, start + timedelta(days=1), now, agent_ids)


def times_between(session: Session, campaign: Campaign, start: datetime, end: datetime,
                  now: datetime | None = None, agent_ids: list[int] | None = None) -> list[AgentTimes]:
    """Every agent's times between two moments in this campaign (the whole mission, a day)."""
    now = clock.now(now)
    agents = _agents(session, campaign, start, min(end, now), now, agent_ids)
    return _times(session, campaign, start, min(end, now), agents)[0]


@dataclass
class _Agent:
    name: str
    last_heartbeat_at: datetime | None
    promises: int
    debtor_id: int | None = None       # the debtor it holds now (the live view only)
    debtor_name: str | None = None


def _agents(session: Session, campaign: Campaign, start: datetime, end: datetime, now: datetime,
            agent_ids: list[int] | None, holding: bool = False) -> dict[int, _Agent]:
    """The campaign's agents (or ``agent_ids``) in one query: name, last heartbeat, promises made between
    ``start`` and ``end``, and with ``holding`` the debtor each holds now."""
    promises = (sa.select(sa.func.count()).where(
        Promise.agent_id == User.id, Promise.campaign_id == campaign.id, Promise.created_at >= start,
        Promise.created_at < end).correlate(User).scalar_subquery())
    query = sa.select(User.id, User.name, User.last_heartbeat_at, promises)
    if agent_ids is None:
        query = query.join(campaign_agents, sa.and_(campaign_agents.c.user_id == User.id,
                                                    campaign_agents.c.campaign_id == campaign.id))
    else:
        query = query.where(User.id.in_(agent_ids))
    if holding:
        query = query.add_columns(DebtorAccount.id, sa.func.coalesce(DebtorAccount.company_name,
                                                                     DebtorAccount.customer_code)).outerjoin(
            DebtorAccount, sa.and_(DebtorAccount.leased_by_id == User.id, DebtorAccount.campaign_id == campaign.id,
                                   DebtorAccount.lease_expires_at > now))
    agents: dict[int, _Agent] = {}
    for row in session.execute(query.order_by(User.id)):
        if row[0] not in agents:                   # an agent holding two debtors: the first one shows
            agents[row[0]] = _Agent(row[1], row[2], int(row[3] or 0), *(row[4:6] if holding else ()))
    return agents


def _times(session: Session, campaign: Campaign, start: datetime, end: datetime, agents: dict[int, _Agent]
           ) -> tuple[list[AgentTimes], dict[int, tuple]]:
    """Each agent's times between ``start`` and ``end`` (two queries: its changes of state, its calls), and
    its last change of state (state, reason, at, campaign) before ``end``."""
    times = {i: AgentTimes(i, a.name, promises=a.promises) for i, a in agents.items()}
    rows, last = defaultdict(list), {}
    if not times:
        return [], last
    before = (sa.select(AgentStateChange.agent_id, sa.func.max(AgentStateChange.at).label("at"))
              .where(AgentStateChange.agent_id.in_(list(times)), AgentStateChange.at < start)
              .group_by(AgentStateChange.agent_id).subquery())
    for agent_id, state, reason, at, campaign_id in session.execute(
            sa.select(AgentStateChange.agent_id, AgentStateChange.state, AgentStateChange.reason, AgentStateChange.at,
                      AgentStateChange.campaign_id)
            .outerjoin(before, sa.and_(before.c.agent_id == AgentStateChange.agent_id, before.c.at == AgentStateChange.at))
            .where(AgentStateChange.agent_id.in_(list(times)),
                   sa.or_(AgentStateChange.at >= start, before.c.at.is_not(None)), AgentStateChange.at <= end)
            .order_by(AgentStateChange.agent_id, AgentStateChange.at, AgentStateChange.id)):
        # Time given to another campaign is not this one's: counted as logged out here.
        rows[agent_id].append((state if campaign_id in (None, campaign.id) else LOGGED_OUT, reason, at))
        last[agent_id] = (state, reason, at, campaign_id)
    for agent_id, t in times.items():
        for state, reason, lo, hi in _intervals(rows.get(agent_id, []), start, end, agents[agent_id].last_heartbeat_at):
            seconds = (hi - lo).total_seconds()
            if state != LOGGED_OUT:
                t.logged += seconds
            if state == PAUSE:
                t.paused[reason or ""] = t.paused.get(reason or "", 0.0) + seconds
    # Summed in the database: the whole mission's calls are never loaded to add them up (the dashboard polls).
    a = CallAttempt
    timed = a.dialled_at.is_not(None) & a.hung_up_at.is_not(None)
    for agent_id, calls, completed, handling, talk, wrap_up in session.execute(
            sa.select(a.agent_id, sa.func.count(), sa.func.count().filter(COMPLETED_CALL),
                      sa.func.sum(seconds_between(session, a.ended_at, a.started_at)),
                      sa.func.sum(seconds_between(session, a.hung_up_at, a.dialled_at)).filter(timed),
                      sa.func.sum(seconds_between(session, a.ended_at, a.hung_up_at)).filter(timed & (a.ended_at > a.hung_up_at)))
            .where(a.campaign_id == campaign.id, a.agent_id.in_(list(times)), a.started_at >= start, a.started_at < end)
            .group_by(a.agent_id)):
        t = times[agent_id]
        t.calls, t.completed = int(calls), int(completed or 0)
        t.handling, t.talk, t.wrap_up = (round(float(v or 0), 3) for v in (handling, talk, wrap_up))
    return sorted(times.values(), key=lambda t: t.name), last


@dataclass
class FloorRow:
    """One agent on the supervisor's live view."""
    times: AgentTimes
    state: str
    reason: str | None
    since: datetime | None
    debtor_id: int | None
    debtor_name: str | None


def floor(session: Session, campaign: Campaign, now: datetime | None = None) -> list[FloorRow]:
    """Each agent of the campaign: its state and time in it, the debtor it holds, and its day so far. Three
    queries whatever the number of agents (the page polls every few seconds): the agents with their
    promises and the debtor each holds, their changes of state since midnight, their calls."""
    now = clock.now(now)
    start = clock.morning(campaign, clock.today(campaign, now), 0)
    agents = _agents(session, campaign, start, now, now, None, holding=True)
    times, last = _times(session, campaign, start, now, agents)
    rows = []
    for t in times:
        agent = agents[t.agent_id]
        state, reason, since, _campaign = last.get(t.agent_id, (LOGGED_OUT, None, None, None))
        beat = agent.last_heartbeat_at
        if state != LOGGED_OUT and beat is not None and now - beat > HEARTBEAT_GRACE:
            state = LOGGED_OUT          # the browser was closed without logging out
        rows.append(FloorRow(t, state, reason, since, agent.debtor_id, agent.debtor_name))
    return rows


def production(session: Session, campaign: Campaign, now: datetime | None = None) -> list[tuple[date, AgentTimes]]:
    """Per day worked and per agent, what the client sees of the production (no pause reasons)."""
    now = clock.now(now)
    first = session.scalar(sa.select(sa.func.min(CallAttempt.started_at)).where(CallAttempt.campaign_id == campaign.id))
    if first is None:
        return []
    zone = clock.zone(campaign)
    day, last = first.astimezone(zone).date(), clock.today(campaign, now)
    rows = []
    while day <= last:
        rows += [(day, t) for t in day_times(session, campaign, day, now) if t.calls or t.logged]
        day += timedelta(days=1)
    return rows


def mission_times(session: Session, campaign: Campaign, now: datetime | None = None) -> dict[int, AgentTimes]:
    """Each agent's times over the whole mission, by agent id."""
    start = datetime(2000, 1, 1, tzinfo=clock.now().tzinfo)
    return {t.agent_id: t for t in times_between(session, campaign, start, clock.now(now) + timedelta(seconds=1), now)}


MAX_MESSAGE = 500


def send_message(session: Session, campaign: Campaign, sender_id: int, agent_id: int, text: str) -> None:
    """A manager's word to an agent of the campaign, shown on its console until it reads it."""
    text = " ".join((text or "").split())
    if not text:
        raise DomainError(N_("Write the message."), field="text")
    if len(text) > MAX_MESSAGE:
        raise DomainError(N_("A message is at most {limit} characters."), field="text", limit=MAX_MESSAGE)
    assigned = session.scalar(sa.select(campaign_agents.c.user_id).where(
        campaign_agents.c.campaign_id == campaign.id, campaign_agents.c.user_id == agent_id))
    if assigned is None:
        raise NotFound(N_("This negotiator is not on this campaign."))
    session.add(AgentMessage(agent_id=agent_id, sender_id=sender_id, campaign_id=campaign.id, text=text))
    session.flush()


def unread_messages(session: Session, agent_id: int) -> list:
    return list(session.execute(
        sa.select(AgentMessage.id, AgentMessage.text, AgentMessage.created_at, User.name)
        .outerjoin(User, User.id == AgentMessage.sender_id)
        .where(AgentMessage.agent_id == agent_id, AgentMessage.read_at.is_(None))
        .order_by(AgentMessage.id)).all())


def mark_read(session: Session, agent_id: int, message_id: int, now: datetime | None = None) -> None:
    session.execute(sa.update(AgentMessage).where(AgentMessage.id == message_id, AgentMessage.agent_id == agent_id,
                                                  AgentMessage.read_at.is_(None))
                    .values(read_at=clock.now(now)).execution_options(synchronize_session=False))
