"""A mission for one client company: its period, calling hours, rules and assigned agents."""
from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, str_enum, utcnow


class CampaignStatus(enum.StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    PAUSED = "paused"
    CLOSED = "closed"


def default_calling_hours() -> dict:
    """Mon-Fri 9:00-12:30 and 14:00-18:30, Europe/Paris, public holidays excluded."""
    return {
        "days": [0, 1, 2, 3, 4],
        "windows": [["09:00", "12:30"], ["14:00", "18:30"]],
        "exclude_holidays": True,
    }


campaign_agents = sa.Table(
    "campaign_agents",
    Base.metadata,
    sa.Column("campaign_id", sa.ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Campaign(Base):
    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_company_id: Mapped[int] = mapped_column(
        sa.ForeignKey("client_companies.id", ondelete="RESTRICT"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(200))
    status: Mapped[CampaignStatus] = mapped_column(
        str_enum(CampaignStatus, 12), default=CampaignStatus.DRAFT
    )
    period_start: Mapped[date | None] = mapped_column(sa.Date)
    period_end: Mapped[date | None] = mapped_column(sa.Date)
    timezone: Mapped[str] = mapped_column(sa.String(40), default="Europe/Paris")
    currency: Mapped[str] = mapped_column(sa.String(3), default="EUR")
    # {currency: units of ``currency`` above for one unit of it}, as decimal strings: the priority score
    # converts other currencies with them (campaigns.currencies); None until the manager enters them.
    exchange_rates: Mapped[dict | None] = mapped_column(sa.JSON)
    calling_hours: Mapped[dict] = mapped_column(sa.JSON, default=default_calling_hours)
    lease_minutes: Mapped[int] = mapped_column(default=10)
    max_attempts: Mapped[int] = mapped_column(default=6)
    promise_grace_days: Mapped[int] = mapped_column(default=3)
    # Minutes after which a personal callback not taken by its agent goes to anyone.
    callback_grace_minutes: Mapped[int] = mapped_column(default=30)
    # Outcome -> delay rules; None means the defaults of campaigns.rules.
    retry_rules: Mapped[dict | None] = mapped_column(sa.JSON)
    # Priority weights; None means the defaults of campaigns.priority.
    priority_weights: Mapped[dict | None] = mapped_column(sa.JSON)
    # Who is proposed for a formal notice; None means the defaults of campaigns.escalation.
    escalation_rules: Mapped[dict | None] = mapped_column(sa.JSON)
    # How formal notices are written (sender, deadline, estimated due dates); None: campaigns.notices defaults.
    notice_settings: Mapped[dict | None] = mapped_column(sa.JSON)
    retention_days: Mapped[int] = mapped_column(default=90)
    # How the card's numbers are linked: "tel" (the phone or the default calling app) or "sip" (a softphone).
    dial_scheme: Mapped[str] = mapped_column(sa.String(8), default="tel", server_default="tel")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    personal_data_purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    client_company = relationship("ClientCompany", back_populates="campaigns")
    agents = relationship("User", secondary=campaign_agents, order_by="User.name")
    scripts = relationship("CallScript", back_populates="campaign", order_by="CallScript.segment")


class CallScript(Base):
    """What the agent says, per debtor segment ('' is the campaign's default script)."""

    __tablename__ = "call_scripts"
    __table_args__ = (sa.UniqueConstraint("campaign_id", "segment"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaigns.id", ondelete="CASCADE"))
    segment: Mapped[str] = mapped_column(sa.String(80), default="")
    title: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    campaign = relationship("Campaign", back_populates="scripts")


class FinalRecap(Base):
    """A final recap workbook produced at a close and kept: a reopening supersedes it (it stays downloadable)."""

    __tablename__ = "final_recaps"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    produced_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    produced_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    path: Mapped[str | None] = mapped_column(sa.String(500))       # None once the personal-data purge removed it
    size_bytes: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
