"""Loading a file: upload, mapping with a preview, check, confirm, background load with progress, summary."""
from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from flask_login import current_user

import sqlalchemy as sa

from campaigns.errors import DomainError
from campaigns.importing import service
from campaigns.importing.customers import FIELDS as CUSTOMER_FIELDS
from campaigns.importing.mapping import fields_for
from campaigns.importing.checking import said
from campaigns.importing.rejected_export import rejected_rows_xlsx
from campaigns.importing.update_export import changes_xlsx
from campaigns.models import ImportKind, ImportStatus, UpdateLine
from campaigns.money import format_eur

from ..auth.permissions import roles_required
from ..errors import domain_message
from ..extensions import db, htmx
from ..worker import imports as jobs
from . import bp
from .labels import CHANGE_LABELS, KIND_LABELS, KINDS, PROMISE_LABELS
from .routes import STAFF, load_campaign

INLINE_CHECK_BYTES = 2_000_000  # above this, rows are checked in the background
MAX_NAME = 255                  # ImportBatch.file_name

FIELD_LABELS = {
    "customer_code": lazy_gettext("Customer code"), "company_name": lazy_gettext("Company name"),
    "siren": lazy_gettext("SIREN"), "contact_name": lazy_gettext("Contact name"), "phone": lazy_gettext("Phone"),
    "email": lazy_gettext("Email"), "invoice_number": lazy_gettext("Invoice number"),
    "invoice_date": lazy_gettext("Invoice date"), "due_date": lazy_gettext("Due date"),
    "amount": lazy_gettext("Amount"), "outstanding": lazy_gettext("Outstanding amount"),
    "currency": lazy_gettext("Currency"), "segment": lazy_gettext("Segment or typology"),
    "comment": lazy_gettext("Comment"), "status": lazy_gettext("Status (paid, draft…)"),
    "paid_amount": lazy_gettext("Amount paid"), "payment_date": lazy_gettext("Payment date"),
    "payment_method": lazy_gettext("Payment method"), "payment_reference": lazy_gettext("Payment reference"),
    "siret": lazy_gettext("SIRET"), "address": lazy_gettext("Postal address"), "language": lazy_gettext("Language"),
    "company_size": lazy_gettext("Company size (TPE, PME, ETI, large, or headcount)"),
}
LINES_PER_PAGE = 100


def original_name(raw: str) -> str:
    """The file's own name as the manager's computer sent it, made harmless to keep and show.

    Browsers may send a full path (``C:\\Users\\...``), and a crafted request anything: folders, NUL bytes
    (which PostgreSQL refuses and a path cannot hold), control or direction characters, thousands of characters.
    The stored copy is named by its sha256 whatever this returns; this is only the name people read.
    """
    name = raw.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    if len(name) > MAX_NAME:
        stem, dot, suffix = name.rpartition(".")
        name = stem[:MAX_NAME - len(suffix) - 1] + dot + suffix if dot and len(suffix) <= 8 else name[:MAX_NAME]
    return name if name.strip(".") else _("file")


def _batch(campaign_id: int, batch_id: int):
    campaign = load_campaign(campaign_id)
    try:
        return campaign, service.get_batch(db.session, campaign.id, batch_id)
    except DomainError:
        abort(404)


@bp.route("/campaigns/<int:campaign_id>/imports", methods=["POST"])
@roles_required(*STAFF)
def upload(campaign_id: int):
    """Keep the uploaded file, then go to its mapping."""
    campaign = load_campaign(campaign_id)
    file = request.files.get("file")
    kind = KINDS.get(request.form.get("kind", ""), ImportKind.INITIAL)
    if file is None or not file.filename:
        flash(_("Choose a file to upload."), "error")
        return redirect(url_for("manage.campaign", campaign_id=campaign.id), 303)
    customers_upload = request.files.get("customers_file")
    customers_file = None
    if customers_upload is not None and customers_upload.filename:
        customers_file = (original_name(customers_upload.filename), customers_upload.read())
    try:
        batch = service.store_upload(db.session, campaign, original_name(file.filename), file.read(),
                                     current_app.config["UPLOAD_FOLDER"], user_id=current_user.id, kind=kind,
                                     max_bytes=current_app.config["MAX_UPLOAD_MB"] * 1_000_000,
                                     customers_file=customers_file)
    except DomainError as exc:
        flash(domain_message(exc), "error")
        return redirect(url_for("manage.campaign", campaign_id=campaign.id), 303)
    db.session.commit()
    return redirect(url_for("manage.mapping", campaign_id=campaign.id, batch_id=batch.id), 303)


@bp.route("/campaigns/<int:campaign_id>/imports/<int:batch_id>/mapping", methods=["GET", "POST"])
@roles_required(*STAFF)
def mapping(campaign_id: int, batch_id: int):
    """Preview of the first rows and the suggested mapping, editable; posting it checks every row."""
    campaign, batch = _batch(campaign_id, batch_id)
    sheet = request.values.get("sheet") or None
    error, status = None, 200
    if batch.status is ImportStatus.REFUSED:     # said once: a refused file is not read again
        return render_template("manage/refused.html", campaign=campaign, batch=batch, message=batch.error), 422
    customers_sheet = request.values.get("customers_sheet") or None
    try:
        analysis = service.analyse(db.session, batch, sheet, customers_sheet=customers_sheet)
    except DomainError as exc:
        message = domain_message(exc)
        if sheet is None and batch.status is ImportStatus.UPLOADED:
            batch.status, batch.error = ImportStatus.REFUSED, message
            db.session.commit()
        return render_template("manage/refused.html", campaign=campaign, batch=batch, message=message), 422
    chosen = analysis.suggested if batch.mapping is None or sheet else batch.mapping
    fields = fields_for(batch.kind is ImportKind.PAYMENTS)
    if request.method == "POST":
        try:
            service.ensure_mapping_open(batch)
        except DomainError as exc:
            flash(domain_message(exc), "error")
            return redirect(url_for("manage.batch", campaign_id=campaign.id, batch_id=batch.id), 303)
        chosen = {}
        for index, column in enumerate(analysis.header):
            field = request.form.get(f"col-{index}", "")
            if field in fields:
                chosen.setdefault(field, []).append(column)
        customers_chosen = None
        if analysis.customers is not None:
            customers_chosen = {}
            for index, column in enumerate(analysis.customers.header):
                field = request.form.get(f"cust-{index}", "")
                if field in CUSTOMER_FIELDS:
                    customers_chosen.setdefault(field, []).append(column)
        try:
            doubts = [c for c in analysis.plan.uncertain() if chosen.get(c.field) == c.columns]
            if analysis.customers is not None:
                doubts += [c for c in analysis.customers.plan.uncertain() if customers_chosen.get(c.field) == c.columns]
            if doubts and not request.form.get("confirm_uncertain"):
                # The manager kept a choice the contents do not bear out: it must be said, not assumed.
                raise DomainError(_("Confirm the uncertain columns (marked in orange), or choose others."),
                                  field="mapping")
            service.choose_customers(batch, customers_sheet)
            if analysis.customers is not None:
                customers_chosen = service.validate_customers_mapping(analysis.customers, customers_chosen)
            if batch.size_bytes > INLINE_CHECK_BYTES:
                # A large file is checked by the worker; the page follows it.
                batch.mapping = service.validate_mapping(analysis, chosen, batch.kind is ImportKind.PAYMENTS)
                batch.customers_mapping = customers_chosen
                batch.sheet_name, batch.status = analysis.grid.sheet, ImportStatus.RUNNING
            else:
                service.check(db.session, batch, chosen, analysis.grid.sheet, translate=_,
                              customers_chosen=customers_chosen)
        except DomainError as exc:
            db.session.rollback()
            error, status = domain_message(exc), 422
            batch = service.get_batch(db.session, campaign.id, batch_id)
        else:
            db.session.commit()
            if batch.status is ImportStatus.RUNNING:
                jobs.start(batch.id, "check")
            return redirect(url_for("manage.batch", campaign_id=campaign.id, batch_id=batch.id), 303)
    by_column = {column: field for field, columns in chosen.items() for column in columns}
    table = analysis.customers
    customers_by_column, customers_why, uncertain = {}, {}, analysis.plan.uncertain()
    if table is not None:
        shown = (customers_chosen if request.method == "POST" else None) or (
            batch.customers_mapping if customers_sheet in (None, batch.customers_sheet) and batch.customers_mapping
            else table.suggested)
        customers_by_column = {column: field for field, columns in shown.items() for column in columns}
        customers_why = _reasons(table.plan)
        uncertain = uncertain + table.plan.uncertain()
    return render_template("manage/mapping.html", campaign=campaign, batch=batch, analysis=analysis,
                           by_column=by_column, fields=fields, labels=FIELD_LABELS, error=error,
                           why=_reasons(analysis.plan), changes=[_said(c) for c in analysis.plan.changes],
                           uncertain=uncertain, quoted=quoted, customers=table,
                           customers_by_column=customers_by_column, customers_why=customers_why,
                           customer_fields=CUSTOMER_FIELDS, join=analysis.join,
                           customers_changes=[_said(c) for c in table.plan.changes] if table else [],
                           customers_sheets=_customers_sheets(batch, analysis)), status


def _customers_sheets(batch, analysis) -> list[str]:
    """The sheets the manager may take the customers from (none when the customers come from a text file)."""
    if batch.customers_source == "file" and batch.customers_path:
        table = analysis.customers
        return [table.sheet] if table is not None and table.sheet else []
    return [name for name in analysis.grid.sheet_names if name != analysis.grid.sheet]


def quoted(names) -> str:
    """Column names quoted the way the user's language does."""
    return ", ".join(_("“%(name)s”", name=name) for name in names)


def _said(note) -> str:
    """A plan's reason or change in the user's language (its message is an English msgid)."""
    params = {k: quoted(v) if isinstance(v, list) else v for k, v in note.params.items()}
    return _(note.message if hasattr(note, "message") else note.reason).format(**params)


def _reasons(plan) -> dict[str, tuple[bool, str]]:
    """{column: (sure, why)} for every column the plan chose."""
    return {column: (choice.sure, _said(choice)) for choice in plan.choices.values() for column in choice.columns}


@bp.route("/campaigns/<int:campaign_id>/imports/<int:batch_id>")
@roles_required(*STAFF)
def batch(campaign_id: int, batch_id: int):
    """The check (counts, quality, rejected rows), then progress while loading, then the summary."""
    campaign, batch = _batch(campaign_id, batch_id)
    done = jobs.read_progress(batch.id) if batch.status in (ImportStatus.QUEUED, ImportStatus.RUNNING) else None
    # A worker that died leaves the batch "loading": shown as failed (the worker's next sweep records it).
    context = dict(campaign=campaign, batch=batch, done=done or 0, labels=FIELD_LABELS,
                   rejections=batch.rejections[:500], interrupted=jobs.import_interrupted(batch),
                   kind_labels=KIND_LABELS, change_labels=CHANGE_LABELS, promise_labels=PROMISE_LABELS,
                   warnings=_warnings(batch))
    if htmx and request.args.get("page") is None:
        return render_template("manage/_import_status.html", **context)
    if batch.kind.is_update:
        context.update(_lines_page(batch, request.args.get("page", "1")))
        if htmx:
            return render_template("manage/_update_lines.html", **context)
    return render_template("manage/batch.html", **context)


def _warnings(batch) -> list[tuple[int | None, str | None, str]]:
    """(row, column, what) for each warning of the check, in the user's language."""
    return [(w.get("row"), w.get("column"), said(w["message"], w.get("params", {}), _,
                                                 lambda cents: format_eur(cents, batch.currency)))
            for w in (batch.quality or {}).get("warnings", [])]


def _lines_page(batch, page: str) -> dict:
    """One page of an update file's lines (the preview before it is applied, the record after)."""
    count = db.session.scalar(sa.select(sa.func.count()).select_from(UpdateLine).where(UpdateLine.batch_id == batch.id))
    pages = max(1, -(-count // LINES_PER_PAGE))
    number = min(max(int(page) if page.isdigit() and len(page) < 9 else 1, 1), pages)
    lines = db.session.scalars(sa.select(UpdateLine).where(UpdateLine.batch_id == batch.id)
                               .order_by(UpdateLine.seq).offset((number - 1) * LINES_PER_PAGE)
                               .limit(LINES_PER_PAGE)).all()
    return dict(lines=lines, lines_count=count, page=number, pages=pages)


@bp.route("/campaigns/<int:campaign_id>/imports/<int:batch_id>/confirm", methods=["POST"])
@roles_required(*STAFF)
def confirm(campaign_id: int, batch_id: int):
    """Queue the load in the background; the page follows its progress."""
    campaign, batch = _batch(campaign_id, batch_id)
    try:
        service.confirm(db.session, batch, user_id=current_user.id,
                        absent_acknowledged=request.form.get("absent_acknowledged") == "1",
                        typed=request.form.get("typed", "")[:20])
    except DomainError as exc:
        flash(domain_message(exc), "error")
        return redirect(url_for("manage.batch", campaign_id=campaign.id, batch_id=batch.id), 303)
    db.session.commit()
    jobs.start(batch.id, "load")
    return redirect(url_for("manage.batch", campaign_id=campaign.id, batch_id=batch.id), 303)


@bp.route("/campaigns/<int:campaign_id>/imports/<int:batch_id>/retry", methods=["POST"])
@roles_required(*STAFF)
def retry(campaign_id: int, batch_id: int):
    """Run again a check or a load that failed or whose worker died; the page follows it again."""
    campaign, batch = _batch(campaign_id, batch_id)
    here = url_for("manage.batch", campaign_id=campaign.id, batch_id=batch.id)
    if batch.status in (ImportStatus.QUEUED, ImportStatus.RUNNING) and not jobs.import_interrupted(batch):
        flash(_("This import is still being processed."), "error")
        return redirect(here, 303)
    stage = jobs.import_stage_to_retry(batch)
    try:
        service.retry(db.session, batch, stage, user_id=current_user.id)
    except DomainError as exc:
        flash(domain_message(exc), "error")
        return redirect(here, 303)
    db.session.commit()
    jobs.start(batch.id, stage)
    return redirect(here, 303)


@bp.route("/campaigns/<int:campaign_id>/imports/<int:batch_id>/rejected.xlsx")
@roles_required(*STAFF)
def rejected(campaign_id: int, batch_id: int):
    """The rejected rows with their original columns and the reason, for the client."""
    campaign, batch = _batch(campaign_id, batch_id)
    header = service.analyse(db.session, batch).header
    data = rejected_rows_xlsx(db.session, batch, header, _("Row"), _("Column"), _("Reason"))
    name = f"rejets-{batch.id}.xlsx"
    return Response(data, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.route("/campaigns/<int:campaign_id>/imports/<int:batch_id>/changes.xlsx")
@roles_required(*STAFF)
def changes(campaign_id: int, batch_id: int):
    """Every line of an update file's preview (or record), as a workbook."""
    campaign, batch = _batch(campaign_id, batch_id)
    if not batch.kind.is_update:
        abort(404)
    headings = [_("Row"), _("Invoice"), _("Debtor"), _("Change"), _("Outstanding before"), _("Outstanding after"),
                _("Payment"), _("Payment date"), _("Promise"), _("Payment reference")]
    data = changes_xlsx(db.session, batch, headings, lambda kind: str(CHANGE_LABELS[kind]),
                        {k: str(v) for k, v in PROMISE_LABELS.items()})
    return Response(data, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="changements-{batch.id}.xlsx"'})
