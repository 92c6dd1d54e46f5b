"""Beyond one machine: two app servers (gunicorn) and two job workers (python -m app.worker), one PostgreSQL
database and one Redis queue, shared upload and export folders. A file uploaded through app A is checked and
loaded by a worker once; a recap asked for through app B is written by a worker and downloaded through app A;
negotiators record calls through both, and each acknowledged call is in the database exactly once."""
from __future__ import annotations

import re
import socket
import subprocess
import sys
import threading
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from bench.soak import (PASSWORD, ROOT, create_database, create_people, drop_database, flask, receivables,
                        server_env, write_balance)
from bench.soak_clients import Browser, Log, negotiator, open_calling_now
from tests.conftest import PG_ADMIN_URL, _postgres_reachable

REDIS = "redis://127.0.0.1:6379/13"


def redis_reason() -> str | None:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return "no Redis on 127.0.0.1:6379 (CI and this machine have one)"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(test, seconds: float = 120, what: str = ""):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = test()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError(f"gave up waiting: {what}")


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    reason = _postgres_reachable() or redis_reason()
    if reason:
        pytest.skip(reason)
    import redis
    redis.Redis.from_url(REDIS).flushdb()
    work = tmp_path_factory.mktemp("two-servers")
    url = create_database(PG_ADMIN_URL)
    env = {**server_env(url, work), "REDIS_URL": REDIS}
    env.pop("GUNICORN_CMD_ARGS", None)
    procs = []
    try:
        flask(env, "db", "upgrade")
        today = date.today()
        campaign_id = int(flask(env, "campaign", "create", "--client", "Deux Serveurs SA", "--name", "Multi",
                                "--start", str(today - timedelta(days=1)),
                                "--end", str(today + timedelta(days=60))).strip().splitlines()[-1])
        emails, manager = create_people(url, 2)
        flask(env, "campaign", "assign", str(campaign_id), *emails)
        apps = []
        for _ in range(2):
            port = free_port()
            procs.append(subprocess.Popen([sys.executable, "-m", "gunicorn", "wsgi:app", "--bind",
                                           f"127.0.0.1:{port}", "--workers", "1", "--threads", "4"],
                                          cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            apps.append(f"http://127.0.0.1:{port}")
        for _ in range(2):
            procs.append(subprocess.Popen([sys.executable, "-m", "app.worker"], cwd=ROOT, env=env,
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        import requests
        for base in apps:
            wait_for(lambda: _answers(requests, base), 60, f"{base} to answer")
        engine = sa.create_engine(url)
        yield {"apps": apps, "campaign": campaign_id, "emails": emails, "manager": manager, "engine": engine,
               "work": work, "env": env}
        engine.dispose()
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
        drop_database(url, PG_ADMIN_URL)
        redis.Redis.from_url(REDIS).flushdb()


def _answers(requests, base) -> bool:
    try:
        return requests.get(base + "/login", timeout=2).status_code == 200
    except requests.RequestException:
        return False


def manager_on(base, d) -> Browser:
    me = Browser(base, Log(), threading.Lock())
    me.login(d["manager"], PASSWORD)
    return me


def scalar(d, sql: str, **params):
    with d["engine"].connect() as conn:
        return conn.execute(sa.text(sql), params).scalar()


def test_a_file_uploaded_through_one_server_is_checked_and_loaded_once_by_a_worker(deployment):
    d, campaign = deployment, deployment["campaign"]
    rows = receivables(9_000)
    path = d["work"] / "balance.csv"
    total = write_balance(path, rows)
    assert path.stat().st_size > 2_000_000           # above INLINE_CHECK_BYTES: the worker checks it
    a, b = manager_on(d["apps"][0], d), manager_on(d["apps"][1], d)
    with open(path, "rb") as f:
        uploaded, _ = a.request("upload", "POST", f"/manage/campaigns/{campaign}/imports",
                                files={"file": ("balance.csv", f)}, data={"kind": "initial"})
    assert uploaded.status_code == 303, uploaded.text[:500]
    mapping_url = uploaded.headers["Location"].replace(d["apps"][0], "")
    page, _ = a.request("page", "GET", mapping_url)
    form = dict(re.findall(r'<select name="(col-\d+)"[^>]*>.*?<option value="(\w+)" selected', page.text, re.S))
    checked, _ = a.request("mapping", "POST", mapping_url, data=form)
    assert checked.status_code == 303
    batch = int(re.search(r"/imports/(\d+)", checked.headers["Location"]).group(1))
    wait_for(lambda: scalar(d, "SELECT status FROM import_batches WHERE id = :b", b=batch) == "checked", 180,
             "the worker to check the file")
    confirmed, _ = b.request("confirm", "POST", f"/manage/campaigns/{campaign}/imports/{batch}/confirm")
    assert confirmed.status_code == 303                   # confirmed through the other server
    wait_for(lambda: scalar(d, "SELECT status FROM import_batches WHERE id = :b", b=batch) == "applied", 180,
             "a worker to load the file")
    assert scalar(d, "SELECT count(*) FROM debtor_accounts WHERE campaign_id = :c", c=campaign) == 9_000
    assert scalar(d, "SELECT sum(outstanding_cents) FROM invoices WHERE campaign_id = :c", c=campaign) == total
    assert scalar(d, "SELECT count(*) FROM audit_log WHERE action = 'import.apply'") == 1     # done once


def test_a_recap_asked_through_one_server_is_written_by_a_worker_and_downloaded_through_the_other(deployment):
    d, campaign = deployment, deployment["campaign"]
    a, b = manager_on(d["apps"][0], d), manager_on(d["apps"][1], d)
    started, _ = b.request("export", "POST", f"/campaigns/{campaign}/supervision/recap/background")
    assert started.status_code == 303
    status_url = started.headers["Location"].replace(d["apps"][1], "")
    wait_for(lambda: "/file" in a.request("page", "GET", status_url)[0].text, 180, "the recap to be written")
    download, _ = a.request("download", "GET", status_url + "/file")
    assert download.status_code == 200 and download.content[:2] == b"PK"
    assert len(list((d["work"] / "exports").glob(f"recap-{campaign}-*.xlsx"))) == 1


def test_negotiators_on_both_servers_record_each_call_exactly_once(deployment):
    d, campaign = deployment, deployment["campaign"]
    if not scalar(d, "SELECT count(*) FROM debtor_accounts WHERE campaign_id = :c", c=campaign):
        pytest.skip("needs the loaded file of the first test")
    flask(d["env"], "campaign", "start", str(campaign))
    assert open_calling_now(d["apps"][0], campaign, d["manager"], PASSWORD) == 303
    log, lock = Log(), threading.Lock()
    stop_at = time.time() + 8
    threads = [threading.Thread(target=negotiator, args=(base, campaign, email, PASSWORD, stop_at, 0.2, i, log,
                                                         lock))
               for i, (base, email) in enumerate(zip(d["apps"], d["emails"]))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not log.problems, log.problems
    assert len(log.acked) > 4
    keys = [key for key, *_ in log.acked]
    recorded = scalar(d, "SELECT count(*) FROM call_attempts WHERE campaign_id = :c", c=campaign)
    assert len(keys) <= recorded <= len(keys) + len(log.unconfirmed)
    with d["engine"].connect() as conn:
        twice = conn.execute(sa.text("SELECT request_key FROM call_attempts WHERE request_key IS NOT NULL "
                                     "GROUP BY request_key HAVING count(*) > 1")).all()
        stored = set(conn.execute(sa.text("SELECT request_key FROM call_attempts")).scalars())
    assert not twice and set(keys) <= stored
