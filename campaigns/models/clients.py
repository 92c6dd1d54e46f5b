"""Client companies (the creditors) and their non-payment motive taxonomy."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow


class ClientCompany(Base):
    __tablename__ = "client_companies"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    siren: Mapped[str | None] = mapped_column(sa.String(9))
    contact_name: Mapped[str | None] = mapped_column(sa.String(200))
    contact_email: Mapped[str | None] = mapped_column(sa.String(254))
    contact_phone: Mapped[str | None] = mapped_column(sa.String(40))
    # The last confirmed column mapping of this client's files: {field: [column, ...]}.
    column_mapping: Mapped[dict | None] = mapped_column(sa.JSON)
    # The same for its payments lists ("relevés de règlements").
    payments_mapping: Mapped[dict | None] = mapped_column(sa.JSON)
    # The columns of the file each was confirmed on: [{"name", "kind"}] (column_plan.ColumnPlan.remember).
    column_mapping_columns: Mapped[list | None] = mapped_column(sa.JSON)
    payments_mapping_columns: Mapped[list | None] = mapped_column(sa.JSON)
    # The same for the customers table joined to its invoices (a sheet or a second file): importing.customers.
    customers_mapping: Mapped[dict | None] = mapped_column(sa.JSON)
    customers_mapping_columns: Mapped[list | None] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    # Settings (campaigns/client_settings.py validates each): what letters, e-mails and due dates need.
    legal_name: Mapped[str | None] = mapped_column(sa.String(200))
    address: Mapped[str | None] = mapped_column(sa.String(300))        # street lines, one per line
    postal_code: Mapped[str | None] = mapped_column(sa.String(10))
    city: Mapped[str | None] = mapped_column(sa.String(100))
    siret: Mapped[str | None] = mapped_column(sa.String(14))
    iban: Mapped[str | None] = mapped_column(sa.String(34))
    bic: Mapped[str | None] = mapped_column(sa.String(11))
    # Payment terms: None = nothing agreed (the law's 30 days); kind: net, eom_then_days, days_then_eom.
    payment_terms_days: Mapped[int | None] = mapped_column()
    payment_terms_kind: Mapped[str | None] = mapped_column(sa.String(16))
    # Late-payment interest of its terms of sale, in percent a year (None: the law's default rate).
    late_interest_rate: Mapped[Decimal | None] = mapped_column(sa.Numeric(6, 3))
    reply_to_email: Mapped[str | None] = mapped_column(sa.String(254))
    # The account prefixes of its customers in its ledger (FEC), comma-separated; None: 411 (importing.ledger).
    customer_accounts: Mapped[str | None] = mapped_column(sa.String(100))
    # Its own wording of the e-mails to debtors: {kind: {language: {"subject": …, "body": …}}} with merge
    # fields (campaigns.mail.wording); a kind or language it leaves out is written in Relance's words.
    mail_templates: Mapped[dict | None] = mapped_column(sa.JSON)
    logo: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)
    logo_mime: Mapped[str | None] = mapped_column(sa.String(20))

    users = relationship("User", back_populates="client_company")
    campaigns = relationship("Campaign", back_populates="client_company")


class Motive(Base):
    """A node of the two-level non-payment motive taxonomy.

    Rows with no client company form the default taxonomy; a client company can
    add its own rows or switch default ones off (a row with the same code).
    """

    __tablename__ = "motives"
    __table_args__ = (sa.UniqueConstraint("client_company_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_company_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("client_companies.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(sa.String(60))
    parent_code: Mapped[str | None] = mapped_column(sa.String(60))
    label_fr: Mapped[str] = mapped_column(sa.String(200))
    label_en: Mapped[str] = mapped_column(sa.String(200))
    # A blocking motive takes the debtor out of the queue until the client answers.
    blocks_queue: Mapped[bool] = mapped_column(default=False)
    # The agent may list requested documents (missing-documents family).
    asks_documents: Mapped[bool] = mapped_column(default=False)
    sort_order: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
