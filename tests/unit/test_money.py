"""Money is exact and shown the French way."""
from decimal import Decimal

from campaigns.money import decimal_string, format_eur, from_cents, to_cents


def test_amounts_convert_to_cents_exactly():
    assert to_cents("1234.56") == 123456
    assert to_cents(Decimal("0.1") + Decimal("0.2")) == 30
    assert to_cents("-120.005") == -12001  # half up, away from zero
    assert from_cents(123456) == Decimal("1234.56")
    assert decimal_string(-5) == "-0.05"


def test_amounts_are_shown_in_french():
    assert format_eur(1248000) == "12\u202f480,00\u00a0€"
    assert format_eur(-12000) == "-120,00\u00a0€"
    assert format_eur(5) == "0,05\u00a0€"
    assert format_eur(None) == ""
