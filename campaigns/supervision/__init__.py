"""Supervision of a running campaign: the dashboard figures, open disputes, numbers to find, and the
personal-data purge.

Every figure is computed with SQL aggregates; nothing here loads a campaign's rows as ORM objects.
"""
from .disputes import open_disputes
from .figures import (
    COMPLETED_CALL, CampaignFigures, DayFigures, agent_figures, campaign_figures, completed_calls_by_day, day_figures,
    motive_breakdown, promises_by_week,
)
from .purge import DuePurge, purge_all_due, purge_due, purge_personal_data
from .wrong_numbers import NumberToFind, numbers_to_find

__all__ = [
    "COMPLETED_CALL", "CampaignFigures", "DayFigures", "agent_figures", "campaign_figures", "completed_calls_by_day",
    "day_figures",
    "motive_breakdown", "NumberToFind", "numbers_to_find", "open_disputes", "promises_by_week", "purge_due", "purge_personal_data", "purge_all_due", "DuePurge",
]
