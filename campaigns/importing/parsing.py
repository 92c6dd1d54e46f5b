"""Amounts, dates and identifiers as clients write them, parsed to cents, dates and clean text."""
from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime, timedelta

EXCEL_EPOCH = date(1899, 12, 30)
_SPACES = str.maketrans("", "", " \u00a0\u202f\t€$£")
_AMOUNT = re.compile(r"^[+-]?\d+(\.\d+)?$")
MAX_WHOLE_DIGITS = 12   # a trillion: beyond any invoice, and far below the database's integer limit
_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
# "15 Oct 2026", "15-Oct-2026", "3 janv. 2026", "Oct 15, 2026": reports in words (Xero, QuickBooks, French tools).
_WORDS = re.compile(r"^(\d{1,2})[ -]([^\W\d_]{3,9})\.?[ -](\d{4})$|^([^\W\d_]{3,9})\.? (\d{1,2}),? (\d{4})$")
_MONTHS = {name: n for n, names in enumerate((
    ("jan", "janv", "january", "janvier"), ("feb", "fev", "fevr", "february", "fevrier"), ("mar", "mars", "march"),
    ("apr", "avr", "april", "avril"), ("may", "mai"), ("jun", "juin", "june"), ("jul", "juil", "july", "juillet"),
    ("aug", "aou", "aout", "august"), ("sep", "sept", "september", "septembre"), ("oct", "october", "octobre"),
    ("nov", "november", "novembre"), ("dec", "december", "decembre")), start=1) for name in names}


class Unreadable(ValueError):
    """A cell that cannot be read as the column's type."""


def text(cell) -> str:
    """A cell as clean text; whole floats from spreadsheets lose their '.0'."""
    if cell is None:
        return ""
    if isinstance(cell, float):
        return str(int(cell)) if cell.is_integer() else repr(cell)
    if isinstance(cell, datetime):
        return cell.strftime("%d/%m/%Y")
    if isinstance(cell, date):
        return cell.strftime("%d/%m/%Y")
    return str(cell).strip()


def amount_cents(cell) -> int:
    """1234.56, 1 234,56, 1.234,56, 1 234,56 €, (120,00) and -120,00 all become cents."""
    if isinstance(cell, bool):
        raise Unreadable(cell)
    if isinstance(cell, (int, float)):
        if not math.isfinite(cell) or abs(cell) >= 10 ** MAX_WHOLE_DIGITS:
            raise Unreadable(cell)
        return cell * 100 if isinstance(cell, int) else round(cell * 100)
    raw = str(cell).strip()
    s = raw.translate(_SPACES)
    negative = False
    if s.startswith("(") and s.endswith(")"):
        negative, s = True, s[1:-1]
    if s.endswith("-"):
        negative, s = True, s[:-1]
    if "," in s and "." in s:
        # The last one is the decimal mark: 1.234,56 or 1,234.56.
        if s.rfind(",") > s.rfind("."):
            s = s.replace(".", "").replace(",", ".")
        else:
            s = s.replace(",", "")
    elif "," in s:
        head, _, tail = s.rpartition(",")
        s = s.replace(",", "") if (len(tail) == 3 and s.count(",") > 1) else head.replace(",", "") + "." + tail
    elif s.count(".") > 1:
        s = s.replace(".", "")
    if len(s) > 40 or not _AMOUNT.match(s):
        raise Unreadable(raw)
    whole, _, frac = s.lstrip("+").partition(".")
    sign = -1 if whole.startswith("-") else 1
    whole = whole.lstrip("-").lstrip("0")
    if len(whole) > MAX_WHOLE_DIGITS:
        raise Unreadable(raw)
    if len(frac) > 2 and frac[2:].strip("0"):
        # More than cents: round half away from zero.
        cents = int(whole or 0) * 100 + int(frac[:2]) + (1 if int(frac[2]) >= 5 else 0)
    else:
        cents = int(whole or 0) * 100 + int((frac + "00")[:2])
    cents *= sign
    return -abs(cents) if negative else cents


def parse_date(cell, us: bool = False) -> date:
    """dd/mm/yyyy, dd/mm/yy, yyyy-mm-dd, spreadsheet dates and Excel serial numbers; mm/dd when ``us``."""
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    if isinstance(cell, (int, float)) and not isinstance(cell, bool):
        if 20000 < cell < 80000:
            return EXCEL_EPOCH + timedelta(days=int(cell))
        raise Unreadable(cell)
    s = str(cell).strip()
    m = _DMY.match(s)
    try:
        if m:
            a, b, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
            if y < 100:
                y += 2000 if y < 70 else 1900
            day, month = (b, a) if us else (a, b)
            return date(y, month, day)
        m = _ISO.match(s)
        if m:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if s.isdigit() and 20000 < int(s) < 80000:
            return EXCEL_EPOCH + timedelta(days=int(s))
        m = _WORDS.match(s)
        if m:
            day, name, year = (m.group(1), m.group(2), m.group(3)) if m.group(1) else (m.group(5), m.group(4),
                                                                                          m.group(6))
            month = _MONTHS.get(_plain(name.lower()))
            if month:
                return date(int(year), month, int(day))
    except ValueError:
        raise Unreadable(s) from None
    raise Unreadable(s)


def _plain(word: str) -> str:
    return unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode()


def normalise_name(name: str) -> str:
    """A company name for grouping: lower case, no accents, no punctuation, no legal form."""
    s = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    s = re.sub(r"[^a-z0-9]+", " ", s)
    words = [w for w in s.split() if w not in {"sarl", "sas", "sa", "eurl", "sasu", "sci", "snc", "ste", "societe"}]
    return " ".join(words)


def siren(cell) -> str | None:
    """Nine digits (the first nine of a SIRET), else None."""
    digits = re.sub(r"\D", "", text(cell))
    return digits[:9] if len(digits) in (9, 14) else None
