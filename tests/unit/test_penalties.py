"""Late-payment penalties to the cent: the 40 € indemnity and simple interest, actual days / 365, each
half-year at its own rate, rounded half-up once per invoice (../shared/LEGAL-FR.md)."""
from __future__ import annotations

from collections import namedtuple
from datetime import date
from decimal import Decimal

from campaigns import penalties
from campaigns.penalties import RateSchedule

Row = namedtuple("Row", "id debtor_id number invoice_date due_date due_date_estimated "
                        "initial_outstanding_cents outstanding_cents")
ECB = RateSchedule(ecb=((date(2025, 1, 1), Decimal("3.15"), "ECB 12 Dec 2024"),
                        (date(2025, 7, 1), Decimal("2.15"), "ECB 5 Jun 2025")))


def invoice(due, cents=100_000, outstanding=None, invoice_date=None, estimated=False):
    return Row(1, 1, "FA-1", invoice_date, due, estimated, cents, cents if outstanding is None else outstanding)


def test_the_default_rate_changes_at_the_half_year_and_each_part_is_counted_at_its_own_rate():
    # 1 000 € due 15 June 2025: 15 days of June at 3.15 + 10, then 31 days of July at 2.15 + 10.
    p = penalties.invoice_penalty(invoice(date(2025, 6, 15)), [], date(2025, 7, 31), ECB)
    # 100000 × 13.15 % × 15/365 + 100000 × 12.15 % × 31/365 = 540.41 + 1031.92 = 1572.33 cents
    assert p.interest_cents == 1572 and p.indemnity_cents == 4000 and p.total_cents == 5572
    assert [(x.first, x.last, x.rate) for x in p.periods] == [
        (date(2025, 6, 16), date(2025, 6, 30), Decimal("13.15")),
        (date(2025, 7, 1), date(2025, 7, 31), Decimal("12.15"))]
    assert p.days == 46 and not p.rate_missing


def test_a_leap_year_still_counts_365_days_a_year():
    terms = RateSchedule(terms_rate=Decimal("12"))
    # 16 February to 15 March 2024: 14 + 15 = 29 days (29 February included); 100000 × 12 % × 29/365 = 953.42
    p = penalties.invoice_penalty(invoice(date(2024, 2, 15)), [], date(2024, 3, 15), terms)
    assert p.days == 29 and p.interest_cents == 953


def test_a_partial_payment_lowers_the_base_from_the_day_after_it():
    terms = RateSchedule(terms_rate=Decimal("10"))
    paid = [(date(2025, 10, 10), 100_000, 60_000)]   # 400 € paid on 10 October
    p = penalties.invoice_penalty(invoice(date(2025, 9, 30), outstanding=60_000), paid, date(2025, 10, 31), terms)
    # 1–10 October on 1 000 € (273.97) + 11–31 October on 600 € (345.21) = 619.18 cents
    assert p.interest_cents == 619 and p.indemnity_cents == 4000


def test_an_invoice_paid_late_keeps_its_indemnity_and_its_interest_stops_at_the_payment():
    terms = RateSchedule(terms_rate=Decimal("10"))
    paid = [(date(2025, 10, 10), 100_000, 0)]
    p = penalties.invoice_penalty(invoice(date(2025, 9, 30), outstanding=0), paid, date(2025, 12, 31), terms)
    assert p.days == 10 and p.interest_cents == 274 and p.indemnity_cents == 4000


def test_an_invoice_paid_by_its_due_date_owes_nothing():
    paid = [(date(2025, 9, 30), 100_000, 0)]
    p = penalties.invoice_penalty(invoice(date(2025, 9, 30), outstanding=0), paid, date(2025, 12, 31), ECB)
    assert p.total_cents == 0


def test_the_terms_of_sale_rate_applies_to_the_whole_period():
    terms = RateSchedule(terms_rate=Decimal("15"))
    p = penalties.invoice_penalty(invoice(date(2025, 6, 15)), [], date(2025, 7, 31), terms)
    # 100000 × 15 % × 46/365 = 1890.41
    assert p.interest_cents == 1890 and [x.rate for x in p.periods] == [Decimal("15")]


def test_rounding_is_half_up_once_per_invoice():
    terms = RateSchedule(terms_rate=Decimal("36.5"))
    # 1 € at 36.5 % for 5 days: exactly 0.5 cent, rounded up.
    p = penalties.invoice_penalty(invoice(date(2025, 1, 10), cents=100), [], date(2025, 1, 15), terms)
    assert p.interest_cents == 1


def test_an_estimated_due_date_is_marked():
    p = penalties.invoice_penalty(invoice(date(2025, 6, 15), estimated=True), [], date(2025, 7, 31), ECB)
    assert p.due_date_estimated and p.interest_cents == 1572


def test_collective_proceedings_stop_interest_and_cancel_the_indemnity_of_earlier_invoices_only():
    terms = RateSchedule(terms_rate=Decimal("10"))
    opened = date(2025, 10, 15)
    before = penalties.invoice_penalty(invoice(date(2025, 9, 30), invoice_date=date(2025, 9, 1)), [],
                                       date(2025, 12, 31), terms, proceedings_on=opened)
    # 1–15 October: 15 days, 100000 × 10 % × 15/365 = 410.96; no indemnity
    assert before.days == 15 and before.interest_cents == 411 and before.indemnity_cents == 0
    after = penalties.invoice_penalty(invoice(date(2025, 11, 19), invoice_date=date(2025, 10, 20)), [],
                                      date(2025, 12, 31), terms, proceedings_on=opened)
    # 20 November – 31 December: 42 days, 1150.68, and the indemnity
    assert after.days == 42 and after.interest_cents == 1151 and after.indemnity_cents == 4000


def test_a_half_year_without_a_recorded_rate_uses_the_latest_one_and_says_so():
    p = penalties.invoice_penalty(invoice(date(2025, 12, 15)), [], date(2026, 1, 31), ECB)
    assert p.rate_missing
    assert p.periods[-1].assumed and p.periods[-1].rate == Decimal("12.15")


def test_euros_are_written_as_decimal_strings():
    assert penalties.euros(157_233) == "1572.33" and penalties.euros(5) == "0.05" and penalties.euros(-40_00) == "-40.00"
