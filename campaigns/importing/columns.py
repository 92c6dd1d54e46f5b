"""Whole-column parsing for large files: pandas does the common shapes at C speed, the rest falls back per cell.

Each function returns one value per cell, or None where the fast path could not decide (the caller then
uses the per-cell parser in ``parsing``, which also produces the reason a manager reads).
"""
from __future__ import annotations

import pandas as pd

from .parsing import text

_NOISE = r"[\s\x{00a0}\x{202f}€]"
ARROW = "string[pyarrow]"


def all_text(cells: list) -> bool:
    """Every cell is a string (a text file's, or a workbook column with no number or date in it)."""
    return set(map(type, cells)) <= {str}


def texts(cells: list) -> list[str]:
    """Clean text of every cell."""
    if all_text(cells):
        return list(map(str.strip, cells))  # the same string object when there is nothing to strip
    return [text(c) for c in cells]


def month_first(texts_: list[str]) -> bool:
    """More dates with a second part above 12 than with a first part above 12: the column is month-first."""
    # Judged on the distinct dates, each counted as often as it occurs (a column holds a few hundred dates).
    counts = pd.Series(texts_, dtype=object).value_counts()
    parts = pd.Series(counts.index, dtype=ARROW).str.extract(r"^(\d{1,2})[/.-](\d{1,2})[/.-]\d{2,4}$")
    weights = counts.to_numpy()
    first = pd.to_numeric(parts[0], errors="coerce").to_numpy()
    second = pd.to_numeric(parts[1], errors="coerce").to_numpy()
    return int(weights[second > 12].sum()) > int(weights[first > 12].sum())


def amounts(cells: list, texts_: list[str]) -> list[int | None]:
    """Cents for plain decimals (1 234,56 / 1234.56 / -12,00); None for anything else (parsed per cell)."""
    if not all_text(cells):
        return [None] * len(cells)
    s = pd.Series(texts_, dtype=ARROW).str.replace(_NOISE, "", regex=True)
    # At most 12 whole digits (parsing.MAX_WHOLE_DIGITS): longer ones go to the per-cell parser, which rejects them.
    comma = s.str.fullmatch(r"-?\d{1,12}(,\d{1,2})?")
    point = s.str.fullmatch(r"-?\d{1,12}(\.\d{1,2})?")
    s = s.str.replace(",", ".", regex=False).where(comma | point, None)
    numbers = pd.to_numeric(s, errors="coerce").astype("float64")
    cents = (numbers * 100).round()
    return [None if v != v else int(v) for v in cents.tolist()]


def dates(cells: list, texts_: list[str], us: bool) -> list:
    """dates for dd/mm/yyyy (or mm/dd/yyyy when ``us``); None where the fast path failed."""
    if not all_text(cells):
        return [None] * len(cells)
    parsed = pd.to_datetime(pd.Series(texts_, dtype=object), format="%m/%d/%Y" if us else "%d/%m/%Y",
                            errors="coerce")
    # One object per distinct date (a column holds a few hundred): a million invoices share them.
    shared: dict = {}
    return [None if v is pd.NaT or v != v else shared.setdefault(v, v) for v in parsed.dt.date.tolist()]
