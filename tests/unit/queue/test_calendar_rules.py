"""Calling hours in Paris time, French public holidays, and the retry rules (no database)."""
from datetime import date, datetime, timezone

from campaigns import calendar, rules
from campaigns.models import Campaign, QueueState

UTC = timezone.utc
HOURS = {"days": [0, 1, 2, 3, 4], "windows": [["09:00", "12:30"], ["14:00", "18:30"]], "exclude_holidays": True}


def test_calling_hours_are_read_in_paris_time_winter_and_summer():
    assert calendar.is_open(HOURS, datetime(2026, 11, 24, 8, 0, tzinfo=UTC))        # 09:00 Paris (UTC+1)
    assert not calendar.is_open(HOURS, datetime(2026, 11, 24, 7, 59, tzinfo=UTC))
    assert calendar.is_open(HOURS, datetime(2026, 6, 16, 7, 0, tzinfo=UTC))         # 09:00 Paris (UTC+2)
    assert not calendar.is_open(HOURS, datetime(2026, 6, 16, 10, 45, tzinfo=UTC))   # 12:45: lunch


def test_lunch_break_and_evening_move_to_the_next_window():
    assert calendar.next_open(HOURS, datetime(2026, 11, 24, 11, 45, tzinfo=UTC)) == \
        datetime(2026, 11, 24, 13, 0, tzinfo=UTC)
    # Friday 19:00 Paris -> Monday 09:00 Paris
    assert calendar.next_open(HOURS, datetime(2026, 11, 27, 18, 0, tzinfo=UTC)) == \
        datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


def test_french_public_holidays_are_skipped_unless_the_campaign_calls_on_them():
    assert calendar.is_holiday(date(2026, 12, 25)) and calendar.is_holiday(date(2026, 5, 14))  # Ascension
    christmas_eve_evening = datetime(2026, 12, 24, 18, 0, tzinfo=UTC)
    assert calendar.next_open(HOURS, christmas_eve_evening) == datetime(2026, 12, 28, 8, 0, tzinfo=UTC)
    assert calendar.next_open(dict(HOURS, exclude_holidays=False), christmas_eve_evening) == \
        datetime(2026, 12, 25, 8, 0, tzinfo=UTC)
    assert not calendar.is_open(HOURS, datetime(2026, 7, 14, 9, 0, tzinfo=UTC))


def test_a_campaign_without_hours_uses_the_defaults():
    assert calendar.is_open(Campaign(calling_hours=None), datetime(2026, 11, 24, 9, 0, tzinfo=UTC))


def test_retry_rules_have_defaults_and_campaign_overrides():
    assert rules.next_action(None, "no_answer") == rules.NextAction(QueueState.READY, 120)
    assert rules.next_action(None, "refusal").state == QueueState.REFUSED
    campaign = Campaign(retry_rules={"busy": {"delay_minutes": 5}, "skip_minutes": 1})
    assert rules.next_action(campaign, "busy").delay_minutes == 5
    assert rules.skip_minutes(campaign) == 1
