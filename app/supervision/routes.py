import os
import re
import secrets
import tempfile

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from campaigns import client_answers, closing, mail, shift, supervision
from campaigns.supervision import disputes as dispute_rules
from campaigns.access import get_visible_campaign
from campaigns.errors import Conflict, DomainError, NotFound
from campaigns.models import CampaignStatus, Role
from campaigns.recap import write_enriched, write_recap
from campaigns.supervision.purge import final_recap_produced
from campaigns.supervision.quality import quality_lines

from .. import worker
from ..auth.permissions import roles_required
from ..errors import domain_message
from ..extensions import db, htmx
from ..labels import ANSWER_DECISION
from ..worker import recaps
from . import bp
from .charts import columns, hbars

READERS = (Role.MANAGER, Role.ADMIN, Role.CLIENT)
STAFF = (Role.MANAGER, Role.ADMIN)


def _campaign(campaign_id: int):
    try:
        return get_visible_campaign(db.session, current_user, campaign_id)
    except NotFound:
        abort(404)


def _figures_context(campaign):
    session = db.session
    figures = supervision.campaign_figures(session, campaign.id)
    motives = supervision.motive_breakdown(session, campaign.id, language=get_locale().language)
    weeks = supervision.promises_by_week(session, campaign.id)
    days = supervision.completed_calls_by_day(session, campaign.id)
    return {
        "figures": figures,
        "quality": quality_lines(figures),
        "agents": supervision.agent_figures(session, campaign.id),
        "production": shift.mission_times(session, campaign),
        "motives": motives,
        "weeks": weeks,
        "days": days,
        # The chart compares amounts: the campaign currency's motives only (the table lists every currency).
        "motive_bars": hbars([(m.label, m.amount_cents) for m in motives if m.currency == figures.currency][:12]),
        "week_bars": columns((monday.strftime("%d/%m"), amount) for monday, _count, amount in weeks[-16:]),
        "day_bars": columns(((day.strftime("%d/%m"), calls, done) for day, calls, done in days[-30:]), step=36),
    }


@bp.route("/")
@roles_required(*READERS)
def dashboard(campaign_id: int):
    """The live dashboard; an htmx request (the 5-second poll) gets only the figures region."""
    campaign = _campaign(campaign_id)
    context = _figures_context(campaign)
    if htmx:
        return render_template("supervision/_figures.html", campaign=campaign, **context)
    return render_template(
        "supervision/dashboard.html", campaign=campaign, disputes=supervision.open_disputes(db.session, campaign.id, language=get_locale().language),
        numbers=supervision.numbers_to_find(db.session, campaign.id),
        can_manage=current_user.role in STAFF, final_done=final_recap_produced(db.session, campaign.id),
        refused_emails=mail.refused_count(db.session, campaign.id) if current_user.role in STAFF else 0,
        answers=client_answers.recent_answers(db.session, campaign.id), answer_labels=ANSWER_DECISION,
        final_recaps=closing.final_recaps(db.session, campaign.id),
        background_above=current_app.config.get("RECAP_BACKGROUND_ABOVE", 50_000), **context)


@bp.route("/disputes")
@roles_required(*READERS)
def disputes(campaign_id: int):
    """The open disputes the client must answer."""
    campaign = _campaign(campaign_id)
    context = {"campaign": campaign, "disputes": supervision.open_disputes(db.session, campaign.id, language=get_locale().language),
               "can_manage": current_user.role in STAFF}
    if htmx:
        return render_template("supervision/_disputes.html", **context)
    return redirect(url_for("supervision.dashboard", campaign_id=campaign.id) + "#disputes", 303)


@bp.route("/disputes/<int:motive_id>/resolve", methods=["POST"])
@roles_required(*STAFF)
def resolve_dispute(campaign_id: int, motive_id: int):
    """Mark a dispute resolved once the client answered; the debtor returns to the queue."""
    campaign = _campaign(campaign_id)
    error = None
    try:
        dispute_rules.resolve_dispute(db.session, motive_id, current_user.id, request.form.get("resolution"),
                                 campaign_id=campaign.id)
    except NotFound:
        abort(404)
    except DomainError as exc:
        db.session.rollback()
        error = domain_message(exc)
    else:
        db.session.commit()
    if htmx:
        return render_template("supervision/_disputes.html", campaign=campaign, error=error, can_manage=True,
                               disputes=supervision.open_disputes(db.session, campaign.id, language=get_locale().language)), 409 if error else 200
    flash(error or _("Dispute marked as resolved."), "error" if error else "success")
    return redirect(url_for("supervision.dashboard", campaign_id=campaign.id), 303)


@bp.route("/wrong-numbers")
@roles_required(*READERS)
def wrong_numbers(campaign_id: int):
    """Debtors waiting for a new number (the client may know one)."""
    campaign = _campaign(campaign_id)
    if htmx:
        return _wrong_numbers(campaign)
    return redirect(url_for("supervision.dashboard", campaign_id=campaign.id) + "#wrong-numbers", 303)


@bp.route("/wrong-numbers/<int:debtor_id>", methods=["POST"])
@roles_required(*READERS)
def give_number(campaign_id: int, debtor_id: int):
    """The client (or the manager) gives a new number: it is added and the debtor returns to the queue."""
    campaign = _campaign(campaign_id)
    typed = request.form.get("phone", "")[:40]
    try:
        client_answers.give_number(db.session, campaign, debtor_id, current_user, typed)
    except NotFound:
        abort(404)
    except DomainError as exc:
        db.session.rollback()
        errors = getattr(exc, "errors", None) or {"phone": exc}
        message = " ".join(domain_message(e) for e in errors.values())
        if htmx:
            return _wrong_numbers(campaign, errors={debtor_id: message}, typed={debtor_id: typed}), 422
        flash(message, "error")
        return redirect(url_for("supervision.dashboard", campaign_id=campaign.id) + "#wrong-numbers", 303)
    db.session.commit()
    if htmx:
        return _wrong_numbers(campaign, done=_("Number added: the debtor is back in the queue."))
    flash(_("Number added: the debtor is back in the queue."), "success")
    return redirect(url_for("supervision.dashboard", campaign_id=campaign.id) + "#wrong-numbers", 303)


def _wrong_numbers(campaign, **context):
    return render_template("supervision/_wrong_numbers.html", campaign=campaign,
                           numbers=supervision.numbers_to_find(db.session, campaign.id),
                           can_manage=current_user.role in STAFF, can_answer=True, **context)


def _send_workbook(write, download_name: str):
    """Write a workbook to a temporary file and stream it; nothing is left in the export folder."""
    folder = current_app.config["EXPORT_FOLDER"]
    os.makedirs(folder, exist_ok=True)
    handle, path = tempfile.mkstemp(suffix=".xlsx", dir=folder)
    os.close(handle)
    try:
        write(path)
    except BaseException:
        os.unlink(path)
        raise
    # Open, then unlink: the response streams from the open file and nothing stays in the folder, whether the
    # download completes or not (send_file's direct passthrough never runs a close callback).
    stream = open(path, "rb")
    os.unlink(path)
    return send_file(stream, as_attachment=True, download_name=download_name, max_age=0,
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.route("/recap.xlsx")
@roles_required(*READERS)
def recap(campaign_id: int):
    """The recap workbook: interim while the campaign runs; once closed, the final recap of that close (written
    once and kept). ``?final=ID`` downloads an earlier final recap, superseded by a reopening."""
    campaign = _campaign(campaign_id)
    earlier = request.args.get("final", type=int)
    if earlier is not None:
        kept = next((r for r in closing.final_recaps(db.session, campaign.id) if r.id == earlier and r.path), None)
        if kept is None or not os.path.exists(kept.path):
            abort(404)
        label = "remplace" if kept.superseded_at else "final"
        return _send_kept(kept.path, f"recapitulatif-{label}-{kept.produced_at:%Y%m%d}-campagne-{campaign.id}.xlsx")
    if campaign.status is CampaignStatus.CLOSED:
        kept = closing.produce_final_recap(
            db.session, campaign, current_app.config["EXPORT_FOLDER"],
            lambda path: write_recap(db.session, campaign.id, path, final=True, user_id=current_user.id),
            current_user.id)
        db.session.commit()  # the kept recap and the audit entry of a final recap
        return _send_kept(kept.path, f"recapitulatif-final-campagne-{campaign.id}.xlsx")
    name = f"recapitulatif-intermediaire-campagne-{campaign.id}.xlsx"
    return _send_workbook(lambda path: write_recap(db.session, campaign.id, path), name)


def _send_kept(path: str, download_name: str):
    return send_file(path, as_attachment=True, download_name=download_name, max_age=0,
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.route("/enriched.xlsx")
@roles_required(*READERS)
def enriched(campaign_id: int):
    """The client's own file with the outcome columns appended."""
    campaign = _campaign(campaign_id)
    try:
        return _send_workbook(lambda path: write_enriched(db.session, campaign.id, path),
                              f"fichier-enrichi-campagne-{campaign.id}.xlsx")
    except NotFound:
        abort(404)


@bp.route("/purge", methods=["POST"])
@roles_required(*STAFF)
def purge(campaign_id: int):
    """Anonymise the debtors' personal data of a closed campaign (after its final recap)."""
    campaign = _campaign(campaign_id)
    try:
        counts = supervision.purge_personal_data(db.session, current_user, campaign,
                                                 export_folder=current_app.config["EXPORT_FOLDER"])
    except Conflict as exc:
        db.session.rollback()
        flash(domain_message(exc), "error")
    else:
        db.session.commit()
        files = counts["files"] + counts["final_recaps"] + counts["exports"]
        flash(ngettext("Personal data purged and %(num)d file deleted (uploads and recaps); the figures are kept.",
                       "Personal data purged and %(num)d files deleted (uploads and recaps); the figures are kept.",
                       files), "success")
    return redirect(url_for("supervision.dashboard", campaign_id=campaign_id), 303)


@bp.context_processor
def helpers():
    from campaigns.models import PromiseStatus

    def pct(value):
        return "—" if value is None else f"{value * 100:.1f}".replace(".", ",") + "\u00a0%"
    return {"pct": pct, "S": PromiseStatus}


def _export_path(campaign_id: int, token: str) -> str:
    if not re.fullmatch(r"[0-9a-f]{16}", token):
        abort(404)
    return recaps.export_path(current_app.config["EXPORT_FOLDER"], campaign_id, token)


def _export_state(campaign, token: str) -> dict:
    from ..worker.recaps import read_progress
    path = _export_path(campaign.id, token)
    raw = "done" if os.path.exists(path) else (read_progress(token) or "queued")
    done = total = 0
    if "/" in raw:
        done, total = (int(x) for x in raw.split("/"))
        raw = "running"
    return {"campaign": campaign, "token": token, "state": raw, "done": done, "total": total}


@bp.route("/recap/background", methods=["POST"])
@roles_required(*READERS)
def recap_background(campaign_id: int):
    """Start writing the recap in the background (large campaigns); the page then follows its progress."""
    campaign = _campaign(campaign_id)
    # At most one export in flight per user and campaign: asking again follows the one under way (a user
    # clicking on and on must not fill the disk and the queue).
    in_flight = recaps.in_flight_key(campaign.id, current_user.id)
    token = worker.peek(in_flight)
    if not (token and _export_state(campaign, token)["state"] in ("queued", "running")):
        token = secrets.token_hex(8)
        os.makedirs(current_app.config["EXPORT_FOLDER"], exist_ok=True)
        worker.put(in_flight, token)
        worker.enqueue(recaps.export_recap, campaign.id, current_user.id,
                       campaign.status is CampaignStatus.CLOSED, token)
    if htmx:
        return render_template("supervision/_export.html", **_export_state(campaign, token))
    return redirect(url_for("supervision.recap_status", campaign_id=campaign.id, token=token), 303)


@bp.route("/recap/background/<token>")
@roles_required(*READERS)
def recap_status(campaign_id: int, token: str):
    """Progress of a background recap, then its download link."""
    campaign = _campaign(campaign_id)
    context = _export_state(campaign, token)
    if htmx:
        return render_template("supervision/_export.html", **context)
    return render_template("supervision/export.html", **context)


@bp.route("/recap/background/<token>/file")
@roles_required(*READERS)
def recap_file(campaign_id: int, token: str):
    """The recap written in the background."""
    campaign = _campaign(campaign_id)
    path = _export_path(campaign.id, token)
    if not os.path.exists(path):
        abort(404)
    kind = "final" if campaign.status is CampaignStatus.CLOSED else "intermediaire"
    return send_file(path, as_attachment=True, download_name=f"recapitulatif-{kind}-campagne-{campaign.id}.xlsx",
                     max_age=0)
