"""Debtor accounts (the client's customers), their phones, and their place in the call queue."""
from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, str_enum, utcnow


class QueueState(enum.StrEnum):
    READY = "ready"                  # callable now (subject to next_action_at and leases)
    CALLBACK = "callback"            # a callback is scheduled at next_action_at
    PROMISED = "promised"            # out of the queue until the promise date + grace
    DISPUTED = "disputed"            # waiting for the client to resolve a dispute
    WRONG_NUMBER = "wrong_number"    # needs a new number from the manager
    UNREACHABLE = "unreachable"      # max attempts without contact reached
    REFUSED = "refused"              # refused to pay: finished, reported
    PAID = "paid"                    # nothing left to pay
    DO_NOT_CALL = "do_not_call"
    NOTICE_SENT = "notice_sent"      # a formal notice was sent: out of the queue unless the manager puts it back
    HELD = "held"                    # put on hold by the client company (commercial reasons) until it releases it


class DebtorAccount(Base):
    __tablename__ = "debtor_accounts"
    __table_args__ = (
        sa.UniqueConstraint("campaign_id", "grouping_key"),
        sa.UniqueConstraint("id", "campaign_id"),    # what an invoice's foreign key names (models/invoices.py)
        sa.Index("ix_debtor_accounts_campaign_state", "campaign_id", "queue_state"),
        sa.Index("ix_debtor_accounts_campaign_customer_code", "campaign_id", "customer_code"),
        # The call queue (campaigns.queue): eligible rows only, scanned by priority.
        sa.Index("ix_debtor_accounts_queue", "campaign_id", "priority", "id",
                 postgresql_where=sa.text("queue_state IN ('ready', 'callback', 'promised')")),
        # "Which debtor does this agent hold?" (queue.held_by, the console): a few rows, not the campaign.
        sa.Index("ix_debtor_accounts_leased_by", "leased_by_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaigns.id", ondelete="CASCADE"))
    # How invoices were grouped: "code:<customer code>", "siren:<siren>" or "name:<normalised name>".
    grouping_key: Mapped[str] = mapped_column(sa.String(300))
    customer_code: Mapped[str | None] = mapped_column(sa.String(80))
    company_name: Mapped[str | None] = mapped_column(sa.String(300))
    siren: Mapped[str | None] = mapped_column(sa.String(9))
    contact_names: Mapped[str | None] = mapped_column(sa.String(500))
    emails: Mapped[str | None] = mapped_column(sa.String(500))  # comma-separated
    # Addresses the mail server refused for good (5xx): no longer written to (comma-separated).
    invalid_emails: Mapped[str | None] = mapped_column(sa.String(500))
    # The client said it knows no other number: out of the "numbers to find" list.
    no_number_known: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # On hold by the client company: why, who, when, and the state it goes back to once released.
    held_reason: Mapped[str | None] = mapped_column(sa.String(300))
    held_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    held_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    held_from_state: Mapped[str | None] = mapped_column(sa.String(16))
    # "Pas d'e-mail": the debtor asked not to be written to; nothing is queued for it.
    no_email: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    segment: Mapped[str | None] = mapped_column(sa.String(80))
    typology: Mapped[str | None] = mapped_column(sa.String(80))
    language: Mapped[str] = mapped_column(sa.String(8), default="fr")      # ISO 639-1 (debtor_profile.language)
    siret: Mapped[str | None] = mapped_column(sa.String(14))
    address: Mapped[str | None] = mapped_column(sa.String(500))            # postal address, one line per line
    company_size: Mapped[str | None] = mapped_column(sa.String(8))         # debtor_profile.SIZES
    comment: Mapped[str | None] = mapped_column(sa.Text)
    has_valid_phone: Mapped[bool] = mapped_column(default=False)

    # Balances, maintained by imports and outcomes.
    # Every amount of the account is in this currency (campaigns.currencies.account_key).
    currency: Mapped[str] = mapped_column(sa.String(3), default="EUR", server_default="EUR")
    total_outstanding_cents: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    initial_outstanding_cents: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    open_invoices_count: Mapped[int] = mapped_column(default=0)
    oldest_due_date: Mapped[date | None] = mapped_column(sa.Date)

    # Queue.
    queue_state: Mapped[QueueState] = mapped_column(str_enum(QueueState, 16), default=QueueState.READY)
    priority: Mapped[float] = mapped_column(sa.Float, default=0.0)
    next_action_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    leased_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(default=0)
    attempts_without_contact: Mapped[int] = mapped_column(default=0)
    broken_promises: Mapped[int] = mapped_column(default=0)
    last_broken_promise_on: Mapped[date | None] = mapped_column(sa.Date)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_result: Mapped[str | None] = mapped_column(sa.String(24))
    last_note: Mapped[str | None] = mapped_column(sa.Text)

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Bumped on every recorded outcome: a stale card cannot overwrite newer work.
    version: Mapped[int] = mapped_column(default=1)

    campaign = relationship("Campaign")
    phones = relationship(
        "Phone", back_populates="debtor", order_by="Phone.position",
        cascade="all, delete-orphan", passive_deletes=True,
    )
    invoices = relationship("Invoice", back_populates="debtor", order_by="Invoice.due_date")


class PhoneStatus(enum.StrEnum):
    OK = "ok"
    WRONG = "wrong"  # reported as a wrong number by an agent


class Phone(Base):
    __tablename__ = "phones"

    id: Mapped[int] = mapped_column(primary_key=True)
    debtor_id: Mapped[int] = mapped_column(sa.ForeignKey("debtor_accounts.id", ondelete="CASCADE"), index=True)
    raw: Mapped[str] = mapped_column(sa.String(60))       # as written in the file
    e164: Mapped[str | None] = mapped_column(sa.String(20), index=True)  # None when unparsable
    label: Mapped[str | None] = mapped_column(sa.String(80))  # source column, e.g. "Tél. portable"
    kind: Mapped[str | None] = mapped_column(sa.String(16))   # mobile / landline / other
    position: Mapped[int] = mapped_column(default=0)
    status: Mapped[PhoneStatus] = mapped_column(str_enum(PhoneStatus, 8), default=PhoneStatus.OK)
    added_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    debtor = relationship("DebtorAccount", back_populates="phones")
