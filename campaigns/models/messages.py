"""E-mails to debtors: queued with what caused them, sent by the worker (``campaigns.mail``)."""
from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, str_enum, utcnow


class MessageStatus(enum.StrEnum):
    QUEUED = "queued"      # waiting for its time, or for a retry after a temporary failure
    SENT = "sent"          # accepted by the mail server (or written to the outbox folder)
    FAILED = "failed"      # refused for good (every recipient refused, or too many failed tries)
    CANCELLED = "cancelled"  # no longer to send (a reminder whose payment was recorded meanwhile)


class OutboundMessage(Base):
    __tablename__ = "outbound_messages"
    __table_args__ = (sa.Index("ix_outbound_messages_due", "status", "next_attempt_at"),
                      sa.UniqueConstraint("kind", "about"))

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int | None] = mapped_column(sa.ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    debtor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("debtor_accounts.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(40))            # "promise_confirmation", "reminder", ...
    # What the message is about, when one of its kind is enough ("promise:12:2", a reminder per instalment).
    about: Mapped[str | None] = mapped_column(sa.String(60))
    language: Mapped[str] = mapped_column(sa.String(8), default="fr")
    recipients: Mapped[list] = mapped_column(sa.JSON)           # e-mail addresses
    reply_to: Mapped[str | None] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text)
    message_id: Mapped[str] = mapped_column(sa.String(200), unique=True)   # the Message-ID header
    status: Mapped[MessageStatus] = mapped_column(str_enum(MessageStatus, 10), default=MessageStatus.QUEUED)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(sa.String(500))      # the server's answer
    refused: Mapped[list | None] = mapped_column(sa.JSON)               # addresses refused for good
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    debtor = relationship("DebtorAccount", lazy="select", viewonly=True)
