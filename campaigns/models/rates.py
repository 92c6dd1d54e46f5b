"""Published interest rates, by half-year: the legal interest rate and the ECB's main refinancing rate."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime, utcnow


class LegalRate(Base):
    """A rate in force from ``starts_on`` (1 January or 1 July) for the half-year, with where it was published.

    Administrators maintain them (``flask rates``); see ../shared/LEGAL-FR.md.
    """

    __tablename__ = "legal_rates"
    __table_args__ = (sa.UniqueConstraint("kind", "starts_on"),)

    LEGAL_INTEREST = "legal_interest"   # taux de l'intérêt légal, creditors other than individuals
    ECB_REFI = "ecb_refi"               # the ECB's most recent main refinancing operation

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    starts_on: Mapped[date] = mapped_column(sa.Date)
    rate: Mapped[Decimal] = mapped_column(sa.Numeric(6, 3))    # percent a year
    source: Mapped[str] = mapped_column(sa.String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
