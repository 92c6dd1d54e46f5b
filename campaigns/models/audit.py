"""The audit log: who changed what, append-only (``campaigns.evidence`` chains it and guards it)."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime, utcnow


class AuditEntry(Base):
    __tablename__ = "audit_log"
    __table_args__ = (sa.Index("ix_audit_log_entity", "entity_type", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(sa.String(60))      # e.g. "campaign.start", "promise.create"
    entity_type: Mapped[str] = mapped_column(sa.String(40))
    entity_id: Mapped[int | None] = mapped_column()
    campaign_id: Mapped[int | None] = mapped_column(sa.ForeignKey("campaigns.id", ondelete="SET NULL"), index=True)
    # The debtor the entry is about, if any: its entry joins that debtor's chain (``campaigns.evidence``).
    debtor_id: Mapped[int | None] = mapped_column(index=True)
    details: Mapped[dict | None] = mapped_column(sa.JSON)
    # When the personal-data purge blanked the personal details (``campaigns.evidence.blank_personal_fields``).
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
