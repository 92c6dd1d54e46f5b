"""Recap export benchmark: the real export against xlsxwriter writing the same cells from plain lists.

    .venv/bin/python bench/recap_bench.py --invoices 100000            # time ratio, one run
    .venv/bin/python bench/recap_bench.py --invoices 1000000 --memory  # peak memory of the export only

The database is a SQLite file under bench/data/ (generated once per size, reused afterwards).
The floor writes the same sheets and cells (same typed xlsxwriter calls, constant_memory) from
lists fetched beforehand, so the ratio measures what the queries and the export code add.
"""
from __future__ import annotations

import argparse
import random
import resource
import subprocess
import sys
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
import xlsxwriter  # noqa: E402

from campaigns.db import make_engine, make_session_factory  # noqa: E402
from campaigns.models import (  # noqa: E402
    Base, CallAttempt, Campaign, ClientCompany, DebtorAccount, Invoice, InvoiceMotive, Motive, Phone, Promise,
    promise_invoices,
)
from campaigns.recap import write_recap  # noqa: E402
from campaigns.recap import queries  # noqa: E402
from campaigns.recap.cells import WORKBOOK_OPTIONS, Formats, SheetWriter  # noqa: E402
from campaigns.recap import ENGAGEMENTS, LITIGES, NON_JOINTS, FACTURES, APPELS  # noqa: E402
from campaigns.recap.synthese import write_summary  # noqa: E402
from campaigns.taxonomy import ensure_default_taxonomy  # noqa: E402

DATA = ROOT / "bench" / "data"
T0 = datetime(2026, 11, 2, 8, 0, tzinfo=timezone.utc)


def build(url: str, invoices: int) -> None:
    engine = make_engine(url)
    Base.metadata.create_all(engine)
    session = make_session_factory(engine)()
    ensure_default_taxonomy(session)
    company = ClientCompany(name="Bench")
    session.add(company)
    session.flush()
    campaign = Campaign(client_company_id=company.id, name="Bench", period_start=date(2026, 11, 1),
                        period_end=date(2026, 12, 31))
    session.add(campaign)
    session.commit()
    motives = session.scalars(sa.select(Motive.id)).all()
    rnd = random.Random(1)
    debtors = invoices // 4
    chunk = 20_000
    with engine.begin() as conn:
        for start in range(0, debtors, chunk):
            ids = range(start + 1, min(start + chunk, debtors) + 1)
            conn.execute(sa.insert(DebtorAccount), [dict(
                id=i, campaign_id=campaign.id, grouping_key=f"code:C{i:07d}", customer_code=f"C{i:07d}",
                company_name=f"Société {i} SARL", contact_names="M. Dupont", total_outstanding_cents=400_000,
                initial_outstanding_cents=400_000, open_invoices_count=4) for i in ids])
            conn.execute(sa.insert(Phone), [dict(debtor_id=i, raw="01 42 68 53 00", e164="+33142685300")
                                            for i in ids])
            conn.execute(sa.insert(CallAttempt), [dict(
                campaign_id=campaign.id, debtor_id=i, started_at=T0 + timedelta(seconds=i * 7),
                duration_seconds=90, result=rnd.choice(["no_answer", "right_party", "voicemail"]),
                phone_dialled="+33142685300", notes="Rappeler demain") for i in ids])
        for start in range(0, invoices, chunk):
            conn.execute(sa.insert(Invoice), [dict(
                id=n, campaign_id=campaign.id, debtor_id=(n - 1) // 4 + 1, number=f"F{n:08d}",
                invoice_date=date(2026, 8, 1), due_date=date(2026, 9, 1) + timedelta(days=n % 60),
                amount_cents=100_000 + n % 997, initial_outstanding_cents=100_000 + n % 997,
                outstanding_cents=100_000 + n % 997) for n in range(start + 1, min(start + chunk, invoices) + 1)])
        promised = list(range(1, debtors + 1, 5))
        conn.execute(sa.insert(Promise), [dict(
            id=k, campaign_id=campaign.id, debtor_id=d, promised_date=date(2026, 12, 1) + timedelta(days=k % 30),
            amount_cents=400_000, method="virement") for k, d in enumerate(promised, 1)])
        conn.execute(sa.insert(promise_invoices), [dict(promise_id=k, invoice_id=(d - 1) * 4 + j)
                                                   for k, d in enumerate(promised, 1) for j in (1, 2)])
        conn.execute(sa.insert(InvoiceMotive), [dict(
            campaign_id=campaign.id, debtor_id=d, invoice_id=(d - 1) * 4 + 3, motive_id=rnd.choice(motives),
            details="Prix contesté", created_at=T0) for d in range(3, debtors + 1, 10)])
    engine.dispose()


def database(invoices: int) -> str:
    DATA.mkdir(parents=True, exist_ok=True)
    path = DATA / f"recap_{invoices}.db"
    url = f"sqlite:///{path}"
    if not path.exists():
        started = time.perf_counter()
        build(url, invoices)
        print(f"built {path.name} in {time.perf_counter() - started:.1f} s")
    return url


def floor(session, campaign_id: int, target: str) -> float:
    """xlsxwriter writing the same cells from lists fetched beforehand (fetch not timed)."""
    sheets = [
        (ENGAGEMENTS, [(c, n, num, a, d, str(m), str(s), "", p, ag, cr) for c, n, num, a, d, m, s, _q, p, ag, cr, _pl
                       in queries.promises(session, campaign_id)]),
        (LITIGES, [tuple(r[:11]) + (str(r[11]), r[12]) for r in queries.disputes(session, campaign_id)]),
        (NON_JOINTS, [tuple(r[:7]) + (str(r[7]) if r[7] else None, str(r[8])) for r in
                      queries.not_reached(session, campaign_id)]),
        (FACTURES, [(r[0], r[1], r[2], r[3], r[4], r[5], r[6], str(r[7]), r[8], r[9], str(r[10]) if r[10] else None,
                     r[11]) for r in queries.invoices(session, campaign_id)]),
        (APPELS, [tuple(r[:5]) + (str(r[5]),) + tuple(r[6:]) for r in queries.calls(session, campaign_id)]),
    ]
    started = time.perf_counter()
    book = xlsxwriter.Workbook(target, WORKBOOK_OPTIONS)
    formats = Formats(book)
    write_summary(session, book, formats, campaign_id, False, datetime.now(timezone.utc))
    for name, (columns, rows) in zip(("Engagements", "Litiges", "Non joints", "Factures", "Appels"), sheets):
        sheet = SheetWriter(book, formats, name, columns)
        sheet.header()
        for row in rows:
            sheet.write(row)
        sheet.finish()
    book.close()
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--invoices", type=int, default=100_000)
    parser.add_argument("--memory", action="store_true", help="only run the export and print its peak memory")
    parser.add_argument("--database-url", help="an EMPTY database to fill instead of the SQLite file "
                                               "(e.g. postgresql+psycopg://postgres@127.0.0.1/relance_bench)")
    args = parser.parse_args()
    if args.database_url:
        url = args.database_url
        engine = make_engine(url)
        with engine.connect() as conn:
            filled = sa.inspect(conn).has_table("invoices") and conn.scalar(sa.text("SELECT count(*) FROM invoices"))
        engine.dispose()
        if not filled:
            build(url, args.invoices)
    else:
        url = database(args.invoices)
    out = DATA / f"recap_{args.invoices}.xlsx"
    if args.memory:
        code = (f"import sys, resource, time; sys.path.insert(0, {str(ROOT)!r});"
                "from campaigns.db import make_engine, make_session_factory;"
                "from campaigns.recap import write_recap;"
                f"s = make_session_factory(make_engine({url!r}))();"
                "base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss; t = time.perf_counter();"
                f"totals = write_recap(s, 1, {str(out)!r});"
                "print(f'export {time.perf_counter() - t:.1f} s, invoices', totals['Factures'],"
                " 'peak RSS', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024, 'MB (after imports',"
                " base // 1024, 'MB)')")
        subprocess.run([sys.executable, "-c", code], check=True)
        return
    session = make_session_factory(make_engine(url))()
    started = time.perf_counter()
    totals = write_recap(session, 1, str(out))
    export = time.perf_counter() - started
    floor_time = floor(session, 1, str(DATA / f"floor_{args.invoices}.xlsx"))
    print(f"{args.invoices} invoices, {totals['Appels']} calls: export {export:.2f} s, "
          f"floor (xlsxwriter from lists) {floor_time:.2f} s, ratio {export / floor_time:.2f} (target <= 1.5)")
    print(f"peak RSS of this process {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB "
          "(includes the floor's lists)")


if __name__ == "__main__":
    main()
