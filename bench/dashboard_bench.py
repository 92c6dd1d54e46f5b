"""How long does one refresh of the live dashboard cost the server? Polled every 5 s by each open dashboard.

    .venv/bin/python bench/dashboard_bench.py                        # PostgreSQL, 100k debtors, 30k calls
    .venv/bin/python bench/dashboard_bench.py --db sqlite --debtors 100000 --calls 30000

Builds the campaign of bench/console_bench.py (N debtors, two invoices each), adds K call attempts spread
over the debtors (a third of them completed calls), then times each figure function of
campaigns.supervision and the whole htmx refresh (GET of the figures region by a manager, Flask's test
client: server time only). Prints the median of R runs. Run by hand; nothing here is asserted.
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from console_bench import PASSWORD, fresh_database, populate  # noqa: E402

from campaigns import accounts, supervision  # noqa: E402
from campaigns.db import make_engine, make_session_factory  # noqa: E402
from campaigns.models import CallAttempt, DebtorAccount, Role, User  # noqa: E402

FIGURES = ("campaign_figures", "agent_figures", "motive_breakdown", "promises_by_week", "completed_calls_by_day")


def add_calls(url: str, campaign_id: int, calls: int) -> None:
    engine = make_engine(url)
    rng = random.Random(11)
    with engine.begin() as conn:
        agent = conn.execute(sa.select(User.id).where(User.email == "agent@bench.fr")).scalar()
        debtors = list(conn.execute(sa.select(DebtorAccount.id).where(DebtorAccount.campaign_id == campaign_id))
                       .scalars())
        start = datetime.now(timezone.utc) - timedelta(days=10)
        rows = []
        for i in range(calls):
            at = start + timedelta(seconds=i * 25)
            rows.append(dict(campaign_id=campaign_id, debtor_id=rng.choice(debtors), agent_id=agent, started_at=at,
                             ended_at=at + timedelta(seconds=90), duration_seconds=90,
                             result="right_party" if i % 3 == 0 else "no_answer"))
        conn.execute(sa.insert(CallAttempt), rows)
    if url.startswith("postgresql"):
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.execute(sa.text("ANALYZE"))
    engine.dispose()


def timed(fn, runs: int) -> float:
    fn()  # warm: compiled statements, plans
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument("--debtors", type=int, default=100_000)
    parser.add_argument("--calls", type=int, default=30_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    url = fresh_database(args.db)
    campaign_id, _agent = populate(url, args.debtors)
    add_calls(url, campaign_id, args.calls)

    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        for name in FIGURES:
            fn = getattr(supervision, name)
            print(f"{name:<28} {timed(lambda: fn(session, campaign_id), args.runs):8.1f} ms")
        accounts.create_user(session, "manager@bench.fr", "Manager Bench", Role.MANAGER, PASSWORD)
        session.commit()
    engine.dispose()

    from app import create_app
    app = create_app({"DATABASE_URL": url, "WTF_CSRF_ENABLED": False})
    client = app.test_client()
    client.post("/login", data={"email": "manager@bench.fr", "password": PASSWORD})
    path = f"/campaigns/{campaign_id}/supervision/"

    def refresh():
        response = client.get(path, headers={"HX-Request": "true"})
        assert response.status_code == 200, response.status_code

    print(f"{'dashboard refresh (htmx GET)':<28} {timed(refresh, args.runs):8.1f} ms   "
          f"({args.db}, {args.debtors} debtors, {args.calls} calls; polled every 5 s per open dashboard)")


if __name__ == "__main__":
    main()
