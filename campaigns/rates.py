"""Published interest rates administrators maintain: the legal interest rate and the ECB's main refinancing
rate, by half-year, each with where it was published (see ../shared/LEGAL-FR.md).

The late-payment default is the ECB rate of the half-year plus 10 points (``campaigns.penalties``); the floor
of a terms-of-sale rate is three times the legal rate (``campaigns.client_settings``).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from sqlalchemy.orm import Session

from . import audit
from .errors import N_, DomainError, ValidationError
from .models import LegalRate
from .penalties import LEGAL_MARGIN

KINDS = {"legal": LegalRate.LEGAL_INTEREST, "ecb": LegalRate.ECB_REFI}
MAX_SOURCE = 300


def parse_half_year(text: str) -> date:
    """'2026-H2' (or '2026 S2', '2026-2') -> 1 July 2026; ValueError when it is not a half-year."""
    cleaned = (text or "").strip().upper().replace(" ", "-").replace("S", "H")
    year, _, half = cleaned.partition("-")
    half = half.lstrip("H")
    if not (year.isdigit() and len(year) == 4 and half in ("1", "2")):
        raise ValueError(text)
    return date(int(year), 1 if half == "1" else 7, 1)


def percent_text(value: Decimal) -> str:
    """2.150 -> '2,15'; 2.125 -> '2,125' (the French way, two decimals at least)."""
    cents = value.quantize(Decimal("0.01"))
    shown = cents if cents == value else value.normalize()
    return f"{shown}".replace(".", ",")


def half_year_label(starts_on: date) -> str:
    return f"{starts_on.year}-H{1 if starts_on.month == 1 else 2}"


def parse_rate(text: str) -> Decimal:
    """'2,15', '2.15 %' -> Decimal('2.15'); ValueError when it is not a plausible yearly percentage."""
    try:
        value = Decimal((text or "").replace(",", ".").replace("%", "").replace("\u00a0", "").strip())
    except InvalidOperation:
        raise ValueError(text) from None
    if not value.is_finite() or not Decimal(-5) < value < Decimal(50) or value != value.quantize(Decimal("0.001")):
        raise ValueError(text)
    return value


def add_rate(session: Session, user_id: int | None, kind: str, half_year: str, rate: str, source: str) -> LegalRate:
    """Record one half-year's rate; ``ValidationError`` naming each wrong field, nothing written then."""
    errors = {}
    if kind not in KINDS:
        errors["kind"] = DomainError(N_("Choose the legal interest rate or the ECB rate."), field="kind")
    try:
        starts_on = parse_half_year(half_year)
    except ValueError:
        starts_on = None
        errors["half_year"] = DomainError(N_("The half-year is written YYYY-H1 or YYYY-H2, such as 2027-H1."),
                                          field="half_year")
    try:
        value = parse_rate(rate)
    except ValueError:
        value = None
        errors["rate"] = DomainError(N_("The rate is a yearly percentage between -5 and 50, such as 2,15."),
                                     field="rate")
    source = "".join(ch for ch in (source or "") if ch.isprintable()).strip()
    if not source:
        errors["source"] = DomainError(N_("Say where the rate was published (the ECB decision, the order)."),
                                       field="source")
    elif len(source) > MAX_SOURCE:
        errors["source"] = DomainError(N_("The source is too long (at most {n} characters)."), field="source",
                                       n=MAX_SOURCE)
    if starts_on and kind in KINDS:
        existing = session.scalar(sa.select(LegalRate).where(LegalRate.kind == KINDS[kind],
                                                             LegalRate.starts_on == starts_on))
        if existing is not None:
            errors["half_year"] = DomainError(N_("This rate is already recorded for {half} ({rate} %)."),
                                              field="half_year", half=half_year_label(starts_on),
                                              rate=percent_text(existing.rate))
    if errors:
        raise ValidationError(errors)
    row = LegalRate(kind=KINDS[kind], starts_on=starts_on, rate=value, source=source)
    session.add(row)
    session.flush()
    audit.record(session, user_id, "rate.added", row, campaign_id=None, kind=kind, half_year=half_year_label(starts_on),
                 rate=str(value), source=source)
    return row


@dataclass
class HalfYear:
    starts_on: date
    legal: LegalRate | None
    ecb: LegalRate | None

    @property
    def label(self) -> str:
        return half_year_label(self.starts_on)

    @property
    def default_late_rate(self) -> Decimal | None:
        """The late-payment rate when the terms of sale set none: ECB + 10 points."""
        return self.ecb.rate + LEGAL_MARGIN if self.ecb else None

    @property
    def floor(self) -> Decimal | None:
        """The lowest rate terms of sale may set: three times the legal rate."""
        return self.legal.rate * 3 if self.legal else None


def half_years(session: Session) -> list[HalfYear]:
    """Every half-year with a rate recorded, newest first."""
    by_half: dict[date, HalfYear] = {}
    for rate in session.scalars(sa.select(LegalRate).order_by(LegalRate.starts_on.desc(), LegalRate.kind)):
        half = by_half.setdefault(rate.starts_on, HalfYear(rate.starts_on, None, None))
        if rate.kind == LegalRate.LEGAL_INTEREST:
            half.legal = rate
        else:
            half.ecb = rate
    return list(by_half.values())
