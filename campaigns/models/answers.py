"""What the client company answers: corrections of invoices it decided on a dispute, and the documents it
attaches to an answer (``campaigns.client_answers``)."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, deferred, mapped_column

from .base import Base, UTCDateTime, utcnow


class InvoiceCorrection(Base):
    """The client corrected an invoice's amount ("facture corrigée"): not a payment, counted apart."""

    __tablename__ = "invoice_corrections"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    invoice_id: Mapped[int] = mapped_column(sa.ForeignKey("invoices.id", ondelete="CASCADE"), index=True)
    motive_id: Mapped[int | None] = mapped_column(sa.ForeignKey("invoice_motives.id", ondelete="SET NULL"))
    old_outstanding_cents: Mapped[int] = mapped_column(sa.BigInteger)
    new_outstanding_cents: Mapped[int] = mapped_column(sa.BigInteger)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DisputeAttachment(Base):
    """A document the client attached to its answer (PDF or image, checked by content, kept with its hash)."""

    __tablename__ = "dispute_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    motive_id: Mapped[int] = mapped_column(sa.ForeignKey("invoice_motives.id", ondelete="CASCADE"), index=True)
    file_name: Mapped[str] = mapped_column(sa.String(200))
    mime: Mapped[str] = mapped_column(sa.String(40))
    size_bytes: Mapped[int] = mapped_column()
    sha256: Mapped[str] = mapped_column(sa.String(64))
    data: Mapped[bytes | None] = deferred(mapped_column(sa.LargeBinary))     # None once purged
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
