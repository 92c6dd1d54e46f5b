"""The "À mettre en demeure" page: the debtors the campaign's rules propose for a formal notice, their penalties
to date, and the client company's decision on each (``campaigns.escalation``). Client users decide; the
manager follows."""
from __future__ import annotations

import io
import os
import re
import secrets
from pathlib import Path

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
import sqlalchemy as sa

from campaigns import escalation
from campaigns import notices as formal_notices
from campaigns.errors import DomainError, NotFound, ValidationError
from campaigns.models import DebtorAccount
from campaigns.notices import tracking

from ..auth.permissions import roles_required
from ..errors import domain_message
from .. import worker
from ..extensions import db, htmx
from ..worker import notices as notice_jobs
from . import bp
from .routes import READERS, STAFF, _campaign

def _labels() -> dict:
    return {"channels": {"lrar": _("Registered letter"), "ere": _("Electronic registered letter"),
                         "email": _("E-mail")},
            "reasons": {escalation.REFUSAL: _("Refused to pay"), escalation.BROKEN_PROMISES: _("Promises broken"),
                        escalation.UNREACHABLE: _("Unreachable"), escalation.OVERDUE: _("Long overdue")},
            "approval": {escalation.PENDING: _("Awaiting the client's decision"),
                         escalation.APPROVED: _("Formal notice approved"),
                         escalation.DECLINED: _("Not to be sent: calls go on")}}


@bp.route("/notices")
@roles_required(*READERS)
def notices(campaign_id: int):
    campaign = _campaign(campaign_id)
    rows = escalation.candidates(db.session, campaign)
    return render_template("supervision/notices.html", campaign=campaign, rows=rows, rules=escalation.rules_of(campaign),
                           can_decide=_can_decide(campaign), labels=_labels(),
                           issued=formal_notices.notices_of(db.session, campaign), is_staff=_is_staff(),
                           no_address=_without_address(rows),
                           approved=sum(1 for c in rows if c.approval == escalation.APPROVED))


def _without_address(rows) -> set[int]:
    """The proposed debtors with no postal address in the file: their letter cannot go by post as it is."""
    ids = [c.debtor_id for c in rows]
    found = set()
    for start in range(0, len(ids), 500):
        found |= set(db.session.scalars(sa.select(DebtorAccount.id).where(
            DebtorAccount.id.in_(ids[start:start + 500]),
            sa.or_(DebtorAccount.address.is_(None), DebtorAccount.address == ""))))
    return found


def _can_decide(campaign) -> bool:
    return current_user.role.value == "client" and current_user.client_company_id == campaign.client_company_id


@bp.route("/notices/<int:debtor_id>", methods=["POST"])
@roles_required(*READERS)
def decide_notice(campaign_id: int, debtor_id: int):
    campaign = _campaign(campaign_id)
    choice = request.form.get("decision")
    error = None
    if choice not in ("approve", "decline"):
        error = _("Choose whether to send the formal notice or not.")
    else:
        try:
            escalation.decide(db.session, campaign, debtor_id, current_user, approve=choice == "approve",
                              comment=request.form.get("comment"))
        except DomainError as exc:   # a debtor not proposed (or no longer) included: told, not a 404
            db.session.rollback()
            error = domain_message(exc)
        else:
            db.session.commit()
    if htmx:
        try:
            row = escalation.candidate(db.session, campaign, debtor_id)
        except NotFound as exc:
            return render_template("errors/_alert.html", code=422, message=error or domain_message(exc)), 422
        return render_template("supervision/_notice_row.html", campaign=campaign, c=row, can_decide=_can_decide(campaign),
                               labels=_labels(), error=error, issued=formal_notices.notices_of(db.session, campaign),
                               no_address=_without_address([row]),
                               is_staff=_is_staff(), typed=request.form.get("comment", "")), 422 if error else 200
    flash(error or _("Decision recorded."), "error" if error else "success")
    return redirect(url_for("supervision.notices", campaign_id=campaign.id) + f"#notice-{debtor_id}", 303)


# --- The letters: written once, downloaded, zipped, tracked -------------------------------------------------

INLINE_ZIP = 20       # more approved debtors than this: the zip is written by the job worker


def _back(campaign, debtor_id: int | None = None):
    anchor = f"#notice-{debtor_id}" if debtor_id else ""
    return redirect(url_for("supervision.notices", campaign_id=campaign.id) + anchor, 303)


def _is_staff() -> bool:
    return current_user.role in STAFF


@bp.route("/notices/<int:debtor_id>/letter.pdf")
@roles_required(*READERS)
def notice_letter(campaign_id: int, debtor_id: int):
    """The debtor's formal notice: written the first time a manager asks, the same document afterwards."""
    campaign = _campaign(campaign_id)
    notice = formal_notices.notice_of(db.session, campaign, debtor_id)
    if notice is None:
        if not _is_staff():
            flash(_("The formal notice of this debtor is not written yet."), "error")
            return _back(campaign, debtor_id)
        try:
            notice = formal_notices.issue(db.session, campaign, debtor_id, current_user,
                                   provider=current_app.config.get("PROVIDER"))
        except DomainError as exc:
            db.session.rollback()
            flash(domain_message(exc), "error")
            return _back(campaign, debtor_id)
        db.session.commit()
    if not notice.pdf:
        flash(_("This letter was erased with the campaign's personal data; its fingerprint is kept."), "error")
        return _back(campaign, debtor_id)
    return send_file(io.BytesIO(notice.pdf), mimetype="application/pdf", as_attachment=True,
                     download_name=formal_notices.file_name(notice), max_age=0)


@bp.route("/notices/letters.zip", methods=["POST"])
@roles_required(*STAFF)
def notices_zip(campaign_id: int):
    """Every approved debtor's letter in one zip: at once for a few, from the job worker for many."""
    campaign = _campaign(campaign_id)
    ids = formal_notices.approved_ids(db.session, campaign)
    count = len(ids)
    if not count:
        flash(_("No debtor is approved for a formal notice yet."), "error")
        return _back(campaign)
    folder = current_app.config["EXPORT_FOLDER"]
    os.makedirs(folder, exist_ok=True)
    token = secrets.token_hex(8)
    if count > INLINE_ZIP:
        worker.enqueue(notice_jobs.export_notices, campaign.id, current_user.id, token)
        return redirect(url_for("supervision.notices_zip_status", campaign_id=campaign.id, token=token), 303)
    path = Path(notice_jobs.zip_path(folder, campaign.id, token))
    try:
        result = formal_notices.write_zip(db.session, campaign, current_user, path,
                                   provider=current_app.config.get("PROVIDER"), commit=db.session.commit,
                                   ids=ids)
    except DomainError as exc:
        db.session.rollback()
        flash(domain_message(exc), "error")
        return _back(campaign)
    db.session.commit()
    data = path.read_bytes()
    path.unlink(missing_ok=True)
    for name, reason in result["refused"]:
        flash(_("%(name)s: %(reason)s", name=name, reason=domain_message(reason)), "error")
    if not result["written"]:
        return _back(campaign)
    return send_file(io.BytesIO(data), mimetype="application/zip", as_attachment=True,
                     download_name=f"mises-en-demeure-campagne-{campaign.id}.zip", max_age=0)


def _zip_state(campaign, token: str) -> dict:
    if not re.fullmatch(r"[0-9a-f]{16}", token):
        abort(404)
    path = notice_jobs.zip_path(current_app.config["EXPORT_FOLDER"], campaign.id, token)
    raw = notice_jobs.read_progress(token) or "queued"
    if raw == "done" and not os.path.exists(path):
        raw = "failed"
    state = {"campaign": campaign, "token": token, "state": raw, "done": 0, "total": 0, "message": None}
    if raw.startswith("refused:"):
        state["state"], state["message"] = "refused", _(raw.split(":", 1)[1])
    elif "/" in raw:
        state["done"], state["total"] = (int(x) for x in raw.split("/"))
        state["state"] = "running"
    return state


@bp.route("/notices/letters/<token>")
@roles_required(*STAFF)
def notices_zip_status(campaign_id: int, token: str):
    campaign = _campaign(campaign_id)
    context = _zip_state(campaign, token)
    if htmx:
        return render_template("supervision/_notices_zip.html", **context)
    return render_template("supervision/notices_zip.html", **context)


@bp.route("/notices/letters/<token>/file")
@roles_required(*STAFF)
def notices_zip_file(campaign_id: int, token: str):
    campaign = _campaign(campaign_id)
    if _zip_state(campaign, token)["state"] != "done":
        flash(_("These letters are not written (or no longer kept): ask for the zip again."), "error")
        return _back(campaign)
    return send_file(notice_jobs.zip_path(current_app.config["EXPORT_FOLDER"], campaign.id, token),
                     as_attachment=True, download_name=f"mises-en-demeure-campagne-{campaign.id}.zip", max_age=0)


def _notice(campaign, debtor_id: int):
    """The debtor's notice, or None after telling the user there is none (a page from before, a wrong id)."""
    try:
        return tracking.notice_by_id(db.session, campaign, debtor_id)
    except NotFound as exc:
        flash(domain_message(exc), "error")
        return None


@bp.route("/notices/<int:debtor_id>/tracking", methods=["POST"])
@roles_required(*STAFF)
def notice_tracking(campaign_id: int, debtor_id: int):
    """How the letter was sent and what became of it, typed by the manager."""
    campaign = _campaign(campaign_id)
    notice = _notice(campaign, debtor_id)
    if notice is None:
        return _back(campaign, debtor_id)
    f = request.form
    try:
        values = tracking.Tracking(
            tracking.channel_of(f.get("channel")), (f.get("reference") or "").strip() or None,
            tracking.day_of(f.get("sent_on")), tracking.day_of(f.get("received_on")),
            tracking.day_of(f.get("refused_on")))
    except ValueError:
        flash(_("A date or the way of sending could not be read."), "error")
        return _back(campaign, debtor_id)
    try:
        tracking.record(db.session, campaign, notice, values, current_user.id)
    except ValidationError as exc:
        db.session.rollback()
        names = {"channel": _("Sent by"), "reference": _("Tracking number"), "sent_on": _("Sent on"),
                 "received_on": _("Received on"), "refused_on": _("Refused on")}
        for field, error in exc.errors.items():
            flash(_("%(field)s: %(message)s", field=names.get(field, ""), message=domain_message(error)), "error")
        return _back(campaign, debtor_id)
    db.session.commit()
    flash(_("Sending recorded."), "success")
    return _back(campaign, debtor_id)


@bp.route("/notices/tracking", methods=["POST"])
@roles_required(*STAFF)
def notices_tracking_file(campaign_id: int):
    """The postal service's tracking file (CSV): checked whole, loaded whole or not at all."""
    campaign = _campaign(campaign_id)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash(_("Choose the tracking file (CSV)."), "error")
        return _back(campaign)
    data = upload.read(5 * 1024 * 1024 + 1)
    if len(data) > 5 * 1024 * 1024:
        flash(_("The tracking file is too large (at most 5 MB)."), "error")
        return _back(campaign)
    try:
        result = tracking.load_csv(db.session, campaign, data, current_user.id, file_name=upload.filename)
    except ValidationError as exc:
        db.session.rollback()
        errors = list(exc.errors.values())
        for error in errors[:20]:
            flash(domain_message(error), "error")
        if len(errors) > 20:
            flash(_("…and %(num)d more problems. Nothing was recorded.", num=len(errors) - 20), "error")
        else:
            flash(_("Nothing was recorded: correct the file and load it again."), "error")
        return _back(campaign)
    db.session.commit()
    flash(_("Tracking file loaded: %(updated)d notices updated, %(unchanged)d unchanged.",
            updated=result.updated, unchanged=result.unchanged), "success")
    return _back(campaign)


def _on_notice(campaign_id: int, debtor_id: int, act, done: str):
    """Apply ``act(session, campaign, notice, user_id)`` to the debtor's notice; tell the user how it went."""
    campaign = _campaign(campaign_id)
    notice = _notice(campaign, debtor_id)
    if notice is not None:
        try:
            act(db.session, campaign, notice, current_user.id)
        except DomainError as exc:
            db.session.rollback()
            flash(domain_message(exc), "error")
        else:
            db.session.commit()
            flash(done, "success")
    return _back(campaign, debtor_id)


@bp.route("/notices/<int:debtor_id>/queue", methods=["POST"])
@roles_required(*STAFF)
def notice_back_in_queue(campaign_id: int, debtor_id: int):
    """Calls go on after the letter."""
    return _on_notice(campaign_id, debtor_id, tracking.put_back_in_queue, _("The debtor is back in the call queue."))


@bp.route("/notices/<int:debtor_id>/release", methods=["POST"])
@roles_required(*STAFF)
def notice_release_hold(campaign_id: int, debtor_id: int):
    """The debtor's data no longer need keeping for a claim."""
    return _on_notice(campaign_id, debtor_id, tracking.release_hold,
                      _("Hold released: the debtor's data will be erased with the campaign's."))
