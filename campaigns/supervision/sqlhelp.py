"""Small portable SQL pieces (SQLite and PostgreSQL)."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..clock import DEFAULT_TIMEZONE


def dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def day_of(session: Session, column, zone: str = DEFAULT_TIMEZONE):
    """The calendar day of a timestamp in ``zone`` (the campaign's time zone), the same on both databases
    (SQLite through the ``local_date`` function ``campaigns.db`` gives each connection)."""
    if dialect(session) == "postgresql":
        return sa.cast(sa.func.timezone(zone, column), sa.Date)
    return sa.func.local_date(column, zone)


def text_agg(session: Session, column, separator: str = ", "):
    """Aggregate text values into one string."""
    if dialect(session) == "postgresql":
        return sa.func.string_agg(column, separator)
    return sa.func.group_concat(column, separator)


def seconds_between(session: Session, later, earlier):
    """``later - earlier`` in seconds, with their fractions (julianday on SQLite: exact to the millisecond)."""
    if dialect(session) == "postgresql":
        return sa.func.extract("epoch", later - earlier)
    return (sa.func.julianday(later) - sa.func.julianday(earlier)) * 86400.0


def epoch_seconds(session: Session, column):
    """A timestamp as seconds since 1970 (for spans of time)."""
    if dialect(session) == "postgresql":
        return sa.func.extract("epoch", column)
    return sa.cast(sa.func.strftime("%s", column), sa.Integer)
