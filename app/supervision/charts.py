"""Geometry of the small server-rendered SVG charts: plain numbers for the templates to draw."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Bar:
    label: str
    value: int
    size: float        # length in chart units
    offset: float      # position along the category axis
    second: float = 0  # an optional second series (e.g. completed calls)


def hbars(items, width: float = 260.0, row: float = 22.0) -> list[Bar]:
    """Horizontal bars for (label, value) pairs, scaled to the largest value."""
    items = list(items)
    top = max((abs(v) for _, v in items), default=0) or 1
    return [Bar(label, value, width * abs(value) / top, i * row) for i, (label, value) in enumerate(items)]


def columns(items, height: float = 120.0, step: float = 28.0) -> list[Bar]:
    """Vertical columns for (label, value[, second]) tuples, scaled to the largest value."""
    items = [tuple(i) for i in items]
    top = max((max(abs(t[1]), abs(t[2]) if len(t) > 2 else 0) for t in items), default=0) or 1
    return [Bar(t[0], t[1], height * abs(t[1]) / top, i * step,
                height * abs(t[2]) / top if len(t) > 2 else 0) for i, t in enumerate(items)]
