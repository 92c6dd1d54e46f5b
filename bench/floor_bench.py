"""How long does one refresh of the supervisor's live view of the floor cost the server, with 50 agents?

    .venv/bin/python bench/floor_bench.py                     # PostgreSQL, 50 agents, 100k debtors
    .venv/bin/python bench/floor_bench.py --agents 50 --debtors 20000 --calls-per-agent 120

Builds the campaign of bench/console_bench.py, assigns N agents, gives each today a shift (ready, a lunch
pause, ready again) and K calls with dial and hang-up stamped, then times campaigns.shift.floor and the htmx
refresh of the page (Flask's test client: server time only). Prints medians; nothing is asserted.
Target (issue: an agent's shift): under 100 ms of server time with 50 agents.
"""
from __future__ import annotations

import argparse
import random
import sys
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from console_bench import PASSWORD, fresh_database, populate  # noqa: E402
from dashboard_bench import timed  # noqa: E402

from campaigns import accounts, clock, shift  # noqa: E402
from campaigns.db import make_engine, make_session_factory  # noqa: E402
from campaigns.models import (AgentStateChange, CallAttempt, Campaign, DebtorAccount, Role,  # noqa: E402
                              campaign_agents)


def staff(url: str, campaign_id: int, agents: int, calls: int) -> None:
    engine = make_engine(url)
    rng = random.Random(5)
    with make_session_factory(engine)() as session:
        campaign = session.get(Campaign, campaign_id)
        morning = clock.morning(campaign, clock.today(campaign), 8)
        debtors = list(session.scalars(sa.select(DebtorAccount.id).where(DebtorAccount.campaign_id == campaign_id)))
        for n in range(agents):
            user = accounts.create_user(session, f"floor{n}@bench.fr", f"Agent {n:02d}", Role.AGENT, PASSWORD)
            session.execute(sa.insert(campaign_agents).values(campaign_id=campaign_id, user_id=user.id))
            session.add_all([AgentStateChange(agent_id=user.id, campaign_id=campaign_id, state=s, reason=r,
                                              at=morning + timedelta(minutes=m))
                             for s, r, m in (("ready", None, 0), ("pause", "lunch", 240), ("ready", None, 300))])
            rows = []
            for i in range(calls):
                at = morning + timedelta(seconds=30 + i * 150)
                rows.append(dict(campaign_id=campaign_id, debtor_id=rng.choice(debtors), agent_id=user.id,
                                 started_at=at, dialled_at=at + timedelta(seconds=5),
                                 hung_up_at=at + timedelta(seconds=65), ended_at=at + timedelta(seconds=90),
                                 duration_seconds=90, result="right_party" if i % 3 == 0 else "no_answer"))
            session.execute(sa.insert(CallAttempt), rows)
        accounts.create_user(session, "manager@bench.fr", "Manager Bench", Role.MANAGER, PASSWORD)
        session.commit()
    if url.startswith("postgresql"):
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.execute(sa.text("ANALYZE"))
    engine.dispose()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument("--debtors", type=int, default=100_000)
    parser.add_argument("--agents", type=int, default=50)
    parser.add_argument("--calls-per-agent", type=int, default=120)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    url = fresh_database(args.db)
    campaign_id, _agent = populate(url, args.debtors)
    staff(url, campaign_id, args.agents, args.calls_per_agent)
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        campaign = session.get(Campaign, campaign_id)
        print(f"{'shift.floor':<28} {timed(lambda: shift.floor(session, campaign), args.runs):8.1f} ms")
    engine.dispose()
    from app import create_app
    app = create_app({"DATABASE_URL": url, "WTF_CSRF_ENABLED": False})
    client = app.test_client()
    client.post("/login", data={"email": "manager@bench.fr", "password": PASSWORD})

    def refresh():
        response = client.get(f"/campaigns/{campaign_id}/supervision/floor", headers={"HX-Request": "true"})
        assert response.status_code == 200, response.status_code

    print(f"{'floor refresh (htmx GET)':<28} {timed(refresh, args.runs):8.1f} ms   ({args.db}, {args.agents} agents, "
          f"{args.agents * args.calls_per_agent} calls today; target < 100 ms)")


if __name__ == "__main__":
    main()
