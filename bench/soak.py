"""Soak: a calling day compressed, served the production way, then checked against the database.

Creates a PostgreSQL database ``soak_<random>``, migrates it (``flask db upgrade``), loads a campaign
of N debtors through the real import path (``flask campaign create`` / ``import``), creates the
negotiators and a manager, assigns and starts the campaign (``flask campaign assign`` / ``start``),
serves the app with ``python -m app.serve`` (gunicorn workers plus the job worker, on 127.0.0.1), opens
the campaign for calls now through its queue settings page (as the manager), then runs the negotiators
over HTTP (bench/soak_clients.py) with the manager polling the dashboard, loads an update file of
payments received halfway through (``flask campaign import --update``), stops the server and checks
the database (bench/soak_checks.py). Prints the report; exits 1 when a correctness check fails.

    .venv/bin/python bench/soak.py                    # 200 agents logging in over 1 min, 10 minutes, 100k debtors
    .venv/bin/python bench/soak.py --agents 5 --minutes 0.5 --debtors 2000 --ramp 5 --keep

Jobs go through Redis (--redis, the local one by default; --redis '' for the SQLite job store); halfway the
update file is loaded and the manager then asks for the recap in the background, written by the job worker.

Targets: zero 5xx, zero lost or doubled outcomes, p99 under 150 ms for claim-and-record (reported, not
enforced: only correctness decides the exit status). The figures and the full log go to bench/out/.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from multiprocessing import get_context
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from bench import soak_checks  # noqa: E402
from bench.soak_clients import Log, background_recap, manager, open_calling_now, run_negotiators  # noqa: E402

PG_ADMIN = os.environ.get("SOAK_PG_ADMIN", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
PASSWORD = "soak-password-2026"
HEADER = ["Code client", "Raison sociale", "SIREN", "Contact", "Téléphone", "N° facture", "Date facture",
          "Échéance", "Montant TTC", "Reste dû"]
PARIS = ZoneInfo("Europe/Paris")
ACCESS_FORMAT = '%(h)s %(t)s "%(r)s" %(s)s %(b)s %(D)s'


@dataclass
class Options:
    agents: int = 200
    minutes: float = 10.0
    debtors: int = 100_000
    workers: int = 4
    processes: int = 4            # client processes the negotiators' threads are spread over
    think: float = 3.0            # mean seconds an agent spends on a card (uniform 0.5x-1.5x)
    poll: float = 5.0             # the dashboard's refresh period
    update_share: float = 0.05    # invoices paid (half fully, half partly) in the update file
    ramp: float = 60.0            # seconds over which the agents log in, as a morning shift starts
    redis: str | None = "redis://127.0.0.1:6379/12"   # the job queue (None: the SQLite job store)
    keep: bool = False            # keep the database (and say its name) for a look afterwards
    out: Path | None = None       # where the report and the server's log go
    quiet: bool = False
    pg_admin: str = PG_ADMIN      # a database of the server the soak creates its own database on


@dataclass
class Result:
    report: dict = field(default_factory=dict)
    failures: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not any(self.failures.values())


# --- Files -------------------------------------------------------------------------------------------

def _fr(cents: int) -> str:
    euros, c = divmod(cents, 100)
    return f"{euros:,}".replace(",", "\u00a0") + f",{c:02d}"


def receivables(debtors: int, seed: int = 11) -> list[list]:
    """An aged balance: ``debtors`` customers with 1-3 invoices each; [code, name, siren, contact, phone,
    number, issued, due, amount cents, outstanding cents] rows."""
    rnd = random.Random(seed)
    rows, n = [], 0
    today = date.today()
    for d in range(1, debtors + 1):
        phone = f"01 {rnd.randrange(40, 99)} {rnd.randrange(10, 99)} {rnd.randrange(10, 99)} {rnd.randrange(10, 99)}"
        for _ in range(rnd.randint(1, 3)):
            n += 1
            issued = today - timedelta(days=rnd.randrange(40, 400))
            amount = rnd.randrange(5_000, 2_500_000)
            outstanding = amount if rnd.random() < .8 else rnd.randrange(100, amount)
            rows.append([f"S{d:07d}", f"Société Soak {d}", f"{rnd.randrange(100_000_000, 999_999_999)}",
                         "Mme Dupont", phone, f"SK{n:08d}", issued, issued + timedelta(days=30), amount, outstanding])
    return rows


def write_balance(path: Path, rows: list[list]) -> int:
    """The French CSV (cp1252, ';', comma decimals) as Sage exports it; returns its total outstanding."""
    with open(path, "w", encoding="cp1252", newline="") as f:
        f.write("Balance âgée clients;;;;;;;;;\r\n;;;;;;;;;\r\n" + ";".join(HEADER) + "\r\n")
        for r in rows:
            f.write(";".join(r[:6] + [r[6].strftime("%d/%m/%Y"), r[7].strftime("%d/%m/%Y"), _fr(r[8]), _fr(r[9])])
                    + "\r\n")
    return sum(r[9] for r in rows)


def payments_received(rows: list[list], share: float, seed: int = 12) -> list[list]:
    """The same balance a few days later: some invoices paid (left out of the file), some partly paid."""
    rnd = random.Random(seed)
    out = []
    for r in rows:
        draw = rnd.random()
        if draw < share / 2:
            continue
        if draw < share and r[9] > 200:
            r = r[:9] + [r[9] - rnd.randrange(100, r[9])]
        out.append(r)
    return out


# --- Set-up ------------------------------------------------------------------------------------------

def create_database(pg_admin: str = PG_ADMIN) -> str:
    name = f"soak_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(pg_admin, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    return sa.make_url(pg_admin).set(database=name).render_as_string(hide_password=False)


def drop_database(url: str, pg_admin: str = PG_ADMIN) -> None:
    name = sa.make_url(url).database
    assert name.startswith("soak_"), name
    admin = sa.create_engine(pg_admin, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


def server_env(url: str, work: Path) -> dict:
    """The environment of every process of the app: this database, throw-away folders and job store."""
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL",)}
    env.update(DATABASE_URL=url, SECRET_KEY="soak-" + uuid.uuid4().hex, FLASK_APP="wsgi.py",
               JOBS_DB=str(work / "jobs.db"), UPLOAD_FOLDER=str(work / "uploads"),
               EXPORT_FOLDER=str(work / "exports"), LOG_LEVEL="WARNING", MAX_UPLOAD_MB="500",
               # gunicorn's access log with each request's time in the server (microseconds) at the end
               GUNICORN_CMD_ARGS=f"--access-logformat '{ACCESS_FORMAT}'")
    return env


def flask(env: dict, *args: str) -> str:
    """One ``flask`` command of the project, as an operator types it; its output."""
    done = subprocess.run([str(Path(sys.executable).parent / "flask"), *args], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args[:2])} failed: {done.stdout[-2000:]} {done.stderr[-2000:]}")
    return done.stdout


def create_people(url: str, agents: int) -> tuple[list[str], str]:
    """The negotiators and the manager (campaigns.accounts, as ``flask users create`` does), and the default
    non-payment motives (which no migration inserts; the demo and the benches add them the same way)."""
    from campaigns import accounts
    from campaigns.db import make_engine, make_session_factory
    from campaigns.models import Role
    from campaigns.taxonomy import ensure_default_taxonomy
    engine = make_engine(url)
    session = make_session_factory(engine)()
    ensure_default_taxonomy(session)
    emails = [f"agent{i:02d}@soak.relance.fr" for i in range(1, agents + 1)]
    for i, email in enumerate(emails, start=1):
        accounts.create_user(session, email, f"Agent Soak {i:02d}", Role.AGENT, PASSWORD)
    accounts.create_user(session, "manager@soak.relance.fr", "Manager Soak", Role.MANAGER, PASSWORD)
    session.commit()
    session.close()
    engine.dispose()
    return emails, "manager@soak.relance.fr"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(env: dict, port: int, workers: int, log_path: Path) -> subprocess.Popen:
    """``python -m app.serve``: gunicorn (``workers`` workers, 4 threads) and the job worker."""
    log = open(log_path, "ab")
    proc = subprocess.Popen([sys.executable, "-m", "app.serve", "--host", "127.0.0.1", "--port", str(port),
                             "--workers", str(workers)], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    import requests
    for _ in range(300):
        if proc.poll() is not None:
            raise RuntimeError(f"the server stopped at start; see {log_path}")
        try:
            if requests.get(f"http://127.0.0.1:{port}/login", timeout=2).status_code == 200:
                return proc
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the server did not answer in 60 s; see {log_path}")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


# --- The run -----------------------------------------------------------------------------------------

def run(opts: Options) -> Result:
    """Set up, soak, check; the database is dropped at the end unless ``opts.keep``."""
    say = (lambda *a: None) if opts.quiet else (lambda *a: print(*a, flush=True))
    out = opts.out or ROOT / "bench" / "out" / f"soak-{datetime.now():%Y%m%d-%H%M%S}"
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="relance-soak-"))
    url = create_database(opts.pg_admin)
    env = server_env(url, work)
    if opts.redis:
        import redis
        redis.Redis.from_url(opts.redis).flushdb()     # a queue of this run only
        env["REDIS_URL"] = opts.redis
    proc = None
    result = Result()
    try:
        t0 = time.perf_counter()
        flask(env, "db", "upgrade")
        rows = receivables(opts.debtors)
        initial_total = write_balance(work / "balance.csv", rows)
        update_rows = payments_received(rows, opts.update_share)
        update_total = write_balance(work / "reglements.csv", update_rows)
        today = datetime.now(PARIS).date()
        campaign_id = int(flask(env, "campaign", "create", "--client", "Soak Client SA", "--name", "Soak",
                                "--start", str(today - timedelta(days=1)),
                                "--end", str(today + timedelta(days=60))).strip().splitlines()[-1])
        t1 = time.perf_counter()
        loaded = json.loads(flask(env, "campaign", "import", str(campaign_id), str(work / "balance.csv"),
                                  "--json").strip().splitlines()[-1])
        import_seconds = time.perf_counter() - t1
        emails, manager_email = create_people(url, opts.agents)
        flask(env, "campaign", "assign", str(campaign_id), *emails)
        flask(env, "campaign", "start", str(campaign_id))
        say(f"set up in {time.perf_counter() - t0:.0f} s: {len(rows)} invoice rows, import {import_seconds:.1f} s, "
            f"accepted {loaded.get('accepted')}, rejected {loaded.get('rejected')}")

        port = free_port()
        proc = serve(env, port, opts.workers, out / "server.log")
        base = f"http://127.0.0.1:{port}"
        status = open_calling_now(base, campaign_id, manager_email, PASSWORD)
        if status != 303:
            raise RuntimeError(f"saving the queue settings answered {status}")

        duration = opts.minutes * 60
        started = time.time()
        stop_at = started + duration
        log = Log()
        lock = threading.Lock()
        boss = threading.Thread(target=manager, args=(base, campaign_id, manager_email, PASSWORD, stop_at,
                                                      opts.poll, log, lock), daemon=True)
        boss.start()
        update = {}

        def load_update():
            time.sleep(max(0.0, started + duration / 2 - time.time()))
            t = time.perf_counter()
            update["at"] = time.time() - started
            try:
                update["result"] = json.loads(flask(env, "campaign", "import", str(campaign_id),
                                                    str(work / "reglements.csv"), "--update", "--json")
                                              .strip().splitlines()[-1])
                update["ok"] = True
            except RuntimeError as exc:
                update["ok"], update["error"] = False, str(exc)[-1500:]
            update["seconds"] = time.perf_counter() - t
            # Then the manager asks for the recap in the background: a job through the queue, for a worker.
            update["recap"] = background_recap(base, campaign_id, manager_email, PASSWORD)
        updater = threading.Thread(target=load_update, daemon=True)
        updater.start()
        say(f"soaking: {opts.agents} agents, {opts.minutes:g} min, on {base} ({opts.workers} workers)")
        # Logins spread evenly over the ramp, in an order mixing the client processes.
        login_at = {email: started + opts.ramp * k / max(1, len(emails)) for k, email in enumerate(emails)}
        groups = [emails[i::opts.processes] for i in range(opts.processes) if emails[i::opts.processes]]
        with ProcessPoolExecutor(len(groups), mp_context=get_context("spawn")) as pool:
            futures = [pool.submit(run_negotiators, base, campaign_id, group, PASSWORD, stop_at, opts.think, i,
                                   [login_at[e] for e in group])
                       for i, group in enumerate(groups)]
            for future in futures:
                log.extend(future.result())
        ended = time.time()
        boss.join(timeout=60)
        updater.join()
        stop(proc)
        proc = None

        checks = soak_checks.check_database(url, campaign_id, log, initial_total,
                                            update_total if update.get("ok") else None)
        result.failures = {"5xx or connection errors": soak_checks.server_errors(log.requests),
                           "update file loaded": [] if update.get("ok") else [update.get("error", "not loaded")],
                           "background recap written by a worker": [] if update.get("recap", {}).get("state") == "done"
                           else [str(update.get("recap"))],
                           "simulated agents stopped by a problem": [
                               f"{who}: {text}" for who, text in log.problems if "answered 4" not in text],
                           **checks["failures"]}
        result.report = {
            "options": {k: str(v) for k, v in vars(opts).items()},
            "database": sa.make_url(url).database, "campaign_id": campaign_id, "out": str(out),
            "initial_file": {"rows": len(rows), "total_cents": initial_total, "import_seconds": import_seconds,
                             "result": {k: loaded.get(k) for k in ("rows_read", "accepted", "rejected")}},
            "update_file": {"rows": len(update_rows), "total_cents": update_total, **update},
            "latency": soak_checks.latency_table(log.requests, started, ended),
            "server_time": soak_checks.server_times(out / "server.log"),
            "figures": checks["figures"],
            "client_problems": [f"{who}: {text}" for who, text in log.problems][:50],
            "reconnects": {"count": len(log.reconnects), "by_kind": dict(Counter(k for k, *_ in log.reconnects)),
                           "examples": sorted({text for *_, text in log.reconnects})[:5]},
            "failures": result.failures,
        }
        (out / "report.json").write_text(json.dumps(result.report, indent=2, ensure_ascii=False, default=str))
    finally:
        if proc is not None:
            stop(proc)
        if opts.keep:
            say(f"kept database {sa.make_url(url).database}")
        else:
            drop_database(url, opts.pg_admin)
    return result


def print_report(result: Result) -> None:
    r = result.report
    lat = r["latency"]
    print(f"\n{lat['requests']} requests, {lat['requests_per_second']:.1f} requests/s")
    print(f"{'kind':<10} {'count':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for kind, k in lat["kinds"].items():
        print(f"{kind:<10} {k['count']:>7} {k['p50']:>8.1f} {k['p95']:>8.1f} {k['p99']:>8.1f} {k['max']:>8.1f}")
    print("time inside the server (gunicorn access log):")
    for kind, k in r["server_time"].items():
        print(f"{kind:<10} {k['count']:>7} {k['p50']:>8.1f} {k['p95']:>8.1f} {k['p99']:>8.1f} {k['max']:>8.1f}")
    print("statuses:", ", ".join(f"{s}: {n}" for s, n in lat["statuses"].items()))
    for kind, statuses in lat["statuses_by_kind"].items():
        odd = {s: n for s, n in statuses.items() if s not in ("200", "303")}
        if odd:
            print(f"  {kind}: {odd}")
    u = r["update_file"]
    print(f"update file: {u['rows']} rows loaded at {u.get('at', 0):.0f} s in {u.get('seconds', 0):.1f} s, "
          f"ok={u.get('ok')}")
    recap = u.get("recap") or {}
    print(f"background recap (job queue {r['options']['redis'] or 'SQLite'}): {recap.get('state')} in "
          f"{recap.get('seconds', 0):.1f} s, {recap.get('bytes', 0)} bytes")
    print(f"machine: {os.cpu_count()} cores shared by the load generator, gunicorn, the job worker and PostgreSQL")
    print("figures:", json.dumps(r["figures"], ensure_ascii=False))
    rc = r["reconnects"]
    print(f"kept-alive connections closed by the server, request sent again at once: {rc['count']} "
          f"{rc['by_kind'] or ''} {rc['examples'][:1] or ''}")
    for text in r["client_problems"][:10]:
        print("  client:", text)
    claim_record = [r["latency"]["kinds"].get(k, {}).get("p99", 0) for k in ("claim", "record")]
    print(f"target p99 < 150 ms for claim-and-record: {'met' if max(claim_record) < 150 else 'NOT met'} "
          f"({' / '.join(f'{v:.0f}' for v in claim_record)} ms)")
    for check, failures in result.failures.items():
        print(f"[{'FAIL' if failures else ' ok '}] {check}")
        for text in failures[:10]:
            print("        ", text)
        if len(failures) > 10:
            print(f"         ... and {len(failures) - 10} more")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    d = Options()
    parser.add_argument("--agents", type=int, default=d.agents)
    parser.add_argument("--minutes", type=float, default=d.minutes)
    parser.add_argument("--debtors", type=int, default=d.debtors)
    parser.add_argument("--workers", type=int, default=d.workers, help="gunicorn workers (4 threads each)")
    parser.add_argument("--processes", type=int, default=d.processes, help="client processes")
    parser.add_argument("--think", type=float, default=d.think, help="mean seconds on a card before saving")
    parser.add_argument("--poll", type=float, default=d.poll, help="seconds between dashboard refreshes")
    parser.add_argument("--ramp", type=float, default=d.ramp, help="seconds over which the agents log in")
    parser.add_argument("--redis", default=d.redis, help="job queue URL ('' for the SQLite job store)")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    result = run(Options(**vars(args)))
    print_report(result)
    print(f"report and server log: {result.report.get('out')}")
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
