"""Small portable SQL pieces (SQLite and PostgreSQL)."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session


def dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def day_of(session: Session, column):
    """The calendar day of a timestamp: in Europe/Paris on PostgreSQL, in UTC on SQLite (no time zones)."""
    if dialect(session) == "postgresql":
        return sa.cast(sa.func.timezone("Europe/Paris", column), sa.Date)
    return sa.func.date(column)


def text_agg(session: Session, column, separator: str = ", "):
    """Aggregate text values into one string."""
    if dialect(session) == "postgresql":
        return sa.func.string_agg(column, separator)
    return sa.func.group_concat(column, separator)


def epoch_seconds(session: Session, column):
    """A timestamp as seconds since 1970 (for spans of time)."""
    if dialect(session) == "postgresql":
        return sa.func.extract("epoch", column)
    return sa.cast(sa.func.strftime("%s", column), sa.Integer)
