"""How a campaign's formal notices are written: who signs them, the deadline to pay, and whether the due dates
the product estimated are confirmed by the manager (penalties are claimed on them only then)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from .. import audit
from ..errors import N_, DomainError, ValidationError
from ..models import Campaign, FormalNotice

DEFAULTS = {"sender": FormalNotice.CREDITOR, "deadline_days": 8, "estimated_due_dates_confirmed": False}
SENDERS = (FormalNotice.CREDITOR, FormalNotice.PROVIDER)


@dataclass(frozen=True)
class NoticeSettings:
    sender: str = FormalNotice.CREDITOR
    deadline_days: int = 8
    estimated_due_dates_confirmed: bool = False

    @property
    def on_behalf(self) -> bool:
        return self.sender == FormalNotice.PROVIDER


def settings_of(campaign: Campaign) -> NoticeSettings:
    values = {**DEFAULTS, **(campaign.notice_settings or {})}
    return NoticeSettings(values["sender"], int(values["deadline_days"]), bool(values["estimated_due_dates_confirmed"]))


def clean(*, sender: str | None, deadline_days, estimated_due_dates_confirmed: bool) -> dict:
    """The settings as stored on the campaign, or ``ValidationError`` naming the field."""
    errors = {}
    if sender not in SENDERS:
        errors["notice_sender"] = DomainError(N_("Choose who signs the formal notices."), field="notice_sender")
    text = str(deadline_days if deadline_days is not None else "").strip()
    try:
        days = int(text) if text else DEFAULTS["deadline_days"]
    except ValueError:
        days = None
    if days is None or not 1 <= days <= 90:
        errors["notice_deadline_days"] = DomainError(
            N_("The deadline to pay is a whole number of days from 1 to 90."), field="notice_deadline_days")
    if errors:
        raise ValidationError(errors)
    return {"sender": sender, "deadline_days": days,
            "estimated_due_dates_confirmed": bool(estimated_due_dates_confirmed)}


def save(session: Session, campaign: Campaign, user_id: int | None, values: dict) -> None:
    before = campaign.notice_settings
    if {**DEFAULTS, **(before or {})} != values:
        campaign.notice_settings = values
        audit.record(session, user_id, "campaign.notice_settings", campaign, before=before, after=values)
