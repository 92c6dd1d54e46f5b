"""Shared fixtures: throw-away databases (SQLite and PostgreSQL), the app, and factories.

Database tests take the ``db_url`` fixture (directly or through ``session``/``app``) and run
once per backend: SQLite always, PostgreSQL when one is reachable (TEST_DATABASE_URL, by
default the local server as user postgres). Each test run creates its own PostgreSQL
database and drops it at the end; each test starts from empty tables.
"""
from __future__ import annotations

import os
import tempfile
import uuid

import pytest
import sqlalchemy as sa

from campaigns.db import make_engine, make_session_factory
from campaigns.models import Base

pytest_plugins = ["tests.factories"]

# Jobs a test enqueues without running them go to a throw-away store, never to instance/jobs.db
# where a developer's worker would pick them up.
# One store per test process: xdist workers inherit the controller's environment, and tests that flush the
# store would empty each other's.
if os.environ.get("PYTEST_XDIST_WORKER") or "JOBS_DB" not in os.environ:
    os.environ["JOBS_DB"] = os.path.join(tempfile.mkdtemp(prefix="relance-jobs-"), "jobs.db")

PG_ADMIN_URL = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def _postgres_reachable() -> str | None:
    """None when reachable, else the reason it is not."""
    try:
        engine = sa.create_engine(PG_ADMIN_URL, connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
        return None
    except Exception as exc:  # noqa: BLE001 - any failure means "skip with this reason"
        return f"PostgreSQL not reachable at {PG_ADMIN_URL}: {exc.__class__.__name__}: {str(exc).splitlines()[0]}"


@pytest.fixture(scope="session")
def postgres_url():
    """A fresh PostgreSQL database for this test run, migrated to head; dropped afterwards."""
    reason = _postgres_reachable()
    if reason:
        pytest.skip(reason)
    name = f"relance_test_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    _create_schema(url)
    yield url
    with admin.connect() as conn:
        conn.execute(sa.text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n AND pid <> pg_backend_pid()"),
            {"n": name})
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
    admin.dispose()


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory):
    """A SQLite file for this test run, migrated to head."""
    url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'relance.db'}"
    _create_schema(url)
    return url


def _create_schema(url: str) -> None:
    """The schema from the models (tests/integration/test_migrations.py proves the migrations agree)."""
    engine = make_engine(url)
    Base.metadata.create_all(engine)
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request):
    """Each database test runs on both backends; each starts with empty tables."""
    url = request.getfixturevalue(f"{request.param}_url")
    yield url
    _empty_all_tables(url)


@pytest.fixture
def pg_url(postgres_url):
    """For tests that only make sense on PostgreSQL (row locks, concurrency)."""
    yield postgres_url
    _empty_all_tables(postgres_url)


_engines: dict[str, sa.Engine] = {}


def engine_for(url: str) -> sa.Engine:
    if url not in _engines:
        _engines[url] = make_engine(url)
    return _engines[url]


def _empty_all_tables(url: str) -> None:
    engine = engine_for(url)
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(sa.text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
        else:
            for t in tables:
                conn.execute(sa.text(f'DELETE FROM "{t}"'))


@pytest.fixture
def engine(db_url):
    return engine_for(db_url)


@pytest.fixture
def session(engine):
    """A session on the test database; whatever the test leaves uncommitted is rolled back."""
    s = make_session_factory(engine)()
    yield s
    s.rollback()
    s.close()


@pytest.fixture
def app(db_url, tmp_path):
    from app import create_app

    app = create_app({
        "TESTING": True,
        "DATABASE_URL": db_url,
        "SECRET_KEY": "test-secret-key",
        "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        "EXPORT_FOLDER": str(tmp_path / "exports"),
    })
    yield app
    app.extensions["relance_engine"].dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def db(app):
    """A session on the app's database, for preparing data and checking what requests wrote.

    No app context stays pushed: requests must not share ``g`` with the test.
    """
    s = app.extensions["relance_sessions"]()
    yield s
    s.close()
