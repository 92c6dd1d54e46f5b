"""Formal notices (mises en demeure) issued to debtors, and how each was sent (campaigns.notices)."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow


class FormalNotice(Base):
    """One debtor's formal notice: issued once, as of a date (its sums and its annex are those of that day),
    then sent and tracked. While it has been sent and its hold is not released, the debtor's data are kept
    past the retention purge (a hold for a legal claim)."""

    __tablename__ = "formal_notices"

    CREDITOR, PROVIDER = "creditor", "provider"          # who signs: the creditor, or the provider on its behalf
    LRAR, ERE, EMAIL = "lrar", "ere", "email"            # how it was sent
    CHANNELS = (LRAR, ERE, EMAIL)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    debtor_id: Mapped[int] = mapped_column(sa.ForeignKey("debtor_accounts.id", ondelete="CASCADE"), unique=True)
    reference: Mapped[str] = mapped_column(sa.String(40), unique=True)   # also the payment reference
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    issued_on: Mapped[date] = mapped_column(sa.Date)                     # the campaign's day: interest runs to it
    deadline_on: Mapped[date] = mapped_column(sa.Date)
    sender: Mapped[str] = mapped_column(sa.String(10))
    currency: Mapped[str] = mapped_column(sa.String(3), default="EUR")
    principal_cents: Mapped[int] = mapped_column(sa.BigInteger)
    indemnity_cents: Mapped[int] = mapped_column(sa.BigInteger)
    interest_cents: Mapped[int] = mapped_column(sa.BigInteger)
    issued_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    channel: Mapped[str | None] = mapped_column(sa.String(10))
    tracking_reference: Mapped[str | None] = mapped_column(sa.String(100))
    sent_on: Mapped[date | None] = mapped_column(sa.Date)
    received_on: Mapped[date | None] = mapped_column(sa.Date)
    refused_on: Mapped[date | None] = mapped_column(sa.Date)
    tracked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hold_released_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hold_released_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    # The letter as issued (what was sent is what is downloaded again), and its digest.
    pdf: Mapped[bytes] = mapped_column(sa.LargeBinary, deferred=True)
    pdf_sha256: Mapped[str] = mapped_column(sa.String(64))

    debtor = relationship("DebtorAccount")

    @property
    def total_cents(self) -> int:
        return self.principal_cents + self.indemnity_cents + self.interest_cents

    @property
    def on_hold(self) -> bool:
        return self.sent_on is not None and self.hold_released_at is None
