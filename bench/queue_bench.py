"""Call queue throughput: claim_next + record_outcome at 1, 8, 32 agents vs the bare locking statement.

    .venv/bin/python bench/queue_bench.py [--seconds 20] [--debtors 330000] [--invoices 1000000] [--processes 4]

PostgreSQL (database ``relance_queue_bench``, recreated; data loaded with COPY) and SQLite (bench/data/).
Prints claims/s and p50/p99 of the claim (statement + commit) per concurrency, and the ratios to the floor
and to the ceiling (the issue's target: claim_next + record_outcome at least 0.8 x the ceiling).
Five loops per level: the bare locking statement alone (the floor); the same statement followed by the
least a "no answer" must write, in Core with no rule, its two events linked in the debtor's hash chain (the
ceiling of any claim + record on this machine; also shown without the chain, as it was before);
the bare statement followed by the product's ``record_outcome`` (what ``claim_next`` costs over the bare
statement, the record being the same); and the product's ``claim_next`` + ``record_outcome``.
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import sys
import threading
import time
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from campaigns import priority, queue  # noqa: E402
from campaigns.db import make_engine, make_session_factory  # noqa: E402
from campaigns.evidence import chain, events  # noqa: E402
from campaigns.models import (AuditEntry, Base, CallAttempt, Campaign, CampaignStatus, ClientCompany,  # noqa: E402
                              ContactResult, DebtorAccount, Role, User)
from campaigns.outcomes import OutcomeInput, record_outcome  # noqa: E402

NOW = datetime(2026, 11, 24, 9, 30, tzinfo=timezone.utc)  # a Tuesday, inside calling hours
PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def _url_driver():
    try:
        import psycopg  # noqa: F401
        return "postgresql+psycopg"
    except ImportError:
        return "postgresql"


def setup_schema(url: str, agents: int) -> tuple[int, list[int]]:
    engine = make_engine(url)
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    with make_session_factory(engine)() as s:
        company = ClientCompany(name="Bench")
        s.add(company)
        s.flush()
        users = [User(email=f"a{i}@bench.fr", name=f"Agent {i}", role=Role.AGENT, password_hash="x")
                 for i in range(agents)]
        s.add_all(users)
        campaign = Campaign(client_company_id=company.id, name="Bench", lease_minutes=30,
                            status=CampaignStatus.ACTIVE, period_start=NOW.date() - timedelta(days=5),
                            period_end=NOW.date() + timedelta(days=60))
        s.add(campaign)
        s.commit()
        return campaign.id, [u.id for u in users]


def rows(campaign_id: int, debtors: int, invoices: int):
    rng = random.Random(7)
    today = NOW.date()
    now = NOW.isoformat()
    per = [1] * debtors
    for _ in range(invoices - debtors):
        per[rng.randrange(debtors)] += 1
    debtor_rows, invoice_rows = [], []
    inv_id = 0
    for i in range(debtors):
        did = i + 1
        total, oldest = 0, None
        for k in range(per[i]):
            inv_id += 1
            cents = rng.randint(5_000, 2_000_000)
            due = today - timedelta(days=rng.randint(1, 400))
            total += cents
            oldest = due if oldest is None or due < oldest else oldest
            invoice_rows.append((inv_id, campaign_id, did, f"F{inv_id:08d}", due.isoformat(), cents, cents, cents,
                                 "EUR", "open", now, now))
        debtor_rows.append((did, campaign_id, f"code:C{did:07d}", f"C{did:07d}", f"Société {did}", "fr", True,
                            total, total, per[i], oldest.isoformat(), "ready", 0.0, 0, 0, 0, now, now, 1))
    return debtor_rows, invoice_rows


DEBTOR_COLS = ("id, campaign_id, grouping_key, customer_code, company_name, language, has_valid_phone, "
               "total_outstanding_cents, initial_outstanding_cents, open_invoices_count, oldest_due_date, "
               "queue_state, priority, attempts, attempts_without_contact, broken_promises, created_at, "
               "updated_at, version")
INVOICE_COLS = ("id, campaign_id, debtor_id, number, due_date, amount_cents, initial_outstanding_cents, "
                "outstanding_cents, currency, status, created_at, updated_at")


def load_pg(url, debtor_rows, invoice_rows):
    engine = make_engine(url)
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        for table, cols, data in (("debtor_accounts", DEBTOR_COLS, debtor_rows),
                                  ("invoices", INVOICE_COLS, invoice_rows)):
            with cur.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for r in data:
                    copy.write_row(r)
        cur.execute("SELECT setval('debtor_accounts_id_seq', (SELECT max(id) FROM debtor_accounts))")
        cur.execute("SELECT setval('invoices_id_seq', (SELECT max(id) FROM invoices))")
        raw.commit()
        cur.execute("ANALYZE")
        raw.commit()
    finally:
        raw.close()


def load_sqlite(url, debtor_rows, invoice_rows):
    engine = make_engine(url)
    with engine.begin() as c:
        for table, cols, data in (("debtor_accounts", DEBTOR_COLS, debtor_rows),
                                  ("invoices", INVOICE_COLS, invoice_rows)):
            marks = ", ".join("?" * len(cols.split(",")))
            c.exec_driver_sql(f"INSERT INTO {table} ({cols}) VALUES ({marks})", data)
        c.exec_driver_sql("ANALYZE")


def reset(factory, campaign_id):
    """Every run starts from the same queue: nobody leased, nobody called."""
    with factory() as s:
        s.execute(sa.text("UPDATE debtor_accounts SET leased_by_id = NULL, lease_expires_at = NULL, "
                          "next_action_at = NULL, queue_state = 'ready', attempts_without_contact = 0, version = 1"))
        if s.get_bind().dialect.name == "postgresql":   # the append-only triggers refuse DELETE
            s.execute(sa.text("TRUNCATE audit_log, call_attempts, event_chain CASCADE"))
        else:
            for table in ("audit_log", "call_attempts", "event_chain"):
                s.execute(sa.text(f"DELETE FROM {table}"))
        priority.recompute_campaign(s, campaign_id, NOW)
        s.commit()


_d = DebtorAccount.__table__
_LOCK = (sa.select(_d.c.campaign_id, _d.c.attempts, _d.c.attempts_without_contact, _d.c.version, _d.c.priority)
         .where(_d.c.id == sa.bindparam("debtor")).with_for_update())
_ATTEMPT = CallAttempt.__table__.insert().returning(CallAttempt.__table__.c.id)
_AUDIT = AuditEntry.__table__.insert().returning(AuditEntry.__table__.c.id)
_DEBTOR = _d.update().where(_d.c.id == sa.bindparam("debtor"))


def _minimal_record(s, debtor_id, agent_id, chained=True):
    """The least any "no answer" must write, in Core with no rule applied: lock the debtor, insert the
    attempt and its audit entry, link both at the end of the debtor's chain, update the debtor. With the
    bare claim, the ceiling of claim + record (``chained=False``: the ceiling before the chains existed)."""
    row = s.execute(_LOCK, {"debtor": debtor_id}).one()
    attempt = dict(campaign_id=row.campaign_id, debtor_id=debtor_id, agent_id=agent_id, started_at=NOW, ended_at=NOW,
                   duration_seconds=0, result=ContactResult.NO_ANSWER.value, created_at=NOW)
    attempt["id"] = s.execute(_ATTEMPT, attempt).scalar()
    entry = dict(at=NOW, user_id=agent_id, action="call.recorded", entity_type="call_attempts",
                 entity_id=attempt["id"], campaign_id=row.campaign_id, debtor_id=debtor_id,
                 details={"result": "no_answer"})
    entry["id"] = s.execute(_AUDIT, entry).scalar()
    if chained:
        chain.append(s.connection(), [(events.CALL, attempt), (events.AUDIT, entry)])
    s.execute(_DEBTOR, dict(debtor=debtor_id, attempts=row.attempts + 1,
                            attempts_without_contact=row.attempts_without_contact + 1, version=row.version + 1,
                            last_attempt_at=NOW, next_action_at=NOW + timedelta(hours=2), leased_by_id=None,
                            lease_expires_at=None, priority=row.priority - 1))


def _threads(url, campaign_id, agent_ids, stop, mode, barrier) -> tuple[list[float], list]:
    """One process's agents, a thread each, until ``stop``: the latency of each claim, and any errors."""
    engine = make_engine(url, pool_size=len(agent_ids) + 2) if "postgresql" in url else make_engine(url)
    factory = make_session_factory(engine)
    latencies: list[float] = []
    lock = threading.Lock()
    errors = []

    def work(agent_id):
        mine = []
        try:
            with factory() as s:
                campaign = s.get(Campaign, campaign_id)
                barrier.wait()
                while time.monotonic() < stop:
                    t0 = time.perf_counter()
                    try:
                        if mode in ("floor", "ceiling", "ceiling-unchained", "bare+record"):
                            debtor_id = s.execute(*queue.claim_statement(s, campaign, agent_id, NOW)).scalar()
                        else:
                            d = queue.claim_next(s, campaign_id, agent_id, now=NOW)
                            debtor_id = d.id if d else None
                        s.commit()
                    except sa.exc.OperationalError:
                        s.rollback()
                        continue
                    mine.append(time.perf_counter() - t0)
                    if debtor_id is None:
                        break
                    if mode in ("ceiling", "ceiling-unchained"):
                        _minimal_record(s, debtor_id, agent_id, chained=mode == "ceiling")
                        s.commit()
                    if mode in ("full", "bare+record"):
                        for _ in range(50):
                            try:
                                record_outcome(s, debtor_id, agent_id,
                                               OutcomeInput(result=ContactResult.NO_ANSWER), now=NOW)
                                s.commit()
                                break
                            except sa.exc.OperationalError:
                                s.rollback()
                                time.sleep(0.005)
        except Exception as exc:  # pragma: no cover
            errors.append(exc)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=work, args=(agent_id,)) for agent_id in agent_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    engine.dispose()
    return latencies, errors


def _child(url, campaign_id, agent_ids, stop, mode, barrier, out):
    latencies, errors = _threads(url, campaign_id, agent_ids, stop, mode, barrier)
    out.send((latencies, [repr(e) for e in errors]))
    out.close()


def run(url, campaign_id, agent_ids, agents, seconds, mode, processes=1):
    """Claims per second and p50/p99 ms with ``agents`` working at once: threads of one process, or spread
    over ``processes`` processes (as gunicorn workers are), each with its own connections."""
    engine = make_engine(url)
    reset(make_session_factory(engine), campaign_id)
    engine.dispose()
    team = agent_ids[:agents]
    processes = max(1, min(processes, agents))
    t0 = time.monotonic()
    stop = t0 + seconds
    if processes == 1:
        latencies, errors = _threads(url, campaign_id, team, stop, mode, threading.Barrier(agents))
    else:
        context = multiprocessing.get_context("fork")
        barrier, children, pipes = context.Barrier(agents), [], []
        for i in range(processes):
            mine, theirs = context.Pipe(duplex=False)
            child = context.Process(target=_child, args=(url, campaign_id, team[i::processes], stop, mode, barrier,
                                                         theirs))
            child.start()
            children.append(child)
            pipes.append(mine)
        latencies, errors = [], []
        for pipe in pipes:
            got, failed = pipe.recv()
            latencies += got
            errors += failed
        for child in children:
            child.join()
    elapsed = time.monotonic() - t0
    if errors:
        print("  errors:", errors[:3])
    latencies.sort()
    n = len(latencies)
    return n / elapsed, latencies[n // 2] * 1000 if n else 0, latencies[int(n * 0.99)] * 1000 if n else 0


def bench(name, url, loader, levels, args, debtor_rows, invoice_rows):
    campaign_id, agent_ids = setup_schema(url, max(levels))
    t = time.perf_counter()
    loader(url, debtor_rows, invoice_rows)
    print(f"{name}: loaded {len(debtor_rows)} debtors / {len(invoice_rows)} invoices in {time.perf_counter() - t:.1f} s")
    engine = make_engine(url)
    with make_session_factory(engine)() as s:
        t = time.perf_counter()
        priority.recompute_campaign(s, campaign_id, NOW)
        s.commit()
        print(f"{name}: recompute_campaign over all debtors: {time.perf_counter() - t:.2f} s")
    engine.dispose()
    print(f"{'':4}{'agents':>6} {'mode':>26} {'claims/s':>9} {'p50 ms':>7} {'p99 ms':>7} {'vs floor':>8} "
          f"{'vs ceiling':>10}")
    for agents in levels:
        floor = run(url, campaign_id, agent_ids, agents, args.seconds, "floor", args.processes)
        print(f"{'':4}{agents:>6} {'bare locking statement':>26} {floor[0]:9.0f} {floor[1]:7.2f} {floor[2]:7.2f}")
        ceiling = None
        for mode, label in (("ceiling", "bare claim + Core record"), ("ceiling-unchained", "same, no chain"),
                            ("bare+record", "bare claim + record"), ("full", "claim_next + record")):
            got = run(url, campaign_id, agent_ids, agents, args.seconds, mode, args.processes)
            ceiling = got if mode == "ceiling" else ceiling
            versus = f"{got[0] / ceiling[0]:10.2f}" if mode != "ceiling" and ceiling[0] else ""
            print(f"{'':4}{agents:>6} {label:>26} {got[0]:9.0f} {got[1]:7.2f} {got[2]:7.2f} "
                  f"{got[0] / floor[0] if floor[0] else 0:8.2f} {versus}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--debtors", type=int, default=330_000)
    parser.add_argument("--invoices", type=int, default=1_000_000)
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--skip-pg", action="store_true")
    parser.add_argument("--processes", type=int, default=1,
                        help="spread the agents over this many processes (as gunicorn workers are); 1: threads")
    args = parser.parse_args()
    t = time.perf_counter()
    debtor_rows, invoice_rows = rows(1, args.debtors, args.invoices)
    print(f"generated rows in {time.perf_counter() - t:.1f} s")
    if not args.skip_pg:
        admin = sa.create_engine(f"{_url_driver()}://postgres@127.0.0.1:5432/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as c:
            c.exec_driver_sql("DROP DATABASE IF EXISTS relance_queue_bench")
            c.exec_driver_sql("CREATE DATABASE relance_queue_bench")
        admin.dispose()
        bench("PostgreSQL", f"{_url_driver()}://postgres@127.0.0.1:5432/relance_queue_bench", load_pg, [1, 8, 32],
              args, debtor_rows, invoice_rows)
    if not args.skip_sqlite:
        os.makedirs("bench/data", exist_ok=True)
        path = "bench/data/queue_bench.sqlite"
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(path + suffix):
                os.remove(path + suffix)
        bench("SQLite", f"sqlite:///{path}", load_sqlite, [1, 8], args, debtor_rows, invoice_rows)


if __name__ == "__main__":
    main()
