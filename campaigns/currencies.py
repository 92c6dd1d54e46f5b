"""Currencies: how a file writes them, the campaign's main one, and the rates that convert the others.

A money figure is given per currency and never summed across currencies. The only place where amounts in
different currencies meet is the priority score, which converts them at the rates the manager entered for
the campaign (``Campaign.exchange_rates``: units of the main currency for one unit of the other). A debtor
account holds one currency: a customer billed in two is two accounts (``account_key``).
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation, ROUND_HALF_EVEN
from functools import lru_cache

from babel.numbers import get_currency_name, list_currencies

MAIN = "EUR"
ISO_CODES = frozenset(list_currencies())
# How files write a currency without its ISO code. A bare "$" or "kr" names several currencies: not guessed.
_WRITTEN = {
    "€": "EUR", "euro": "EUR", "euros": "EUR", "eur€": "EUR",
    "£": "GBP", "gbp£": "GBP", "livre sterling": "GBP", "pound": "GBP", "pounds": "GBP", "pound sterling": "GBP",
    "us$": "USD", "$us": "USD", "usd$": "USD", "us dollar": "USD", "us dollars": "USD", "dollar us": "USD",
    "dollars us": "USD", "dollar américain": "USD", "dollars américains": "USD",
    "ca$": "CAD", "c$": "CAD", "$ca": "CAD", "can$": "CAD", "dollar canadien": "CAD", "dollars canadiens": "CAD",
    "canadian dollar": "CAD", "canadian dollars": "CAD",
    "chf": "CHF", "fr.": "CHF", "franc suisse": "CHF", "francs suisses": "CHF", "swiss franc": "CHF",
    "swiss francs": "CHF",
    "¥": "JPY", "yen": "JPY", "yens": "JPY",
    "mad": "MAD", "dh": "MAD", "dirham": "MAD", "dirhams": "MAD",
    "fcfa": "XOF", "f cfa": "XOF", "franc cfa": "XOF", "francs cfa": "XOF",
}
RATE_DIGITS = Decimal("0.000001")


@lru_cache(maxsize=4096)
def code_of(written: str) -> str | None:
    """The ISO 4217 code a cell names ("EUR", "eur", "€", "Euro", "US$"), or None when it names none or
    several (a bare "$")."""
    value = re.sub(r"\s+", " ", str(written or "")).strip()
    if not value:
        return None
    if value.upper() in ISO_CODES and len(value) == 3:
        return value.upper()
    return _WRITTEN.get(value.lower())


def account_key(key: str, currency: str, main: str) -> str:
    """The debtor grouping key of a customer's invoices in ``currency``: its own key in the main currency,
    the key with the currency beside it otherwise (so that no account's total mixes two currencies)."""
    return key if currency == main else f"{key}|{currency}"


def name(code: str, locale: str = "fr") -> str:
    try:
        return get_currency_name(code, locale=locale)
    except Exception:   # an unknown code stays as written
        return code


def parse_rate(written: str) -> Decimal | None:
    """A rate as a manager types it ("0,92", "1.0845"), positive and exact to six decimals; else None."""
    value = str(written or "").strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    if not value or len(value) > 20:
        return None
    try:
        rate = Decimal(value)
    except InvalidOperation:
        return None
    if not rate.is_finite() or rate <= 0 or rate >= 1_000_000:
        return None
    return rate.quantize(RATE_DIGITS, rounding=ROUND_HALF_EVEN)


def rates_of(stored: dict | None) -> dict[str, Decimal]:
    """The campaign's rates as Decimals, by currency."""
    out = {}
    for code, value in (stored or {}).items():
        rate = parse_rate(value)
        if rate is not None:
            out[code] = rate
    return out


def convert(cents: int, currency: str, main: str, rates: dict[str, Decimal]) -> int | None:
    """``cents`` of ``currency`` in cents of the main currency, or None without a rate."""
    if currency == main:
        return cents
    rate = rates.get(currency)
    if rate is None:
        return None
    return int((Decimal(cents) * rate).to_integral_value(rounding=ROUND_HALF_EVEN))


def missing_rates(currencies, main: str, stored: dict | None) -> list[str]:
    """The currencies among ``currencies`` other than the main one that have no rate yet."""
    rates = rates_of(stored)
    return sorted(c for c in set(currencies) if c != main and c not in rates)
