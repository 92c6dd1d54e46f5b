"""Calling hours of a campaign (Europe/Paris by default) and French public holidays.

``Campaign.calling_hours`` = {"days": [0..6 Monday=0], "windows": [["09:00", "12:30"], ...],
"exclude_holidays": true}. All functions take and return timezone-aware UTC datetimes.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from .models.campaign import default_calling_hours


@lru_cache(maxsize=64)
def _french_holidays(year: int):
    return holidays.country_holidays("FR", years=year)


def is_holiday(day: date) -> bool:
    return day in _french_holidays(day.year)


def _hours(source) -> dict:
    if source is None:
        return default_calling_hours()
    if isinstance(source, dict):
        return source
    return getattr(source, "calling_hours", None) or default_calling_hours()


def _tz(source) -> ZoneInfo:
    return ZoneInfo(getattr(source, "timezone", None) or "Europe/Paris")


def parse_clock(text: str) -> time:
    """``HH:MM`` on a 24-hour clock; ``24:00`` is the end of the day. ValueError otherwise."""
    if text == "24:00":
        return time.max
    if len(text) != 5 or text[2] != ":":
        raise ValueError(f"not a HH:MM time: {text!r}")
    return time.fromisoformat(text)


def _windows(hours: dict) -> list[tuple[time, time]]:
    out = []
    for start, end in hours.get("windows") or []:
        out.append((parse_clock(start), parse_clock(end)))
    return sorted(out)


def is_open_day(source, day: date) -> bool:
    hours = _hours(source)
    if day.weekday() not in (hours.get("days") or []):
        return False
    return not (hours.get("exclude_holidays", True) and is_holiday(day))


def is_open(source, at: datetime) -> bool:
    """Whether ``at`` falls inside the campaign's calling hours (``source``: a Campaign or a dict)."""
    local = at.astimezone(_tz(source))
    if not is_open_day(source, local.date()):
        return False
    t = local.time().replace(tzinfo=None)
    return any(start <= t < end for start, end in _windows(_hours(source)))


def next_open(source, after: datetime, horizon_days: int = 60) -> datetime | None:
    """The first instant at or after ``after`` inside calling hours (UTC), None if none within the horizon."""
    tz = _tz(source)
    hours = _hours(source)
    windows = _windows(hours)
    if not windows:
        return None
    local = after.astimezone(tz)
    day = local.date()
    for _ in range(horizon_days + 1):
        if is_open_day(hours, day):
            for start, end in windows:
                begin = datetime.combine(day, start, tz)
                finish = datetime.combine(day, end, tz)
                if local < finish:
                    return max(local, begin).astimezone(timezone.utc)
        day += timedelta(days=1)
        local = datetime.combine(day, time(0), tz)
    return None
