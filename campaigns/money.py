"""Money as integer cents; parsing and French formatting. Never a float."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

NBSP = "\u00a0"
NNBSP = "\u202f"


def to_cents(value: Decimal | int | str) -> int:
    """Exact conversion of a decimal amount in currency units to integer cents."""
    if isinstance(value, int):
        return value * 100
    try:
        d = Decimal(value)
    except InvalidOperation as exc:
        raise ValueError(f"not an amount: {value!r}") from exc
    return int((d * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def from_cents(cents: int) -> Decimal:
    """Integer cents to a Decimal with two places."""
    return (Decimal(cents) / 100).quantize(Decimal("0.01"))


def decimal_string(cents: int) -> str:
    """'1234.56' style, for machines (JSON, CSV)."""
    return str(from_cents(cents))


def format_eur(cents: int | None, currency: str = "EUR") -> str:
    """French display: '12 480,00 €' (narrow no-break space as thousands separator)."""
    if cents is None:
        return ""
    sign = "-" if cents < 0 else ""
    units, rest = divmod(abs(cents), 100)
    grouped = f"{units:,}".replace(",", NNBSP)
    symbol = "€" if currency == "EUR" else currency
    return f"{sign}{grouped},{rest:02d}{NBSP}{symbol}"


def format_money(cents: int | None, currency: str = "EUR", language: str = "fr") -> str:
    """An amount as a reader of ``language`` writes it: '1 200,00 €' in French, '€1,200.00' in English."""
    if language == "fr" or cents is None:
        return format_eur(cents, currency)
    units, rest = divmod(abs(cents), 100)
    symbol = "€" if currency == "EUR" else f"{currency} "
    return f"{'-' if cents < 0 else ''}{symbol}{units:,}.{rest:02d}"
