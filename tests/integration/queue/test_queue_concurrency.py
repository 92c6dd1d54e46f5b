"""Many agents claiming, recording and releasing at once: nobody ever holds a debtor another agent holds."""
from __future__ import annotations

import random
import threading
import time
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa

from campaigns import calendar, queue
from campaigns.db import make_engine, make_session_factory
from campaigns.models import CallAttempt, ContactResult, DebtorAccount, Role
from campaigns.outcomes import OutcomeInput, record_outcome
from tests.factories import Factory


def run_agents(url: str, agents: int, debtors: int) -> None:
    engine = make_engine(url, pool_size=agents + 2) if url.startswith("postgresql") else make_engine(url)
    factory = make_session_factory(engine)
    with factory() as s:
        make = Factory(s)
        users = [make.user(Role.AGENT) for _ in range(agents)]
        campaign = make.campaign(agents=users)
        for i in range(debtors):
            make.debtor(campaign, invoices=[(10_000 + i * 100, 30)])
        s.commit()
        campaign_id, user_ids = campaign.id, [u.id for u in users]
    now = calendar.next_open(campaign, datetime.now(timezone.utc)) + timedelta(minutes=1)
    intervals: list[tuple[int, int, float, float]] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(agents)

    def work(agent_id: int) -> None:
        rng = random.Random(agent_id)
        try:
            start.wait()
            with factory() as s:
                while True:
                    for attempt in range(20):
                        try:
                            d = queue.claim_next(s, campaign_id, agent_id, now=now)
                            s.commit()
                            break
                        except sa.exc.OperationalError:  # SQLite busy: try again
                            s.rollback()
                            time.sleep(0.01 * (attempt + 1))
                    if d is None:
                        return
                    held_from = time.monotonic()
                    time.sleep(rng.random() * 0.002)
                    if rng.random() < 0.2:  # skip it: released, comes back later (not within this run)
                        held_until = time.monotonic()
                        queue.release(s, d.id, agent_id, now=now)
                        s.commit()
                        with lock:
                            intervals.append((d.id, agent_id, held_from, held_until))
                        continue
                    held_until = time.monotonic()
                    record_outcome(s, d.id, agent_id, OutcomeInput(result=ContactResult.REFUSAL), now=now)
                    s.commit()
                    with lock:
                        intervals.append((d.id, agent_id, held_from, held_until))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(u,)) for u in user_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    by_debtor: dict[int, list] = {}
    for debtor_id, agent_id, a, b in intervals:
        by_debtor.setdefault(debtor_id, []).append((a, b, agent_id))
    for debtor_id, spans in by_debtor.items():
        spans.sort()
        for (a1, b1, ag1), (a2, b2, ag2) in zip(spans, spans[1:]):
            assert a2 >= b1, f"debtor {debtor_id} held by agents {ag1} and {ag2} at once"
    with factory() as s:
        ids = set(s.scalars(sa.select(DebtorAccount.id).where(DebtorAccount.campaign_id == campaign_id)))
        served = set(by_debtor)
        calls = s.scalars(sa.select(CallAttempt.debtor_id).where(CallAttempt.campaign_id == campaign_id)).all()
        skipped_only = ids - set(calls)
        # Every debtor was served; those only skipped are back in the queue after the skip delay.
        assert served == ids
        assert len(calls) == len(set(calls))  # a debtor with a final outcome was recorded once
        later = now + timedelta(minutes=10)
        assert {d.id for d in queue.next_debtors(s, campaign_id, debtors, now=later)} == skipped_only
    engine.dispose()


def test_32_agents_on_postgresql_never_share_a_debtor_and_serve_everyone(pg_url):
    run_agents(pg_url, agents=32, debtors=400)


def test_8_agents_on_sqlite_never_share_a_debtor_and_serve_everyone(sqlite_url):
    from tests.conftest import _empty_all_tables
    try:
        run_agents(sqlite_url, agents=8, debtors=120)
    finally:
        _empty_all_tables(sqlite_url)
