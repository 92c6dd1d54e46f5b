"""Faults: a real job worker killed with SIGKILL, a PostgreSQL database that drops or refuses connections.

Everything here runs on the run's throw-away PostgreSQL database (``pg_url``); the PostgreSQL service
itself is never touched: other people use it.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.browser.conftest import LiveServer
from tests.browser.conftest import browser_context_args, browser_type_launch_args  # noqa: F401  chromium set-up
from tests.conftest import PG_ADMIN_URL
from tests.factories import Factory, WebClient

ROOT = Path(__file__).resolve().parents[2]


def wait_until(condition, what: str, timeout: float = 60):
    """Poll ``condition`` until it is true; fail the test with ``what`` if it never becomes so."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting: {what}")
        time.sleep(0.05)


@pytest.fixture
def pg_app(pg_url, tmp_path):
    from app import create_app

    app = create_app({"TESTING": True, "DATABASE_URL": pg_url, "SECRET_KEY": "test-secret-key",
                      "UPLOAD_FOLDER": str(tmp_path / "uploads"), "EXPORT_FOLDER": str(tmp_path / "exports")})
    yield app
    app.extensions["relance_engine"].dispose()


@pytest.fixture
def pg_session(pg_app):
    """A session on the app's database, for preparing data and checking what requests and workers wrote."""
    session = pg_app.extensions["relance_sessions"]()
    yield session
    session.close()


@pytest.fixture
def pg_make(pg_session):
    return Factory(pg_session)


@pytest.fixture
def pg_web(pg_app):
    return WebClient(pg_app.test_client(), pg_app)


@pytest.fixture
def admin():
    """An AUTOCOMMIT connection to the server's maintenance database, to act on the test database from outside."""
    engine = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        yield conn
    engine.dispose()


def database_name(url: str) -> str:
    return sa.make_url(url).database


class Workers:
    """``python -m app.worker`` processes sharing a throw-away job store with the web app of the test."""

    def __init__(self, store: Path, database_url: str, logs: Path, exports: Path):
        self.store, self.database_url, self.logs, self.exports = store, database_url, logs, exports
        self.processes: list[subprocess.Popen] = []

    def start(self) -> subprocess.Popen:
        env = {**os.environ, "JOBS_DB": str(self.store), "DATABASE_URL": self.database_url,
               "EXPORT_FOLDER": str(self.exports),
               "JOB_HEARTBEAT_SECONDS": "0.5", "LOG_LEVEL": "INFO", "PYTHONUNBUFFERED": "1"}
        log = open(self.logs / f"worker-{len(self.processes) + 1}.log", "w")
        process = subprocess.Popen([sys.executable, "-m", "app.worker"], cwd=ROOT, env=env,
                                   stdout=log, stderr=subprocess.STDOUT)
        log.close()
        self.processes.append(process)
        return process

    def kill(self, process: subprocess.Popen) -> None:
        """SIGKILL: the worker gets no chance to clean up, as when the machine runs out of memory."""
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)

    def log(self, process: subprocess.Popen) -> str:
        return (self.logs / f"worker-{self.processes.index(process) + 1}.log").read_text()

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


@pytest.fixture
def workers(pg_url, tmp_path):
    """Real worker processes; the test's web app enqueues into their store (not the suite's shared one)."""
    from huey.storage import SqliteStorage

    from app.worker import huey
    store = tmp_path / "jobs.db"
    shared = huey.storage
    huey.storage = SqliteStorage(huey.name, filename=str(store))
    logs = tmp_path / "logs"
    logs.mkdir()
    pool = Workers(store, pg_url, logs, tmp_path / "exports")  # the folder of the test's app (pg_app)
    yield pool
    pool.stop_all()
    huey.storage = shared


def backend_waiting_on_a_lock(admin, url: str, statement: str) -> int | None:
    """The pid of the server process running ``statement`` (a prefix) that waits for a lock, if any."""
    return admin.execute(sa.text(
        "SELECT pid FROM pg_stat_activity WHERE datname = :db AND wait_event_type = 'Lock' AND query ILIKE :q"),
        {"db": database_name(url), "q": statement + "%"}).scalar()


def backend_gone(admin, pid: int) -> bool:
    return admin.execute(sa.text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid}).scalar() == 0


class Outage:
    """The test database as seen during a restart: every connection dropped, then none accepted for a while."""

    def __init__(self, admin, url: str):
        self.admin, self.name = admin, database_name(url)

    def drop_connections(self, pid: int | None = None) -> int:
        """What a restart does to the app's pooled connections: the server ends them (or only ``pid``'s)."""
        return len(self.admin.execute(sa.text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :db AND pid <> pg_backend_pid()"
            " AND (CAST(:pid AS integer) IS NULL OR pid = :pid)"), {"db": self.name, "pid": pid}).all())

    def refuse_new_connections(self) -> None:
        self.admin.execute(sa.text(f'ALTER DATABASE "{self.name}" ALLOW_CONNECTIONS false'))

    def begin(self) -> None:
        self.refuse_new_connections()
        self.drop_connections()

    def end(self) -> None:
        self.admin.execute(sa.text(f'ALTER DATABASE "{self.name}" ALLOW_CONNECTIONS true'))


@pytest.fixture
def outage(admin, pg_url):
    """Drop the test database's connections or refuse new ones; always accepting them again afterwards."""
    o = Outage(admin, pg_url)
    yield o
    o.end()


@pytest.fixture
def pg_live_server(pg_url, tmp_path):
    """The app served from a thread on the run's PostgreSQL database, for browser tests of database faults."""
    import threading

    from werkzeug.serving import make_server

    from app import create_app
    app = create_app({"DATABASE_URL": pg_url, "SECRET_KEY": "browser-test-key",
                      "UPLOAD_FOLDER": str(tmp_path / "uploads"), "EXPORT_FOLDER": str(tmp_path / "exports")})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    session = app.extensions["relance_sessions"]()
    yield LiveServer(f"http://127.0.0.1:{server.server_port}", app, session, Factory(session))
    server.shutdown()
    session.close()
    app.extensions["relance_engine"].dispose()
