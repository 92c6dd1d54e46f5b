"""The one clock: "now" in UTC, and days and mornings in the campaign's own time zone."""
from __future__ import annotations

from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

DEFAULT_TIMEZONE = "Europe/Paris"


def now(at: datetime | None = None) -> datetime:
    """``at`` when a caller injects a moment (tests, replays), else the current instant in UTC."""
    return at or datetime.now(timezone.utc)


def zone(campaign=None) -> ZoneInfo:
    """The campaign's time zone (Europe/Paris when it names none)."""
    return ZoneInfo(getattr(campaign, "timezone", None) or DEFAULT_TIMEZONE)


def today(campaign=None, at: datetime | None = None) -> date:
    """The calendar day it is in the campaign's time zone."""
    return now(at).astimezone(zone(campaign)).date()


def morning(campaign, day: date, hour: int = 9) -> datetime:
    """Nine o'clock (local) on ``day``, as a UTC instant: when a dated follow-up comes back to the queue."""
    return datetime.combine(day, time(hour, 0), zone(campaign)).astimezone(timezone.utc)
