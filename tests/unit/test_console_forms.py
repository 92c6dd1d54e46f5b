"""What agents type in the outcome panel is read the French way, exactly, never through a float."""
from datetime import date

import pytest

from app.console.forms import parse_amount
from campaigns import shortcuts


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


TODAY = date(2026, 12, 7)          # a Monday


def test_dates_are_read_as_typed_in_france_or_from_a_date_field():
    assert shortcuts.day("03/11/2026", TODAY) == date(2026, 11, 3)
    assert shortcuts.day("2026-11-03", TODAY) == date(2026, 11, 3)
    assert shortcuts.day("", TODAY) is None
    with pytest.raises(ValueError):
        shortcuts.day("31/02/2026", TODAY)


@pytest.mark.parametrize("typed, meant", [
    ("+7", date(2026, 12, 14)), ("+ 30", date(2027, 1, 6)), ("15/12", date(2026, 12, 15)),
    ("7/12", date(2026, 12, 7)), ("6/12", date(2027, 12, 6)), ("29/02", date(2028, 2, 29)),
    ("lun", date(2026, 12, 14)), ("Mon", date(2026, 12, 14)), ("ven", date(2026, 12, 11)),
    ("mercredi", date(2026, 12, 9)), ("dem", date(2026, 12, 8)), ("auj", TODAY),
])
def test_date_shortcuts_mean_what_an_agent_means(typed, meant):
    assert shortcuts.day(typed, TODAY) == meant


@pytest.mark.parametrize("typed", ["lundi prochain", "+", "32/12", "12/13", "demain 10h"])
def test_a_shortcut_that_means_nothing_is_refused(typed):
    with pytest.raises(ValueError):
        shortcuts.day(typed, TODAY)


def test_times_and_plans_typed_short():
    from datetime import time
    assert [shortcuts.clock_time(t) for t in ("10", "1430", "9h", "14h30", "14:30", "0905")] == [
        time(10), time(14, 30), time(9), time(14, 30), time(14, 30), time(9, 5)]
    with pytest.raises(ValueError):
        shortcuts.clock_time("25")
    assert shortcuts.plan("3x15/12", TODAY) == (3, date(2026, 12, 15))
    assert shortcuts.plan("3 mensualités à partir du 15/12", TODAY) == (3, date(2026, 12, 15))
    assert shortcuts.plan("15/12", TODAY) is None and shortcuts.plan("1x15/12", TODAY) is None
    assert shortcuts.monthly(date(2027, 1, 31), 3) == [date(2027, 1, 31), date(2027, 2, 28), date(2027, 3, 31)]
    assert shortcuts.split(100_000, 3) == [33_333, 33_333, 33_334]
