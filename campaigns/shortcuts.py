"""What an agent types in a date or time field, read the way it means it (one definition for every field;
``app/static/js/console.js`` shows the same reading beside the field as the agent types).

Dates: ``24/12/2026``, ``24/12/26``, ``2026-12-24``; ``15/12`` (the next 15 December, today included);
``+7`` (in seven days); ``lun`` / ``mon`` … (the next Monday, never today); ``auj`` / ``today``,
``dem`` / ``demain`` / ``tomorrow``.
Times: ``10`` → 10:00, ``1430`` → 14:30, ``9h``, ``14h30``, ``14:30``.
A plan: ``3x15/12`` or ``3 mensualités à partir du 15/12`` → three monthly instalments from 15 December.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time, timedelta

WEEKDAYS = {"lun": 0, "mar": 1, "mer": 2, "jeu": 3, "ven": 4, "sam": 5, "dim": 6,
            "mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
TODAY_WORDS = {"auj", "aujourd'hui", "aujourdhui", "today", "0"}
TOMORROW_WORDS = {"dem", "demain", "tomorrow", "tom"}


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    return " ".join(text.lower().split())


def day(text: str | None, today: date) -> date | None:
    """The date the agent meant; None when empty; ValueError when it means nothing."""
    raw = (text or "").strip()
    if not raw:
        return None
    plain = _plain(raw)
    if plain in TODAY_WORDS:
        return today
    if plain in TOMORROW_WORDS:
        return today + timedelta(days=1)
    if re.fullmatch(r"\+\s?\d{1,3}", plain):
        return today + timedelta(days=int(plain[1:]))
    if plain[:3] in WEEKDAYS and re.fullmatch(r"[a-z]{3,9}\.?", plain):
        ahead = (WEEKDAYS[plain[:3]] - today.weekday()) % 7 or 7
        return today + timedelta(days=ahead)
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d.%m.%Y", "%d-%m-%Y"):
        try:
            return datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    short = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})", raw)
    if short:
        d, m = int(short.group(1)), int(short.group(2))
        for year in range(today.year, today.year + 5):      # 29/02: the next leap year
            try:
                candidate = date(year, m, d)
            except ValueError:
                continue
            if candidate >= today:
                return candidate
    raise ValueError(raw)


def clock_time(text: str | None) -> time | None:
    """The time the agent meant; None when empty; ValueError when it means nothing."""
    raw = _plain(text or "").replace(" ", "")
    if not raw:
        return None
    match = (re.fullmatch(r"(\d{1,2})", raw) or re.fullmatch(r"(\d{1,2})[h:.]?(\d{2})", raw)
             or re.fullmatch(r"(\d{1,2})h", raw))
    if not match:
        raise ValueError(text)
    hour = int(match.group(1))
    minute = int(match.group(2)) if match.lastindex and match.lastindex >= 2 else 0
    if hour > 23 or minute > 59:
        raise ValueError(text)
    return time(hour, minute)


_PLAN = re.compile(r"^(\d{1,2})\s*(?:x|fois|mensualites?|echeances?|instalments?|payments?)\s*"
                   r"(?:a partir du|a partir de|des le|du|from|starting)?\s*(.+)$")


def plan(text: str | None, today: date) -> tuple[int, date] | None:
    """``3x15/12`` → (3, the next 15 December); None when the text is not a plan."""
    match = _PLAN.match(_plain(text or ""))
    if not match:
        return None
    count = int(match.group(1))
    if not 2 <= count <= 24:
        return None
    try:
        first = day(match.group(2), today)
    except ValueError:
        return None
    return (count, first) if first else None


def monthly(first: date, count: int) -> list[date]:
    """``count`` dates a month apart from ``first`` (the 31st becomes the month's last day)."""
    import calendar
    dates = []
    for n in range(count):
        month = first.month - 1 + n
        year, month = first.year + month // 12, month % 12 + 1
        dates.append(date(year, month, min(first.day, calendar.monthrange(year, month)[1])))
    return dates


def split(total_cents: int, count: int) -> list[int]:
    """Equal instalments to the cent; the last takes what rounding leaves."""
    share = total_cents // count
    return [share] * (count - 1) + [total_cents - share * (count - 1)]
