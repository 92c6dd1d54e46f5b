"""The one clock: "now" in UTC, and days and mornings in the campaign's own time zone."""
from __future__ import annotations

from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

DEFAULT_TIMEZONE = "Europe/Paris"


_source = None   # a callable giving the instant, put in place by ``use`` (tests that move time on)


def now(at: datetime | None = None) -> datetime:
    """``at`` when a caller injects a moment (tests, replays), else the current instant in UTC."""
    if at is not None:
        return at
    return _source() if _source is not None else datetime.now(timezone.utc)


def use(source) -> None:
    """Take "now" from ``source`` (a callable returning an aware datetime) everywhere the app asks the
    clock, or from the system again with ``None``. For tests that work a shift through time in a browser."""
    global _source
    _source = source


def zone(campaign=None) -> ZoneInfo:
    """The campaign's time zone (Europe/Paris when it names none)."""
    return ZoneInfo(getattr(campaign, "timezone", None) or DEFAULT_TIMEZONE)


def today(campaign=None, at: datetime | None = None) -> date:
    """The calendar day it is in the campaign's time zone."""
    return now(at).astimezone(zone(campaign)).date()


def morning(campaign, day: date, hour: int = 9) -> datetime:
    """Nine o'clock (local) on ``day``, as a UTC instant: when a dated follow-up comes back to the queue."""
    return datetime.combine(day, time(hour, 0), zone(campaign)).astimezone(timezone.utc)
