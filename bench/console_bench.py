"""How fast is the next debtor's card on screen? Server time plus rendering, measured in Chromium.

Builds a campaign of N debtors (default 100,000, two invoices and one phone each) with SQLAlchemy
Core, serves the app from a thread, logs an agent in with Playwright (Debian's chromium) and records
K outcomes with the keyboard ("n" then Enter: no answer, then next). For each, console.js marks
`console-save` when the form is posted and `console-card-shown` in the first animation frame after
the next card is swapped in; the measure `console-next` between them is what the agent waits for.
With ``--server thread`` the server's own time for the same requests is read around the WSGI call
(that server shares the GIL with Playwright's driver, so its browser figures are pessimistic).

    .venv/bin/python bench/console_bench.py                      # PostgreSQL, 100k debtors, 200 calls, gunicorn
    .venv/bin/python bench/console_bench.py --db sqlite --debtors 100000 --calls 200
    .venv/bin/python bench/console_bench.py --server thread       # in-process werkzeug: server time too

Prints p50/p95/max for the browser measure and the server time, and the floor: the same page
served with an already-claimed debtor (GET of the workspace fragment), to separate claiming from
rendering. Run by hand; nothing here is asserted.
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from campaigns import accounts  # noqa: E402
from campaigns.db import make_engine, make_session_factory  # noqa: E402
from campaigns.models import Base, Campaign, CampaignStatus, ClientCompany, Role, campaign_agents  # noqa: E402
from campaigns.models import DebtorAccount, Invoice, Phone  # noqa: E402
from campaigns.taxonomy import ensure_default_taxonomy  # noqa: E402

PASSWORD = "bench-password-42"
PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
PG_BENCH = "postgresql+psycopg://postgres@127.0.0.1:5432/relance_console_bench"


def fresh_database(kind: str) -> str:
    if kind == "sqlite":
        return f"sqlite:///{tempfile.mkdtemp()}/console_bench.db"
    admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(sa.text("DROP DATABASE IF EXISTS relance_console_bench WITH (FORCE)"))
        c.execute(sa.text("CREATE DATABASE relance_console_bench"))
    admin.dispose()
    return PG_BENCH


def populate(url: str, debtors: int) -> tuple[int, str]:
    """Schema, one campaign of ``debtors`` debtors, an agent; returns (campaign id, agent email)."""
    engine = make_engine(url)
    Base.metadata.create_all(engine)
    session = make_session_factory(engine)()
    ensure_default_taxonomy(session)
    company = ClientCompany(name="Bench Client SA")
    session.add(company)
    session.flush()
    agent = accounts.create_user(session, "agent@bench.fr", "Agent Bench", Role.AGENT, PASSWORD)
    campaign = Campaign(client_company_id=company.id, name="Bench 100k", status=CampaignStatus.ACTIVE,
                        period_start=date.today() - timedelta(days=5), period_end=date.today() + timedelta(days=60),
                        # measured at whatever hour the bench is run
                        calling_hours={"days": [0, 1, 2, 3, 4, 5, 6], "windows": [["00:00", "24:00"]]})
    session.add(campaign)
    session.flush()
    session.execute(campaign_agents.insert().values(campaign_id=campaign.id, user_id=agent.id))
    session.commit()
    cid = campaign.id
    rng = random.Random(7)
    today = date.today()
    t0 = time.perf_counter()
    with engine.begin() as conn:
        rows = []
        for i in range(debtors):
            total = rng.randint(5_000, 5_000_000)
            rows.append(dict(campaign_id=cid, grouping_key=f"code:B{i:07d}", customer_code=f"B{i:07d}",
                             company_name=f"Société {i:07d}", has_valid_phone=True, language="fr",
                             total_outstanding_cents=total, initial_outstanding_cents=total, open_invoices_count=2,
                             oldest_due_date=today - timedelta(days=rng.randint(10, 400)),
                             queue_state="ready", priority=rng.random() * 100, attempts=0,
                             attempts_without_contact=0, broken_promises=0, version=1))
        conn.execute(sa.insert(DebtorAccount), rows)
        ids = [r for (r,) in conn.execute(sa.select(DebtorAccount.id).where(DebtorAccount.campaign_id == cid))]
        conn.execute(sa.insert(Phone), [dict(debtor_id=d, raw="01 42 68 53 00", e164="+33142685300",
                                             position=0, status="ok") for d in ids])
        invoices = []
        for d in ids:
            for k in (1, 2):
                due = today - timedelta(days=rng.randint(10, 400))
                cents = rng.randint(1_000, 2_500_000)
                invoices.append(dict(campaign_id=cid, debtor_id=d, number=f"F{d:07d}-{k}", invoice_date=due - timedelta(days=30),
                                     due_date=due, amount_cents=cents, initial_outstanding_cents=cents,
                                     outstanding_cents=cents, currency="EUR", status="open"))
        conn.execute(sa.insert(Invoice), invoices)
    if url.startswith("postgresql"):  # statistics, as autovacuum would gather them (outside a transaction)
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.execute(sa.text("ANALYZE"))
    print(f"populated {debtors} debtors, {2 * debtors} invoices in {time.perf_counter() - t0:.1f} s")
    engine.dispose()
    return cid, "agent@bench.fr"


class TimedApp:
    """WSGI wrapper recording the server time of each outcome POST."""

    def __init__(self, app):
        self.app, self.times = app, []

    def __call__(self, environ, start_response):
        t = time.perf_counter()
        body = b"".join(self.app(environ, start_response))
        if environ["PATH_INFO"].endswith("/outcome"):
            self.times.append((time.perf_counter() - t) * 1000)
        return [body]


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument("--debtors", type=int, default=100_000)
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--server", choices=["gunicorn", "thread"], default="gunicorn",
                        help="gunicorn (2 workers, own process) or a werkzeug thread (also times the server side)")
    args = parser.parse_args()

    url = fresh_database(args.db)
    campaign_id, email = populate(url, args.debtors)

    import os
    import socket
    import subprocess
    if args.server == "gunicorn":
        # A separate process, as in production: Playwright's driver does not share the server's GIL.
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        env = dict(os.environ, DATABASE_URL=url, SECRET_KEY="bench")
        proc = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}",
                                 "--log-level", "warning", "app:create_app()"], env=env,
                                cwd=str(Path(__file__).resolve().parents[1]))
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        timed = None
    else:
        from werkzeug.serving import make_server
        from app import create_app
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"})
        timed = TimedApp(app)
        server = make_server("127.0.0.1", 0, timed, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_port}"

    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", "--disable-quic"])
        page = browser.new_page(locale="fr-FR", timezone_id="Europe/Paris", viewport={"width": 1440, "height": 900})
        page.goto(base + "/login")
        page.get_by_label("Adresse e-mail").fill(email)
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_url(base + "/")
        page.goto(f"{base}/console/campaigns/{campaign_id}")
        page.keyboard.press("Enter")
        page.wait_for_selector("#outcome-form")
        browser_ms = []
        for _ in range(args.calls):
            before = page.locator("#workspace").get_attribute("data-debtor")
            page.evaluate("performance.clearMeasures('console-next')")
            page.keyboard.press("n")
            page.keyboard.press("Enter")
            page.wait_for_function(
                "b => document.getElementById('workspace').dataset.debtor !== b"
                " && performance.getEntriesByName('console-next').length > 0", arg=before)
            browser_ms.append(page.evaluate("performance.getEntriesByName('console-next')[0].duration"))
        # Floor: the same workspace rendered without claiming (GET of the held debtor, as a fragment).
        floor = []
        for _ in range(50):
            t = time.perf_counter()
            page.evaluate("u => fetch(u, {headers: {'HX-Request': 'true'}}).then(r => r.text())",
                          f"{base}/console/campaigns/{campaign_id}")
            floor.append((time.perf_counter() - t) * 1000)
        browser.close()
    if timed is None:
        proc.terminate()
        proc.wait()
    else:
        server.shutdown()

    def line(name, xs):
        print(f"{name:<46} p50 {statistics.median(xs):6.1f} ms   p95 {pct(xs, 95):6.1f} ms   max {max(xs):6.1f} ms")
    print(f"{args.db}, {args.debtors} debtors, {args.calls} outcomes recorded with the keyboard")
    line("save -> next card on screen (Chromium)", browser_ms)
    if timed is not None:
        line("server: record + commit + claim + render", timed.times)
    line("floor: GET the workspace fragment (no claim)", floor)
    print(f"target 150 ms: p95 is {pct(browser_ms, 95) / 150:.2f} of the budget")


if __name__ == "__main__":
    main()
