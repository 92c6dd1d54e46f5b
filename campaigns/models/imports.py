"""Import batches: every receivables or update file loaded into a campaign, with what came of each row."""
from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, str_enum, utcnow


class ImportKind(enum.StrEnum):
    INITIAL = "initial"      # the receivables file the campaign starts from
    UPDATE = "update"        # a complete new balance: every open invoice, absent ones are paid
    PAYMENTS = "payments"    # a list of payments received: only the invoices it names change

    @property
    def is_update(self) -> bool:
        """An update of a loaded campaign (either kind), as opposed to its first file."""
        return self is not ImportKind.INITIAL


class ImportStatus(enum.StrEnum):
    UPLOADED = "uploaded"      # file stored, mapping not confirmed yet
    CHECKED = "checked"        # dry run done, waiting for confirmation
    QUEUED = "queued"          # confirmed, waiting for a worker
    RUNNING = "running"
    APPLIED = "applied"
    FAILED = "failed"          # an error while loading: nothing was written
    REFUSED = "refused"        # the file itself was refused


class ImportBatch(Base):
    __tablename__ = "import_batches"
    __table_args__ = (sa.Index("ix_import_batches_campaign_sha", "campaign_id", "sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ImportKind] = mapped_column(str_enum(ImportKind, 10), default=ImportKind.INITIAL)
    status: Mapped[ImportStatus] = mapped_column(str_enum(ImportStatus, 10), default=ImportStatus.UPLOADED)
    file_name: Mapped[str] = mapped_column(sa.String(255))
    stored_path: Mapped[str | None] = mapped_column(sa.String(500))
    sha256: Mapped[str] = mapped_column(sa.String(64))
    size_bytes: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    sheet_name: Mapped[str | None] = mapped_column(sa.String(120))
    header_row: Mapped[int | None] = mapped_column()
    # {field: [column name, ...]} as confirmed by the manager.
    mapping: Mapped[dict | None] = mapped_column(sa.JSON)
    # The file's columns and the kind of values each holds, from the check (remembered with the mapping).
    columns: Mapped[list | None] = mapped_column(sa.JSON)
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    rows_read: Mapped[int] = mapped_column(default=0)
    accepted: Mapped[int] = mapped_column(default=0)
    rejected: Mapped[int] = mapped_column(default=0)
    skipped: Mapped[int] = mapped_column(default=0)  # totals and blank rows
    debtors_count: Mapped[int] = mapped_column(default=0)
    invoices_count: Mapped[int] = mapped_column(default=0)
    total_outstanding_cents: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    currency: Mapped[str] = mapped_column(sa.String(3), default="EUR")
    # {currency: {"invoices": n, "outstanding_cents": c}} of the checked file (amounts never summed across).
    currencies: Mapped[dict | None] = mapped_column(sa.JSON)
    # File quality: shares of debtors without phone, without email, duplicates...
    quality: Mapped[dict | None] = mapped_column(sa.JSON)
    # For update files: counts of paid / partly paid / new / unchanged invoices.
    changes_summary: Mapped[dict | None] = mapped_column(sa.JSON)
    progress_done: Mapped[int] = mapped_column(default=0)
    progress_total: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(sa.Text)
    # The customers table joined to the invoices (importing.customers): "sheet" of this workbook, "file" (a
    # second file, stored beside the first), "none" (the manager declined a sheet found), or None (none found).
    customers_source: Mapped[str | None] = mapped_column(sa.String(8))
    customers_sheet: Mapped[str | None] = mapped_column(sa.String(120))
    customers_file_name: Mapped[str | None] = mapped_column(sa.String(255))
    customers_path: Mapped[str | None] = mapped_column(sa.String(500))
    customers_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    customers_mapping: Mapped[dict | None] = mapped_column(sa.JSON)
    customers_columns: Mapped[list | None] = mapped_column(sa.JSON)

    rejections = relationship(
        "ImportRejection", back_populates="batch", order_by="ImportRejection.row_number",
        cascade="all, delete-orphan", passive_deletes=True,
    )


    @property
    def amounts(self) -> list[tuple[str, int]]:
        """(currency, outstanding cents) of the file, the campaign's currency first, never summed across."""
        others = sorted((c, int(v["outstanding_cents"])) for c, v in (self.currencies or {}).items()
                        if c != self.currency)
        return [(self.currency, self.total_outstanding_cents or 0), *others]

class ImportRejection(Base):
    """A row of the file that was not loaded, where and why, with its original values."""

    __tablename__ = "import_rejections"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(sa.ForeignKey("import_batches.id", ondelete="CASCADE"), index=True)
    row_number: Mapped[int] = mapped_column()  # 1-based line/row number in the file
    column: Mapped[str | None] = mapped_column(sa.String(200))
    reason: Mapped[str] = mapped_column(sa.Text)
    raw: Mapped[list | None] = mapped_column(sa.JSON)  # the original cells as text

    batch = relationship("ImportBatch", back_populates="rejections")


class InvoiceChangeKind(enum.StrEnum):
    PAID = "paid"
    PARTLY_PAID = "partly_paid"
    NEW = "new"
    UNCHANGED = "unchanged"
    INCREASED = "increased"


class InvoiceChange(Base):
    """What an update file changed on one invoice: the record payments are judged from."""

    __tablename__ = "invoice_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(sa.ForeignKey("import_batches.id", ondelete="CASCADE"), index=True)
    invoice_id: Mapped[int] = mapped_column(sa.ForeignKey("invoices.id", ondelete="CASCADE"), index=True)
    kind: Mapped[InvoiceChangeKind] = mapped_column(str_enum(InvoiceChangeKind, 12))
    old_outstanding_cents: Mapped[int | None] = mapped_column(sa.BigInteger)
    new_outstanding_cents: Mapped[int] = mapped_column(sa.BigInteger)
    # When the money arrived: the payment's own date in a payments list, the day the file was applied for a
    # complete balance (in the campaign's time zone).
    paid_on: Mapped[date | None] = mapped_column(sa.Date)
    payment_method: Mapped[str | None] = mapped_column(sa.String(40))
    payment_reference: Mapped[str | None] = mapped_column(sa.String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class UpdateLineKind(enum.StrEnum):
    """What an update file does, or would do, to one invoice it names (or leaves out)."""
    PAID = "paid"                    # now paid in full
    PARTLY_PAID = "partly_paid"
    OVERPAID = "overpaid"            # a payment above what was owed: the invoice goes to zero
    INCREASED = "increased"
    NEW = "new"                      # an invoice the campaign did not have
    ABSENT_PAID = "absent_paid"      # absent from a complete balance: taken as paid
    MATCHED = "matched"              # matched in full in the client's later ledger (FEC): paid on the match day
    UNKNOWN = "unknown"              # no such invoice in the campaign: not applied
    ALREADY_PAID = "already_paid"    # a payment on an invoice already paid: not applied
    AMBIGUOUS = "ambiguous"          # the number names invoices of several customers: not applied
    KEPT_REJECTED = "kept_rejected"  # its row was rejected: the invoice stays as it was
    BAD_REFERENCE = "bad_reference"  # a payment reference whose check digits fail: not applied

    @property
    def applied(self) -> bool:
        return self in (UpdateLineKind.PAID, UpdateLineKind.PARTLY_PAID, UpdateLineKind.OVERPAID,
                        UpdateLineKind.INCREASED, UpdateLineKind.NEW, UpdateLineKind.ABSENT_PAID,
                        UpdateLineKind.MATCHED)


class UpdateLine(Base):
    """One line of an update file's preview: written at the check, kept as the record of what the file did."""

    __tablename__ = "update_lines"
    __table_args__ = (sa.Index("ix_update_lines_batch_seq", "batch_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(sa.ForeignKey("import_batches.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column()
    kind: Mapped[UpdateLineKind] = mapped_column(str_enum(UpdateLineKind, 16))
    row_number: Mapped[int | None] = mapped_column()       # the row of the file; none for an absent invoice
    invoice_id: Mapped[int | None] = mapped_column(sa.ForeignKey("invoices.id", ondelete="SET NULL"))
    invoice_number: Mapped[str] = mapped_column(sa.String(80))
    debtor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("debtor_accounts.id", ondelete="SET NULL"))
    debtor_name: Mapped[str | None] = mapped_column(sa.String(300))
    before_cents: Mapped[int | None] = mapped_column(sa.BigInteger)
    after_cents: Mapped[int | None] = mapped_column(sa.BigInteger)
    paid_cents: Mapped[int | None] = mapped_column(sa.BigInteger)   # the payment the row gives
    paid_on: Mapped[date | None] = mapped_column(sa.Date)
    payment_reference: Mapped[str | None] = mapped_column(sa.String(80))   # as the row gives it
    promise_id: Mapped[int | None] = mapped_column(sa.ForeignKey("promises.id", ondelete="SET NULL"))
    promise_status: Mapped[str | None] = mapped_column(sa.String(16))  # PromiseStatus after the file
