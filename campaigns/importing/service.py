"""Import batches: store an upload, preview and map it, check it, then apply it all or nothing.

Used the same way by the web pages, the command line and the background jobs.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.orm import Session

from .. import audit, client_settings, clock, payment_terms, priority
from ..errors import Conflict, DomainError, N_, NotFound
from ..models import (Campaign, ClientCompany, DebtorAccount, ImportBatch, ImportKind, ImportRejection, ImportStatus)
from . import (checking, collector, column_plan, columns, customers, header, ledger, ledger_cache, loading, mapping,
               payments, reading, sheet_choice, updating)
from .parsing import text

DEFAULT_MAX_BYTES = 100 * 1_000_000
PREVIEW_ROWS = 8
SAMPLE_ROWS = column_plan.PROFILE_ROWS     # rows the mapping is judged on
# Text files above this size are checked in chunks of rows, so that memory stays bounded (1M rows < 1.5 GB).
LARGE_TEXT_BYTES = 20_000_000
HEAD_ROWS = header.SCAN_ROWS + SAMPLE_ROWS + 1
CHUNK_ROWS = 100_000


NO_CUSTOMERS = "-"          # the manager's choice of no customers table


@dataclass
class Analysis:
    """What the mapping page shows: the sheet, the header row, the first rows and the suggested mapping."""
    grid: reading.Grid
    header_index: int
    header: list[str]
    preview: list[list[str]]
    plan: column_plan.ColumnPlan
    customers: customers.CustomerTable | None = None   # a customers sheet or file to join, when there is one
    customer_headings: bool = False     # no customer column, but headings naming each group's customer
    join: customers.Join | None = None                 # how the invoices meet it, on the rows read here
    # How the file was read, to read it again whole the same way (a FEC's date is in its name).
    file_name: str = ""
    customer_accounts: tuple[str, ...] = ()

    @property
    def suggested(self) -> dict[str, list[str]]:
        return self.plan.mapping()


def store_upload(session: Session, campaign: Campaign, file_name: str, data: bytes, upload_folder: str,
                 user_id: int | None = None, kind: ImportKind = ImportKind.INITIAL,
                 max_bytes: int = DEFAULT_MAX_BYTES, customers_file: tuple[str, bytes] | None = None) -> ImportBatch:
    """Keep the original file with its sha256; refuse unreadable files and a file already loaded.

    ``customers_file`` (name, bytes): the client's customers, kept beside it and joined by the customer key."""
    if len(data) > max_bytes:
        raise reading.refuse(N_("The file is larger than the limit of {limit} MB."), limit=max_bytes // 1_000_000)
    reading.screen(data, file_name)
    sha = hashlib.sha256(data).hexdigest()
    earlier = session.scalar(sa.select(ImportBatch).where(
        ImportBatch.campaign_id == campaign.id, ImportBatch.sha256 == sha,
        ImportBatch.status.in_([ImportStatus.APPLIED, ImportStatus.QUEUED, ImportStatus.RUNNING])))
    if earlier is not None:
        raise DomainError(N_("This file was already loaded into this campaign on {day} (import {batch})."),
                          field="file", day=earlier.created_at.strftime("%d/%m/%Y"), batch=earlier.id)
    loaded = session.scalar(sa.select(DebtorAccount.id).where(DebtorAccount.campaign_id == campaign.id).limit(1))
    if kind is ImportKind.INITIAL and loaded:
        raise DomainError(N_("This campaign already has receivables: load the new file as an update."), field="file")
    if kind.is_update and not loaded:
        raise DomainError(N_("This campaign has no receivables yet: load the receivables file first."), field="file")
    if customers_file is not None:
        if kind is ImportKind.PAYMENTS:
            raise DomainError(N_("A payments list names invoices only: give the customers file with the "
                                 "receivables file."), field="customers_file")
        if len(customers_file[1]) > max_bytes:
            raise DomainError(N_("The customers file is larger than the limit of {limit} MB."), field="customers_file",
                              limit=max_bytes // 1_000_000)
        try:
            reading.screen(customers_file[1], customers_file[0])
        except DomainError as exc:
            raise DomainError(N_("The customers file: {reason}"), field="customers_file",
                              reason=exc) from None
    folder = Path(upload_folder) / str(campaign.id)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{sha}{Path(file_name).suffix.lower()[:8]}"
    path.write_bytes(data)
    batch = ImportBatch(campaign_id=campaign.id, kind=kind, status=ImportStatus.UPLOADED, file_name=file_name[:255],
                        stored_path=str(path), sha256=sha, size_bytes=len(data), uploaded_by_id=user_id,
                        currency=campaign.currency)
    if customers_file is not None:
        name, content = customers_file
        customers_sha = hashlib.sha256(content).hexdigest()
        customers_path = folder / f"{customers_sha}{Path(name).suffix.lower()[:8]}"
        customers_path.write_bytes(content)
        batch.customers_source, batch.customers_file_name = "file", name[:255]
        batch.customers_path, batch.customers_sha256 = str(customers_path), customers_sha
    session.add(batch)
    session.flush()
    audit.record(session, user_id, "import.upload", batch, campaign_id=campaign.id, file=file_name, sha256=sha)
    return batch


def get_batch(session: Session, campaign_id: int, batch_id: int) -> ImportBatch:
    batch = session.get(ImportBatch, batch_id)
    if batch is None or batch.campaign_id != campaign_id:
        raise NotFound(N_("No such import."))
    return batch


def analyse(session: Session, batch: ImportBatch, sheet: str | None = None, data: bytes | None = None,
            customers_sheet: str | None = None) -> Analysis:
    """Read the stored file (only its head when it is a large text file) and suggest a mapping.

    ``customers_sheet``: the customers sheet to show instead of the batch's ("-": none)."""
    data = data if data is not None else Path(batch.stored_path).read_bytes()
    nrows = HEAD_ROWS if len(data) > LARGE_TEXT_BYTES else None
    owner = session.get(ClientCompany, session.get(Campaign, batch.campaign_id).client_company_id)
    grid = ledger_cache.read_stored(batch.stored_path, data, batch.file_name, sheet or batch.sheet_name, nrows,
                                    client_settings.customer_prefixes(owner))
    index = header.find_header(grid.rows)
    names = unique_names([text(c) for c in grid.rows[index]])
    grid.rows[index] = names
    body = [[text(c) for c in row] for row in grid.rows[index + 1:index + 1 + SAMPLE_ROWS]]
    campaign = session.get(Campaign, batch.campaign_id)
    company = session.get(ClientCompany, campaign.client_company_id)
    is_payments = batch.kind is ImportKind.PAYMENTS
    remembered = remembered_columns = None
    if company:
        remembered = company.payments_mapping if is_payments else company.column_mapping
        remembered_columns = company.payments_mapping_columns if is_payments else company.column_mapping_columns
    # Columns are judged on the invoice rows: headings, totals and blank lines say nothing of them.
    judged = [row for row in body if not (header.is_blank(row) or header.is_heading(row) or header.is_total(row))]
    plan = column_plan.plan(names, judged, remembered, remembered_columns, payments=is_payments)
    preview = [row for row in body if any(row)][:PREVIEW_ROWS]
    analysis = Analysis(grid, index, names, preview, plan, file_name=batch.file_name or "",
                        customer_accounts=client_settings.customer_prefixes(owner))
    mapped = plan.mapping()
    analysis.customer_headings = (not is_payments and not mapped.get("customer_code") and not mapped.get("company_name")
                                  and header.customer_headings(grid.rows[index + 1:index + 1 + SAMPLE_ROWS]))
    if not is_payments and customers_sheet != NO_CUSTOMERS:
        analysis.customers = customers_table(batch, grid, company, customers_sheet)
        if analysis.customers is not None:
            remembered_here = batch.customers_mapping if customers_sheet in (None, batch.customers_sheet) else None
            analysis.join = preview_join(analysis, plan.mapping(), remembered_here or analysis.customers.suggested)
    return analysis


def choose_customers(batch: ImportBatch, sheet: str | None) -> None:
    """The manager's choice of the customers table: a sheet (of the workbook, or of the customers file when one
    was given), or none ("-"); nothing said (None) keeps the batch's."""
    if sheet is None:
        return
    if sheet == NO_CUSTOMERS:
        batch.customers_source, batch.customers_mapping = "none", None
        return
    batch.customers_source = "file" if batch.customers_path else "sheet"
    if sheet != batch.customers_sheet:
        batch.customers_mapping = None
    batch.customers_sheet = sheet


def customers_table(batch: ImportBatch, grid: reading.Grid, company: ClientCompany | None,
                    sheet: str | None = None) -> customers.CustomerTable | None:
    """The customers table to join: the batch's second file, the sheet the manager chose, or a customers sheet
    found beside the invoices; None when there is none (or the manager declined it)."""
    remembered = company.customers_mapping if company else None
    remembered_columns = company.customers_mapping_columns if company else None
    if batch.customers_source == "file" and batch.customers_path:
        other = reading.read_file(Path(batch.customers_path).read_bytes(), batch.customers_file_name or "")
        sheets = {other.sheet or "": other.rows, **other.other_sheets}
        chosen = sheet or batch.customers_sheet
        if chosen not in sheets:
            chosen = sheet_choice.customers_sheet(sheets, None) or (other.sheet or "")
        return customers.table(sheets[chosen], "file", batch.customers_file_name or "", remembered,
                               remembered_columns, sheet=chosen or None)
    if batch.customers_source == "none" and sheet is None:
        return None
    chosen = sheet or (batch.customers_sheet if batch.customers_source == "sheet" else None)
    if chosen is None or chosen not in grid.other_sheets:
        chosen = sheet_choice.customers_sheet(grid.other_sheets, grid.sheet)
    if chosen is None:
        return None
    return customers.table(grid.other_sheets[chosen], "sheet", chosen, remembered, remembered_columns, sheet=chosen)


def preview_join(analysis: Analysis, invoices_mapping: dict, customers_mapping: dict) -> customers.Join | None:
    """The join on the rows read for the mapping page: customers read, invoices whose key names none."""
    table = analysis.customers
    code = (invoices_mapping.get("customer_code") or [None])[0]
    number = (invoices_mapping.get("invoice_number") or [None])[0]
    if code not in analysis.header or not customers_mapping.get("customer_code"):
        return None
    found, summary = customers.read(table, customers_mapping)
    at, at_number = analysis.header.index(code), analysis.header.index(number) if number in analysis.header else None
    codes = [text(row[at]) if at < len(row) else "" for row in analysis.grid.rows[analysis.header_index + 1:]
             if at_number is None or (at_number < len(row) and text(row[at_number]))]
    return customers.preview_join(codes, found, summary)


def unique_names(names: list[str]) -> list[str]:
    """Header names made unique and non-empty, so a mapping can name any column."""
    seen: dict[str, int] = {}
    out = []
    for i, name in enumerate(names):
        name = name or f"#{i + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name} ({seen[name]})"
        else:
            seen[name] = 1
        out.append(name)
    return out


def ensure_mapping_open(batch: ImportBatch) -> None:
    """A batch's mapping can be changed until it is confirmed: after that, the counts the manager confirmed
    (and, once loaded, the client's enriched file) rest on it."""
    if batch.status is ImportStatus.APPLIED:
        raise Conflict(N_("This file is already loaded: its columns can no longer be changed. To load it "
                          "with other columns, upload it again as an update file."))
    if batch.status in (ImportStatus.QUEUED, ImportStatus.RUNNING):
        raise Conflict(N_("This file is being processed: its columns can be changed once the processing ends."))


@collector.while_paused
def check(session: Session, batch: ImportBatch, chosen: dict[str, list[str]] | None = None, sheet: str | None = None,
          translate=lambda s: s, keep: bool = True, now: datetime | None = None,
          customers_chosen: dict[str, list[str]] | None = None):
    """Check every row with the chosen mapping; record the counts, rejections and (for an update) the planned
    changes on the batch (nothing else). Returns a ``CheckResult`` (a ``PaymentsCheck`` for a payments list)."""
    if batch.status is ImportStatus.APPLIED:
        ensure_mapping_open(batch)
    data = Path(batch.stored_path).read_bytes()
    analysis = analyse(session, batch, sheet, data)
    chosen = validate_mapping(analysis, chosen or analysis.suggested, payments=batch.kind is ImportKind.PAYMENTS)
    campaign = session.get(Campaign, batch.campaign_id)
    if batch.kind is ImportKind.PAYMENTS:
        grid = analysis.grid if not analysis.grid.truncated else _whole(data, analysis)
        result = payments.check(grid.rows, analysis.header_index, chosen, clock.today(campaign, now),
                                campaign.currency, translate)
    else:
        company = session.get(ClientCompany, campaign.client_company_id)
        result = _check_rows(data, analysis, chosen, campaign.currency, translate, payment_terms.terms_of(company))
        result.ledger = analysis.grid.ledger
        if analysis.customers is not None:
            customers_chosen = validate_customers_mapping(analysis.customers, customers_chosen
                                                          or batch.customers_mapping or analysis.customers.suggested)
            _join(result, analysis.customers, customers_chosen, chosen)
            batch.customers_source = batch.customers_source or "sheet"
            batch.customers_sheet = analysis.customers.sheet
            batch.customers_mapping = customers_chosen
            batch.customers_columns = analysis.customers.plan.remember(analysis.customers.header)
        if analysis.grid.odd_lines:
            odd = analysis.grid.odd_lines
            result.warnings.insert(0, checking.FileWarning(checking.W_ODD_LINES,
                                                        {"count": len(odd), "lines": checking.lines_list(odd)}))
    del data
    if result.accepted + result.rejected == 0:
        raise DomainError(N_("The file has column headers but no invoice rows."), field="file")
    batch.sheet_name = analysis.grid.sheet
    batch.header_row = analysis.header_index + 1
    batch.mapping = chosen
    batch.columns = analysis.plan.remember(analysis.header)
    _record_counts(batch, result)
    if keep:
        session.execute(sa.delete(ImportRejection).where(ImportRejection.batch_id == batch.id))
        if result.rejections:
            session.execute(sa.insert(ImportRejection), [
                {"batch_id": batch.id, "row_number": r.row, "column": r.column and r.column[:200],
                 "reason": r.reason, "raw": r.raw} for r in result.rejections])
        if batch.kind.is_update:
            plan = plan_update(session, campaign, batch, result, now)
            updating.preview(session, campaign, plan, now)
            updating.write_lines(session, batch.id, plan)
            batch.changes_summary = plan.summary()
        batch.status = ImportStatus.CHECKED
        session.flush()
    return result


def plan_update(session: Session, campaign: Campaign, batch: ImportBatch, result, now: datetime | None = None):
    """What an update file of either kind would change, line by line, as the campaign stands now."""
    if batch.kind is ImportKind.PAYMENTS:
        return updating.plan_payments(session, campaign, result)
    return updating.plan_balance(session, campaign, result, clock.today(campaign, now))


def _whole(data: bytes, analysis: Analysis) -> reading.Grid:
    grid = reading.read_file(data, analysis.file_name, sheet=analysis.grid.sheet,
                             customer_accounts=analysis.customer_accounts or ledger.CUSTOMER_PREFIXES)
    grid.rows[analysis.header_index] = analysis.header
    return grid


def validate_mapping(analysis: Analysis, chosen: dict, payments: bool = False) -> dict[str, list[str]]:
    """The mapping without empty choices; refused when it names unknown columns or leaves out required fields."""
    fields = mapping.fields_for(payments)
    chosen = {f: [c for c in cols if c] for f, cols in chosen.items() if f in fields}
    chosen = {f: cols for f, cols in chosen.items() if cols}
    unknown = [c for cols in chosen.values() for c in cols if c not in analysis.header]
    if unknown:
        raise DomainError(N_("The file has no column named {columns}."), field="mapping", columns=", ".join(unknown))
    missing = mapping.missing_required(chosen, payments, customer_headings=not payments and analysis.customer_headings)
    if missing:
        raise DomainError(N_("Required columns are not mapped: {fields}."), field="mapping", fields=missing)
    return chosen


def validate_customers_mapping(table: customers.CustomerTable, chosen: dict) -> dict[str, list[str]]:
    """The customers mapping without empty choices; refused when it names unknown columns or has no key."""
    chosen = {f: [c for c in cols if c] for f, cols in chosen.items() if f in customers.FIELDS}
    chosen = {f: cols for f, cols in chosen.items() if cols}
    unknown = [c for cols in chosen.values() for c in cols if c not in table.header]
    if unknown:
        raise DomainError(N_("The customers table has no column named {columns}."), field="customers_mapping",
                          columns=", ".join(unknown))
    if not chosen.get("customer_code"):
        raise DomainError(N_("Choose the customers table's column that holds the customer code the invoices refer "
                             "to, or do not join it."), field="customers_mapping")
    return chosen


def _join(result: checking.CheckResult, table: customers.CustomerTable, chosen: dict, invoices_mapping: dict) -> None:
    """Join the checked debtors to their customers; a warning names the customers table's row and column."""
    if not invoices_mapping.get("customer_code"):
        raise DomainError(N_("The invoices have no customer code column: the customers table cannot be joined to "
                             "them. Map the invoices' customer code, or do not join the customers table."),
                          field="customers_mapping")
    found, summary = customers.read(table, chosen)
    columns_of = {f: cols[0] for f, cols in chosen.items()}

    def warn(message, row, field, **params):
        result.warnings_count += 1
        if len(result.warnings) < checking.MAX_WARNINGS:
            result.warnings.append(checking.FileWarning(message, params, row,
                                                        f"{table.name} · {columns_of.get(field, field)}"))
    result.join = customers.join(result, found, summary, warn)


def _check_rows(data: bytes, analysis: Analysis, chosen: dict, currency: str, translate,
                terms: payment_terms.PaymentTerms) -> checking.CheckResult:
    """The whole grid at once, or a large text file chunk by chunk below its header."""
    grid, index = analysis.grid, analysis.header_index
    if grid.truncated:
        try:
            order = []
            for field in ("due_date", "invoice_date"):
                column = chosen.get(field, [None])[0]
                order.append(column is not None and columns.month_first(columns.texts(
                    reading.text_column(data, grid, index + 1, analysis.header.index(column)))))
            return checking.check(grid.rows[:index + 1], index, chosen, currency, translate,
                                  more=reading.text_chunks(data, grid, index + 1, CHUNK_ROWS), month_first=tuple(order),
                                  terms=terms, ragged=True)
        except pd.errors.ParserError:
            grid = _whole(data, analysis)
    return checking.check(grid.rows, index, chosen, currency, translate, terms=terms, ragged=grid.kind == "csv")


def _record_counts(batch: ImportBatch, result) -> None:
    batch.rows_read, batch.accepted, batch.rejected, batch.skipped = (
        result.rows_read, result.accepted, result.rejected, result.skipped)
    if isinstance(result, payments.PaymentsCheck):
        # A payments list: its invoices named, and the total paid it reports.
        batch.debtors_count = len({p.customer_code for p in result.payments if p.customer_code})
        batch.invoices_count = len({p.number for p in result.payments if p.number})
        batch.total_outstanding_cents = result.total_paid_cents
        batch.currencies = None
        batch.quality = None
        batch.progress_total = result.accepted
        return
    batch.debtors_count, batch.invoices_count = len(result.debtors), len(result.invoices)
    batch.total_outstanding_cents = result.total_outstanding_cents
    batch.currencies = {c: {"invoices": n, "outstanding_cents": cents} for c, (n, cents) in result.by_currency.items()}
    batch.quality = {**result.quality(), "reconciliation": result.totals.as_record(),
                     "estimated_due_dates": result.estimated, "lines_merged": result.lines_merged,
                     "settled": result.count_settled("settled"), "not_issued": result.count_settled("not_issued"),
                     "warnings": [w.as_dict() for w in result.warnings],
                     "customers": result.join.as_dict() if result.join else None,
                     "warnings_count": result.warnings_count, "ledger": getattr(result, "ledger", None) is not None}
    batch.progress_total = len(result.debtors) + len(result.invoices)


def confirm(session: Session, batch: ImportBatch, user_id: int | None = None, absent_acknowledged: bool = False,
            typed: str | None = None) -> None:
    """The manager confirmed: the batch waits for a worker.

    A complete balance that takes absent invoices as paid needs ``absent_acknowledged``; when more than a third
    of the open amount would go that way, ``typed`` must also be the number of those invoices.
    """
    if batch.status is not ImportStatus.CHECKED:
        raise DomainError(N_("This import cannot be confirmed in its current state."))
    summary = batch.changes_summary or {}
    absent = summary.get("absent_paid", 0)
    if batch.kind is ImportKind.UPDATE and absent:
        if not absent_acknowledged:
            raise DomainError(N_("{count} invoices absent from this file will be taken as paid: tick the box to "
                                 "confirm it."), field="absent_acknowledged", count=absent)
        if summary.get("needs_typed_confirmation") and (typed or "").strip() != str(absent):
            raise DomainError(N_("More than a third of the open amount would be taken as paid: type {count} (the "
                                 "number of invoices absent from the file) to confirm."), field="typed", count=absent)
    batch.status = ImportStatus.QUEUED
    audit.record(session, user_id, "import.confirm", batch, campaign_id=batch.campaign_id,
                 absent_paid=absent or None)
    session.flush()


@collector.while_paused
def apply(session: Session, batch: ImportBatch, translate=lambda s: s, progress=None,
          result=None, now: datetime | None = None):
    """Write the batch in the caller's transaction: every accepted row, or nothing if anything fails.

    ``result`` is the check just made in the same process (command line); a worker checks the stored file again.
    """
    if result is None:
        result = check(session, batch, batch.mapping, batch.sheet_name, translate, keep=False)
    campaign = session.get(Campaign, batch.campaign_id)
    batch.status = ImportStatus.RUNNING
    if batch.kind.is_update:
        # Planned again: calls and payments recorded since the check count.
        plan = plan_update(session, campaign, batch, result, now)
        updating.apply(session, campaign, batch.id, plan, result if batch.kind is ImportKind.UPDATE else None, now)
        updating.write_lines(session, batch.id, plan)
        batch.changes_summary = plan.summary()
    else:
        loading.load(session, campaign.id, batch.id, result, progress)
    priority.recompute_campaign(session, campaign.id, now)
    company = session.get(ClientCompany, campaign.client_company_id)
    if batch.kind is ImportKind.PAYMENTS:
        company.payments_mapping, company.payments_mapping_columns = batch.mapping, batch.columns
    else:
        company.column_mapping, company.column_mapping_columns = batch.mapping, batch.columns
        if batch.customers_mapping:
            company.customers_mapping, company.customers_mapping_columns = (batch.customers_mapping,
                                                                            batch.customers_columns)
    batch.status = ImportStatus.APPLIED
    batch.applied_at = clock.now()
    batch.progress_done = batch.progress_total
    audit.record(session, batch.uploaded_by_id, "import.apply", batch, campaign_id=campaign.id,
                 accepted=result.accepted, rejected=result.rejected, debtors=batch.debtors_count,
                 changes=batch.changes_summary and {k: v for k, v in batch.changes_summary.items()
                                                    if isinstance(v, int) and not isinstance(v, bool) and v})
    session.flush()
    return result


def mark_failed(session: Session, batch_id: int, message: str) -> None:
    """After a rollback: the batch says why nothing was written."""
    batch = session.get(ImportBatch, batch_id)
    batch.status = ImportStatus.FAILED
    batch.error = message[:2000]
    session.flush()


def retry(session: Session, batch: ImportBatch, stage: str, user_id: int | None = None) -> None:
    """Queue again the check or the load that failed or whose worker died: nothing of it was written.

    The caller knows the batch is no longer being worked on (a dead worker looks the same as a live one here).
    """
    if batch.status not in (ImportStatus.FAILED, ImportStatus.QUEUED, ImportStatus.RUNNING) or not batch.mapping:
        raise DomainError(N_("This import cannot be run again in its current state."))
    batch.status = ImportStatus.RUNNING if stage == "check" else ImportStatus.QUEUED
    batch.error = None
    audit.record(session, user_id, "import.retry", batch, campaign_id=batch.campaign_id, stage=stage)
    session.flush()


def batches(session: Session, campaign_id: int) -> list[ImportBatch]:
    return session.scalars(sa.select(ImportBatch).where(ImportBatch.campaign_id == campaign_id)
                           .order_by(ImportBatch.id.desc())).all()
