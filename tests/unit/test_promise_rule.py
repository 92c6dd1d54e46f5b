"""The promise rule on plain values: single promises and plans judged from dated payments."""
from datetime import date, timedelta

from campaigns.models import PromiseStatus as S
from campaigns.promises import credited, judge

D1, D2, D3 = date(2026, 12, 15), date(2027, 1, 15), date(2027, 2, 15)
PLAN = [(D1, 100_000), (D2, 100_000), (D3, 100_000)]   # 3 x 1 000 €


def statuses(verdict):
    return [i.status for i in verdict.instalments]


def test_a_plan_whose_first_instalment_was_paid_on_time_is_on_track_ten_days_later():
    verdict = judge(PLAN, [(D1 - timedelta(days=2), 100_000)], D1 + timedelta(days=10), grace_days=3)
    assert verdict.status is S.PENDING
    assert statuses(verdict) == [S.KEPT, S.PENDING, S.PENDING]
    assert verdict.paid_cents == 100_000
    assert verdict.next_deadline == D2 + timedelta(days=3)


def test_a_plan_nothing_was_paid_on_is_broken_once_the_first_deadline_has_passed():
    assert judge(PLAN, [], D1 + timedelta(days=3), grace_days=3).status is S.PENDING   # the last day of grace
    verdict = judge(PLAN, [], D1 + timedelta(days=4), grace_days=3)
    assert verdict.status is S.BROKEN and verdict.broken_on == D1
    assert statuses(verdict) == [S.BROKEN, S.PENDING, S.PENDING]


def test_a_plan_with_half_an_instalment_paid_is_partly_kept_after_its_deadline():
    verdict = judge(PLAN, [(D1, 100_000), (D2, 50_000)], D2 + timedelta(days=1), grace_days=0)
    assert verdict.status is S.PARTIALLY_KEPT
    assert statuses(verdict) == [S.KEPT, S.PARTIALLY_KEPT, S.PENDING]
    assert [i.paid_cents for i in verdict.instalments] == [100_000, 50_000, 0]


def test_a_plan_whose_second_instalment_was_not_paid_at_all_is_broken_even_after_a_first_payment():
    verdict = judge(PLAN, [(D1, 100_000)], D2 + timedelta(days=1))
    assert verdict.status is S.BROKEN and verdict.broken_on == D2


def test_a_plan_paid_on_time_to_the_end_is_kept():
    payments = [(D1, 100_000), (D2 - timedelta(days=1), 100_000), (D3, 100_000)]
    verdict = judge(PLAN, payments, D3 + timedelta(days=20))
    assert verdict.status is S.KEPT and statuses(verdict) == [S.KEPT] * 3


def test_an_overpaid_instalment_counts_towards_the_next():
    verdict = judge(PLAN, [(D1, 150_000), (D2, 50_000)], D2 + timedelta(days=5))
    assert statuses(verdict) == [S.KEPT, S.KEPT, S.PENDING] and verdict.status is S.PENDING
    early = judge(PLAN, [(D1 - timedelta(days=9), 300_000)], D1)
    assert early.status is S.KEPT   # paid in full ahead of time


def test_a_payment_after_the_deadline_does_not_make_an_instalment_kept():
    verdict = judge(PLAN, [(D1 + timedelta(days=5), 100_000)], D1 + timedelta(days=6), grace_days=3)
    assert verdict.status is S.BROKEN
    assert verdict.paid_cents == 100_000   # the money counts, the promise was not kept on time


def test_a_single_promise_is_kept_partly_kept_broken_or_pending():
    single = [(D1, 80_000)]
    assert judge(single, [(D1, 80_000)], D1).status is S.KEPT
    assert judge(single, [(D1, 30_000)], D1 + timedelta(days=1)).status is S.PARTIALLY_KEPT
    assert judge(single, [], D1 + timedelta(days=1)).status is S.BROKEN
    assert judge(single, [(D1, 30_000)], D1).status is S.PENDING   # part paid, its day not over


def test_what_counts_is_the_fall_below_the_outstanding_at_the_promise():
    at_promise = {1: 60_000, 2: 40_000}
    events = [(1, D1, 10_000), (1, D1 + timedelta(days=1), 90_000),  # more than invoice 1 owed then: capped
              (2, D1, 40_000), (2, D2, -15_000),                     # invoice 2 paid, then raised again
              (3, D1, 99_999)]                                       # an invoice the promise does not cover
    assert sorted(credited(at_promise, events)) == [
        (D1, 10_000), (D1, 40_000), (D1 + timedelta(days=1), 50_000), (D2, -15_000)]
