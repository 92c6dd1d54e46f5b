"""What happened on calls: attempts (append-only), promises, non-payment motives, callbacks."""
from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, str_enum, utcnow


class ContactResult(enum.StrEnum):
    NO_ANSWER = "no_answer"
    BUSY = "busy"
    VOICEMAIL = "voicemail"
    SWITCHBOARD = "switchboard"
    WRONG_NUMBER = "wrong_number"
    WRONG_PARTY = "wrong_party"
    RIGHT_PARTY = "right_party"
    REFUSAL = "refusal"


class CallAttempt(Base):
    """One call made by an agent. Never updated nor deleted: the history is the record."""

    __tablename__ = "call_attempts"
    __table_args__ = (
        sa.Index("ix_call_attempts_debtor_at", "debtor_id", "started_at"),
        sa.Index("ix_call_attempts_campaign_at", "campaign_id", "started_at"),
        sa.Index("ix_call_attempts_agent_at", "agent_id", "started_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaigns.id", ondelete="CASCADE"))
    debtor_id: Mapped[int] = mapped_column(sa.ForeignKey("debtor_accounts.id", ondelete="CASCADE"))
    agent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    duration_seconds: Mapped[int | None] = mapped_column()
    # When the agent dialled and hung up (campaigns.shift): talk = dial → hang-up, wrap-up = hang-up → end.
    dialled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hung_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    result: Mapped[ContactResult] = mapped_column(str_enum(ContactResult, 16))
    # What the call produced beyond the contact result: promise, motive, callback, already_paid...
    outcome: Mapped[str | None] = mapped_column(sa.String(24))
    phone_dialled: Mapped[str | None] = mapped_column(sa.String(40))
    notes: Mapped[str | None] = mapped_column(sa.Text)
    # Sent by the browser with each submission: a resubmitted form is recorded once.
    request_key: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When the personal-data purge blanked the number and the notes (``campaigns.evidence.blank_personal_fields``).
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    agent = relationship("User")
    debtor = relationship("DebtorAccount")


class PaymentMethod(enum.StrEnum):
    TRANSFER = "virement"
    CHEQUE = "cheque"
    CARD = "carte"
    DIRECT_DEBIT = "prelevement"
    LCR = "lcr"
    CASH = "especes"


class PromiseStatus(enum.StrEnum):
    PENDING = "pending"
    KEPT = "kept"
    PARTIALLY_KEPT = "partially_kept"
    BROKEN = "broken"
    CANCELLED = "cancelled"


promise_invoices = sa.Table(
    "promise_invoices",
    Base.metadata,
    sa.Column("promise_id", sa.ForeignKey("promises.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("invoice_id", sa.ForeignKey("invoices.id", ondelete="CASCADE"), primary_key=True, index=True),
    # The invoice's outstanding when the promise was made: what it loses after that counts towards the promise.
    sa.Column("outstanding_cents", sa.BigInteger),
)


class Promise(Base):
    """A promise of payment: one date and amount, or a plan of several instalments."""

    __tablename__ = "promises"
    __table_args__ = (sa.Index("ix_promises_campaign_status", "campaign_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaigns.id", ondelete="CASCADE"))
    debtor_id: Mapped[int] = mapped_column(sa.ForeignKey("debtor_accounts.id", ondelete="CASCADE"), index=True)
    call_id: Mapped[int | None] = mapped_column(sa.ForeignKey("call_attempts.id", ondelete="SET NULL"))
    agent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    # For a plan: the first instalment's date and the plan's total.
    promised_date: Mapped[date] = mapped_column(sa.Date)
    amount_cents: Mapped[int] = mapped_column(sa.BigInteger)
    method: Mapped[PaymentMethod] = mapped_column(str_enum(PaymentMethod, 12))
    is_plan: Mapped[bool] = mapped_column(default=False)
    status: Mapped[PromiseStatus] = mapped_column(str_enum(PromiseStatus, 16), default=PromiseStatus.PENDING)
    paid_cents: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    judged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The agent's lever: late-payment penalties waived if paid by this date (campaigns.penalties). The waiver is
    # offered with the promise, granted when the promise is judged kept, revoked when it is broken.
    penalties_waived_if_paid_by: Mapped[date | None] = mapped_column(sa.Date)
    penalty_waiver: Mapped[str | None] = mapped_column(sa.String(10))   # offered | granted | revoked
    # ISO 11649 creditor reference the debtor quotes with the payment (``campaigns.payment_references``).
    payment_reference: Mapped[str | None] = mapped_column(sa.String(25), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    invoices = relationship("Invoice", secondary=promise_invoices, order_by="Invoice.due_date")
    instalments = relationship(
        "Instalment", back_populates="promise", order_by="Instalment.seq",
        cascade="all, delete-orphan", passive_deletes=True,
    )
    debtor = relationship("DebtorAccount")
    agent = relationship("User")


class Instalment(Base):
    """One payment of a plan, judged on its own (``campaigns.promises``)."""

    __tablename__ = "instalments"
    __table_args__ = (sa.UniqueConstraint("promise_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    promise_id: Mapped[int] = mapped_column(sa.ForeignKey("promises.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column()
    due_date: Mapped[date] = mapped_column(sa.Date)
    amount_cents: Mapped[int] = mapped_column(sa.BigInteger)
    status: Mapped[PromiseStatus] = mapped_column(str_enum(PromiseStatus, 16), default=PromiseStatus.PENDING)
    # What the payments allocated to the plan (oldest instalment first) put on this one so far.
    paid_cents: Mapped[int] = mapped_column(sa.BigInteger, default=0)

    promise = relationship("Promise", back_populates="instalments")


class MotiveStatus(enum.StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"
    CANCELLED = "cancelled"


class InvoiceMotive(Base):
    """A non-payment motive recorded on one invoice during a call."""

    __tablename__ = "invoice_motives"
    __table_args__ = (sa.Index("ix_invoice_motives_campaign_status", "campaign_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaigns.id", ondelete="CASCADE"))
    debtor_id: Mapped[int] = mapped_column(sa.ForeignKey("debtor_accounts.id", ondelete="CASCADE"), index=True)
    invoice_id: Mapped[int] = mapped_column(sa.ForeignKey("invoices.id", ondelete="CASCADE"), index=True)
    call_id: Mapped[int | None] = mapped_column(sa.ForeignKey("call_attempts.id", ondelete="SET NULL"))
    agent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    motive_id: Mapped[int] = mapped_column(sa.ForeignKey("motives.id", ondelete="RESTRICT"))
    # The labels the motive (and its family) had when it was recorded: renaming it later changes nothing here.
    label_fr: Mapped[str | None] = mapped_column(sa.String(200))
    label_en: Mapped[str | None] = mapped_column(sa.String(200))
    family_fr: Mapped[str | None] = mapped_column(sa.String(200))
    family_en: Mapped[str | None] = mapped_column(sa.String(200))
    details: Mapped[str | None] = mapped_column(sa.Text)
    documents_requested: Mapped[str | None] = mapped_column(sa.Text)
    disputed_amount_cents: Mapped[int | None] = mapped_column(sa.BigInteger)
    # "Already paid": when and how the debtor says it paid.
    paid_on: Mapped[date | None] = mapped_column(sa.Date)
    payment_method: Mapped[PaymentMethod | None] = mapped_column(str_enum(PaymentMethod, 12))
    # "Insolvency proceedings": the opening judgement's date (interest stops there, campaigns.penalties).
    proceedings_opened_on: Mapped[date | None] = mapped_column(sa.Date)
    status: Mapped[MotiveStatus] = mapped_column(str_enum(MotiveStatus, 10), default=MotiveStatus.OPEN)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    resolution: Mapped[str | None] = mapped_column(sa.Text)
    # The client company's answer (campaigns.client_answers): its decision, its note, who and when.
    client_decision: Mapped[str | None] = mapped_column(sa.String(16))   # maintained | corrected | credit_note
    client_note: Mapped[str | None] = mapped_column(sa.Text)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    motive = relationship("Motive")
    invoice = relationship("Invoice")
    debtor = relationship("DebtorAccount")


class CallbackStatus(enum.StrEnum):
    PENDING = "pending"
    DONE = "done"
    CANCELLED = "cancelled"


class Callback(Base):
    """A call to make at a set time: personal to one agent, or for the whole team."""

    __tablename__ = "callbacks"
    __table_args__ = (sa.Index("ix_callbacks_campaign_status_due", "campaign_id", "status", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaigns.id", ondelete="CASCADE"))
    debtor_id: Mapped[int] = mapped_column(sa.ForeignKey("debtor_accounts.id", ondelete="CASCADE"), index=True)
    call_id: Mapped[int | None] = mapped_column(sa.ForeignKey("call_attempts.id", ondelete="SET NULL"))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Set for a personal callback; None for the team.
    agent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str | None] = mapped_column(sa.Text)
    status: Mapped[CallbackStatus] = mapped_column(str_enum(CallbackStatus, 10), default=CallbackStatus.PENDING)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class NoticeDecision(Base):
    """The client company's decision on a formal notice for one debtor (campaigns.escalation); no row: pending.

    One row per debtor, changed when the client changes its mind; each decision is an audit entry."""

    __tablename__ = "notice_decisions"

    APPROVED, DECLINED = "approved", "declined"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    debtor_id: Mapped[int] = mapped_column(sa.ForeignKey("debtor_accounts.id", ondelete="CASCADE"), unique=True)
    decision: Mapped[str] = mapped_column(sa.String(10))
    comment: Mapped[str | None] = mapped_column(sa.Text)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    decided_by = relationship("User")
