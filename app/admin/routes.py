from datetime import datetime, timezone

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from campaigns import accounts, audit, pause_reasons
from campaigns.errors import DomainError, NotFound, ValidationError
from campaigns.models import Role

from ..auth.permissions import roles_required
from ..errors import domain_message
from ..extensions import db
from ..labels import pause_reason_labels
from . import bp
from .labels import ACTION_LABELS
from .forms import UserForm


@bp.route("/users", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def users():
    """The accounts, and a form to create one."""
    form = UserForm()
    form.load_companies(db.session)
    status = 200
    if form.validate_on_submit():
        try:
            user = accounts.create_user(db.session, form.email.data, form.name.data, form.role.data,
                                        form.password.data, client_company_id=form.client_company_id.data or None,
                                        by_user_id=current_user.id)
        except ValidationError as exc:
            for field, error in exc.errors.items():
                getattr(form, field).errors.append(domain_message(error))
            status = 422
        except DomainError as exc:
            getattr(form, exc.field or "email").errors.append(domain_message(exc))
            status = 422
        else:
            db.session.commit()
            flash(_("Account created for %(email)s.", email=user.email), "success")
            return redirect(url_for("admin.users"), 303)
    elif form.is_submitted():
        status = 422
    return render_template("admin/users.html", form=form, users=accounts.list_users(db.session)), status


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@roles_required(Role.ADMIN)
def toggle_active(user_id: int):
    """Disable an account, or enable it again."""
    user = accounts.get_user(db.session, user_id)
    try:
        accounts.set_active(db.session, user, not user.is_active, by_user_id=current_user.id)
    except DomainError as exc:
        flash(domain_message(exc), "error")
    else:
        db.session.commit()
    return redirect(url_for("admin.users"), 303)


@bp.route("/audit")
@roles_required(Role.ADMIN)
def audit_log():
    """Who did what, newest first, filtered by campaign or action. Read-only: there is no way to change it."""
    campaign_id = request.args.get("campaign", type=int)
    action = request.args.get("action", "").strip()[:60] or None
    rows = audit.entries_page(db.session, campaign_id=campaign_id, action=action,
                              before_id=request.args.get("before", type=int))
    older = rows[-1][0].id if len(rows) == audit.PAGE_SIZE else None
    return render_template("admin/audit.html", rows=rows, campaign_id=campaign_id, action=action or "",
                           older=older, action_labels=ACTION_LABELS)


@bp.route("/health")
@roles_required(Role.ADMIN)
def health():
    """The background jobs: each worker's health, the queue's length and the periodic jobs' last runs."""
    import sqlalchemy as sa

    from campaigns.models import ImportBatch, ImportStatus

    from ..worker import heartbeats, housekeeping, store

    def when(epoch):
        return datetime.fromtimestamp(epoch, timezone.utc)

    workers = [{**w, "started_at": when(w["started"])} for w in heartbeats.workers()]
    runs = {name: ({**run, "at_time": when(run["at"])} if isinstance(run, dict) else None)
            for name, run in housekeeping.last_runs().items()}
    in_progress = db.session.scalar(sa.select(sa.func.count()).select_from(ImportBatch).where(
        ImportBatch.status.in_([ImportStatus.QUEUED, ImportStatus.RUNNING])))
    return render_template("admin/health.html", workers=workers, alive=any(w["alive"] for w in workers),
                           pending=store.pending_count(), imports_in_progress=in_progress, runs=runs)


@bp.route("/rates", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def rates_page():
    """The published rates by half-year, and a form to record a new one."""
    from campaigns import rates

    errors, form = {}, None
    if request.method == "POST":
        form = request.form
        try:
            row = rates.add_rate(db.session, current_user.id, form.get("kind", ""), form.get("half_year", ""),
                                 form.get("rate", ""), form.get("source", ""))
        except ValidationError as exc:
            db.session.rollback()
            errors = {name: domain_message(err) for name, err in exc.errors.items()}
        else:
            db.session.commit()
            flash(_("Rate of %(half)s recorded.", half=rates.half_year_label(row.starts_on)), "success")
            return redirect(url_for("admin.rates_page"), 303)
    return render_template("admin/rates.html", half_years=rates.half_years(db.session), errors=errors,
                           form=form), 422 if errors else 200


@bp.route("/pause-reasons", methods=["GET", "POST"])
@roles_required(Role.MANAGER, Role.ADMIN)
def pause_reasons_page():
    """The reasons negotiators choose from when they pause: rename, reorder, add, retire, offer again."""
    pause_reasons.ensure_defaults(db.session)   # seeded by the migration; a database made otherwise has none
    db.session.commit()
    errors, form = {}, None
    if request.method == "POST":
        form = request.form
        action, reason_id = form.get("action", ""), form.get("reason", type=int)
        try:
            if action == "add":
                pause_reasons.add(db.session, current_user.id, form.get("label", "")[:200], translate=_)
                done = _("Reason added: negotiators can choose it now.")
            elif action == "rename" and reason_id:
                pause_reasons.rename(db.session, current_user.id, reason_id, form.get("label", "")[:200], translate=_)
                done = _("Reason renamed.")
            elif action in ("retire", "offer") and reason_id:
                pause_reasons.set_offered(db.session, current_user.id, reason_id, action == "offer")
                done = _("Reason offered again.") if action == "offer" else _(
                    "Reason no longer offered; pauses already taken keep its name.")
            elif action in ("up", "down") and reason_id:
                pause_reasons.move(db.session, current_user.id, reason_id, -1 if action == "up" else 1)
                done = _("Order saved.")
            else:
                return _("This form is not one this page sends."), 400
        except NotFound as exc:
            db.session.rollback()
            return domain_message(exc), 404
        except DomainError as exc:
            db.session.rollback()
            exc_errors = exc.errors if isinstance(exc, ValidationError) else {exc.field or "label": exc}
            errors = {"target": reason_id if action != "add" else "new",
                      **{name: domain_message(err) for name, err in exc_errors.items()}}
        else:
            db.session.commit()
            flash(done, "success")
            return redirect(url_for("admin.pause_reasons_page"), 303)
    rows = pause_reasons.listed(db.session, include_retired=True)
    offered, names = pause_reason_labels(db.session)
    in_use = pause_reasons.times_chosen(db.session)
    return render_template("admin/pause_reasons.html", rows=rows, names=names, in_use=in_use, errors=errors,
                           form=form, offered_count=len(offered)), 422 if errors else 200
