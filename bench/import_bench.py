"""Import benchmark: end-to-end import of French receivables files against the floor.

Floor = pandas' plain read_csv of the file + the fastest bulk insert of the same rows into the same database
(raw sqlite3 executemany; psycopg 3 COPY on PostgreSQL). Run by hand:

    .venv/bin/python bench/import_bench.py            # 10k, 100k on SQLite and PostgreSQL, the whole CLI
                                                      # process on 100k distinct phones, 100k xlsx, 1M memory
    .venv/bin/python bench/import_bench.py --quick    # 100k CSV on SQLite and PostgreSQL only

Files are generated under bench/data/ (gitignored).
"""
from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = ROOT / "bench" / "data"
PG_ADMIN = os.environ.get("BENCH_PG_ADMIN", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
HEADER = ["Code client", "Raison sociale", "SIREN", "Contact", "Téléphone", "Tél. portable", "E-mail", "N° facture",
          "Date facture", "Échéance", "Montant TTC", "Reste dû"]
NAMES = ["Boulangerie", "Garage", "Transports", "Pharmacie", "Menuiserie", "Plomberie", "Électricité", "Café"]
TOWNS = ["Martin", "du Centre", "Lefèvre", "des Lilas", "Roux", "Petit", "Blanc", "de la Gare"]


def fr(cents: int) -> str:
    euros, c = divmod(cents, 100)
    return f"{euros:,}".replace(",", "\u00a0") + f",{c:02d}"


def generate_rows(n: int, seed: int = 7):
    rnd = random.Random(seed)
    start = date(2026, 1, 1)
    debtor = 0
    i = 0
    while i < n:
        debtor += 1
        code = f"C{debtor:07d}"
        name = f"{rnd.choice(NAMES)} {rnd.choice(TOWNS)} {debtor}"
        siren = f"{rnd.randrange(100_000_000, 999_999_999)}"
        phone = f"0{rnd.choice('12345')} {rnd.randrange(10, 99)} {rnd.randrange(10, 99)} {rnd.randrange(10, 99)} {rnd.randrange(10, 99)}"
        mobile = f"06 {rnd.randrange(10, 99)} {rnd.randrange(10, 99)} {rnd.randrange(10, 99)} {rnd.randrange(10, 99)}" if rnd.random() < .5 else ""
        email = f"compta@client{debtor}.fr" if rnd.random() < .7 else ""
        for _ in range(min(rnd.randint(1, 9), n - i)):
            i += 1
            issued = start + timedelta(days=rnd.randrange(300))
            due = issued + timedelta(days=rnd.choice((30, 45, 60)))
            amount = rnd.randrange(5_000, 5_000_000)
            outstanding = amount if rnd.random() < .8 else rnd.randrange(100, amount)
            yield [code, name, siren, "Mme Dupont", phone, mobile, email, f"FA{i:08d}", issued.strftime("%d/%m/%Y"),
                   due.strftime("%d/%m/%Y"), fr(amount), fr(outstanding)]


def make_csv(n: int) -> Path:
    path = DATA / f"balance_{n}.csv"
    if not path.exists():
        DATA.mkdir(parents=True, exist_ok=True)
        with open(path, "w", encoding="cp1252", newline="") as f:
            f.write("Balance âgée clients;;;;;;;;;;;\r\nÉdité le 20/11/2026;;;;;;;;;;;\r\n;;;;;;;;;;;\r\n")
            f.write(";".join(HEADER) + "\r\n")
            for row in generate_rows(n):
                f.write(";".join(row) + "\r\n")
    return path


def make_xlsx(n: int) -> Path:
    path = DATA / f"balance_{n}.xlsx"
    if not path.exists():
        import xlsxwriter
        book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
        sheet = book.add_worksheet("Balance")
        sheet.write_row(0, 0, HEADER)
        for r, row in enumerate(generate_rows(n), start=1):
            sheet.write_row(r, 0, row[:8])
            sheet.write_string(r, 8, row[8])
            sheet.write_string(r, 9, row[9])
            sheet.write_number(r, 10, float(row[10].replace("\u00a0", "").replace(",", ".")))
            sheet.write_number(r, 11, float(row[11].replace("\u00a0", "").replace(",", ".")))
        book.close()
    return path


def new_database(backend: str) -> str:
    from campaigns.db import make_engine
    from campaigns.models import Base
    import sqlalchemy as sa
    if backend == "sqlite":
        url = f"sqlite:///{tempfile.mkdtemp(prefix='relance-bench-')}/bench.db"
    else:
        name = f"relance_bench_{uuid.uuid4().hex[:8]}"
        admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as c:
            c.exec_driver_sql(f"CREATE DATABASE {name}")
        admin.dispose()
        url = PG_ADMIN.rsplit("/", 1)[0] + "/" + name
    engine = make_engine(url)
    Base.metadata.create_all(engine)
    engine.dispose()
    return url


def drop_database(url: str) -> None:
    import sqlalchemy as sa
    if url.startswith("postgresql"):
        admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as c:
            c.exec_driver_sql(f"DROP DATABASE IF EXISTS {url.rsplit('/', 1)[1]} WITH (FORCE)")
        admin.dispose()


def floor(path: Path, url: str) -> float:
    """read_csv of the file + the fastest bulk insert of its rows into a 12-column table of the same database."""
    import pandas as pd
    from campaigns.db import make_engine
    t0 = time.perf_counter()
    frame = pd.read_csv(path, sep=";", encoding="cp1252", skiprows=3, decimal=",", thousands="\u00a0",
                        dtype={"Code client": str, "SIREN": str, "Téléphone": str, "Tél. portable": str},
                        parse_dates=["Date facture", "Échéance"], date_format="%d/%m/%Y")
    rows = list(frame.itertuples(index=False, name=None))
    engine = make_engine(url)
    cols = ", ".join(f"c{i} text" for i in range(12))
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE IF EXISTS floor_rows")
        conn.exec_driver_sql(f"CREATE TABLE floor_rows ({cols})")
    with engine.begin() as conn:
        raw = conn.connection.driver_connection
        if url.startswith("sqlite"):
            raw.executemany(f"INSERT INTO floor_rows VALUES ({', '.join('?' * 12)})",
                            [tuple(str(v) for v in r) for r in rows])
        else:
            with raw.cursor() as cur, cur.copy("COPY floor_rows FROM STDIN") as copy:
                for r in rows:
                    copy.write_row(r)
    elapsed = time.perf_counter() - t0
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE floor_rows")
    engine.dispose()
    return elapsed


def import_once(path: Path, url: str) -> tuple[float, dict]:
    """End to end as the worker does it: read, detect, map, check, group, write, commit."""
    from campaigns.db import make_engine, make_session_factory
    from campaigns.importing import service
    from campaigns.models import Campaign, ClientCompany
    engine = make_engine(url)
    session = make_session_factory(engine)()
    client = ClientCompany(name=f"Bench {uuid.uuid4().hex[:6]}")
    session.add(client)
    session.flush()
    campaign = Campaign(client_company_id=client.id, name="Bench")
    session.add(campaign)
    session.commit()
    data = path.read_bytes()
    t0 = time.perf_counter()
    batch = service.store_upload(session, campaign, path.name, data, tempfile.mkdtemp(prefix="relance-up-"),
                                 max_bytes=10**10)
    result = service.check(session, batch)
    service.apply(session, batch, result=result)
    session.commit()
    elapsed = time.perf_counter() - t0
    counts = {"rows_read": batch.rows_read, "accepted": batch.accepted, "rejected": batch.rejected,
              "debtors": batch.debtors_count}
    session.close()
    engine.dispose()
    return elapsed, counts


def ratio_run(n: int, backend: str, repeats: int = 3) -> None:
    path = make_csv(n)
    floors, imports = [], []
    for _ in range(repeats):
        url = new_database(backend)
        try:
            floors.append(floor(path, url))
            elapsed, counts = import_once(path, url)
            imports.append(elapsed)
        finally:
            drop_database(url)
    f, e = statistics.median(floors), statistics.median(imports)
    print(f"{n:>9,} rows CSV  {backend:<10} floor {f:6.2f} s   import {e:6.2f} s   ratio {e / f:4.2f}   {counts}",
          flush=True)


def xlsx_run(n: int) -> None:
    path = make_xlsx(n)
    url = new_database("sqlite")
    elapsed, counts = import_once(path, url)
    print(f"{n:>9,} rows XLSX sqlite     import {elapsed:6.2f} s   {counts}", flush=True)


def make_distinct_phones_csv(n: int) -> Path:
    """A French CSV of n rows, each its own customer with its own phone number (phone parsing cannot be shared)."""
    path = DATA / f"phones_{n}.csv"
    if not path.exists():
        DATA.mkdir(parents=True, exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(";".join(HEADER) + "\r\n")
            for i, row in enumerate(generate_rows(n, seed=11)):
                row[0], row[4] = f"P{i:07d}", f"01 {40 + i // 1_000_000:02d} {i // 10_000 % 100:02d} {i // 100 % 100:02d} {i % 100:02d}"
                f.write(";".join(row) + "\r\n")
    return path


def flask(*args, env) -> float:
    t0 = time.perf_counter()
    done = subprocess.run([str(ROOT / ".venv" / "bin" / "flask"), *args], env=env, capture_output=True, text=True,
                          cwd=ROOT)
    elapsed = time.perf_counter() - t0
    if done.returncode != 0:
        raise SystemExit(f"flask {' '.join(args)} failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return elapsed


def cli_run(n: int) -> None:
    """``flask campaign import`` as a whole process against read_csv + raw executemany + ``flask --help``."""
    path = make_distinct_phones_csv(n)
    url = new_database("sqlite")
    env = {**os.environ, "DATABASE_URL": url, "FLASK_APP": "wsgi.py",
           "UPLOAD_FOLDER": tempfile.mkdtemp(prefix="relance-up-")}
    try:
        startup = flask("--help", env=env)
        pandas_and_insert = floor_utf8(path, url)
        done = subprocess.run([str(ROOT / ".venv" / "bin" / "flask"), "campaign", "create", "--client", "Bench",
                               "--name", "CLI"], env=env, capture_output=True, text=True, cwd=ROOT)
        campaign_id = done.stdout.strip().splitlines()[-1]
        whole = flask("campaign", "import", campaign_id, str(path), env=env)
    finally:
        drop_database(url)
    base = startup + pandas_and_insert
    print(f"{n:>9,} rows CSV  flask CLI  floor {base:6.2f} s (start-up {startup:.2f} + read and insert "
          f"{pandas_and_insert:.2f})   import {whole:6.2f} s   ratio {whole / base:4.2f}", flush=True)


def floor_utf8(path: Path, url: str) -> float:
    import pandas as pd
    import sqlite3
    t0 = time.perf_counter()
    frame = pd.read_csv(path, sep=";", encoding="utf-8", dtype=str, keep_default_na=False)
    rows = [tuple(r) for r in frame.itertuples(index=False, name=None)]
    conn = sqlite3.connect(url.removeprefix("sqlite:///"))
    conn.execute(f"CREATE TABLE floor_rows ({', '.join(f'c{i} text' for i in range(12))})")
    conn.executemany(f"INSERT INTO floor_rows VALUES ({', '.join('?' * 12)})", rows)
    conn.commit()
    elapsed = time.perf_counter() - t0
    conn.execute("DROP TABLE floor_rows")
    conn.close()
    return elapsed


def memory_run(n: int, backend: str = "sqlite") -> None:
    """The import in a child process; its peak resident memory."""
    make_csv(n)
    out = subprocess.run([sys.executable, __file__, "--child", str(n), backend], capture_output=True, text=True)
    print(out.stdout.strip() or out.stderr[-2000:], flush=True)


def child(n: int, backend: str) -> None:
    url = new_database(backend)
    try:
        elapsed, counts = import_once(make_csv(n), url)
    finally:
        drop_database(url)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{n:>9,} rows CSV  {backend:<10} import {elapsed:6.2f} s   peak memory {peak_mb:,.0f} MB   {counts}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--child", nargs=2)
    args = parser.parse_args()
    if args.child:
        child(int(args.child[0]), args.child[1])
        return
    print("Import benchmark (medians of 3; the floor is re-measured in the same run)")
    if not args.quick:
        ratio_run(10_000, "sqlite")
    ratio_run(100_000, "sqlite")
    ratio_run(100_000, "postgresql")
    if not args.quick:
        cli_run(100_000)
        xlsx_run(100_000)
        memory_run(1_000_000)


if __name__ == "__main__":
    main()
