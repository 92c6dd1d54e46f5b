"""What agents type in the outcome panel is read the French way, exactly, never through a float."""
from datetime import date

import pytest

from app.console.forms import parse_amount, parse_date


@pytest.mark.parametrize("typed, cents", [
    ("12 480,00", 1_248_000), ("12\u202f480,00 €", 1_248_000), ("12480.5", 1_248_050), ("1.250,10", 125_010),
    ("0,07", 7), ("300", 30_000), ("", None), ("  ", None),
])
def test_amounts_typed_by_agents_become_exact_cents(typed, cents):
    assert parse_amount(typed) == cents


@pytest.mark.parametrize("typed", ["douze", "12,345", "1 2,3,4"])
def test_an_amount_that_is_not_one_is_refused(typed):
    with pytest.raises(ValueError):
        parse_amount(typed)


def test_dates_are_read_as_typed_in_france_or_from_a_date_field():
    assert parse_date("03/11/2026") == date(2026, 11, 3)
    assert parse_date("2026-11-03") == date(2026, 11, 3)
    assert parse_date("") is None
    with pytest.raises(ValueError):
        parse_date("31/02/2026")
