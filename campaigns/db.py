"""Engines and sessions for SQLite (embedded default) and PostgreSQL (production)."""
from __future__ import annotations

import functools
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker


def _local_date(stamp: str | None, zone: str) -> str | None:
    """SQLite has no time zones: the calendar day (ISO) of a stored UTC timestamp in ``zone``."""
    if stamp is None:
        return None
    try:
        moment = datetime.fromisoformat(stamp).replace(tzinfo=timezone.utc)
        return moment.astimezone(ZoneInfo(zone)).date().isoformat()
    except (ValueError, KeyError):
        return None


def _sqlite_pragmas(dbapi_connection, _record):
    dbapi_connection.create_function("local_date", 2, _local_date, deterministic=True)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def make_engine(url: str, **kwargs) -> sa.Engine:
    """An engine for ``url`` with the settings each backend needs."""
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {"check_same_thread": False, "timeout": 10})
        engine = sa.create_engine(url, **kwargs)
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    return sa.create_engine(url, **kwargs)


def make_session_factory(engine: sa.Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded objects usable after commit (views render after committing)."""
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    sa.event.listen(factory, "before_flush", _texts_fit_their_columns)
    from .evidence import chain  # the domain's models import this module
    chain.watch(factory)
    return factory


@functools.cache
def _bounded_texts(mapper) -> tuple[tuple[str, int], ...]:
    return tuple((attr.key, column.type.length) for attr in mapper.column_attrs for column in attr.columns
                 if isinstance(column.type, sa.String) and column.type.length)


def _texts_fit_their_columns(session: Session, _context, _instances) -> None:
    """A text longer than its column is refused the same way on both databases (SQLite would keep it whole,
    PostgreSQL would fail the transaction): as an input error, before anything is written."""
    from .errors import N_, DomainError
    for obj in (*session.new, *session.dirty):
        for key, length in _bounded_texts(sa.inspect(obj).mapper):
            value = obj.__dict__.get(key)
            if isinstance(value, str) and len(value) > length:
                raise DomainError(N_("A value typed is longer than the {n} characters allowed: shorten it and "
                                     "send it again."), n=length)


def is_postgres(session_or_engine) -> bool:
    bind = session_or_engine.get_bind() if isinstance(session_or_engine, Session) else session_or_engine
    return bind.dialect.name == "postgresql"
