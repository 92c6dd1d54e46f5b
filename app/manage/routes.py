"""Creating a campaign and its manager page: facts, imports, negotiators, start / pause / close."""
from datetime import date

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, gettext as _
from flask_login import current_user

from campaigns import closing, management
from campaigns.access import get_visible_campaign
from campaigns.errors import DomainError, NotFound, ValidationError
from campaigns.importing import service
from campaigns.models import ClientCompany, Role

from ..auth.permissions import roles_required
from ..errors import domain_message
from ..extensions import db
from . import bp
from .labels import KIND_LABELS

STAFF = (Role.MANAGER, Role.ADMIN)


def load_campaign(campaign_id: int):
    try:
        return get_visible_campaign(db.session, current_user, campaign_id)
    except NotFound:
        abort(404)


def _date(value: str):
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return "invalid"


@bp.route("/campaigns/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def new_campaign():
    """Create a campaign for a client company, new or existing."""
    errors, form = {}, request.form
    if request.method == "POST":
        client = form.get("new_client", "").strip() or form.get("client", "").strip()
        start, end = _date(form.get("start", "")), _date(form.get("end", ""))
        for key, value in (("start", start), ("end", end)):
            if value == "invalid":
                errors[key] = _("Give a valid date.")
        if not errors:
            try:
                campaign = management.create_campaign(db.session, client, form.get("name", ""), start, end,
                                                      by_user_id=current_user.id)
            except ValidationError as exc:
                errors = {field: domain_message(err) for field, err in exc.errors.items()}
            else:
                db.session.commit()
                flash(_("Campaign created: now load the client's receivables file."), "success")
                return redirect(url_for("manage.campaign", campaign_id=campaign.id), 303)
    clients = db.session.scalars(sa.select(ClientCompany).order_by(ClientCompany.name)).all()
    return render_template("manage/new_campaign.html", clients=clients, errors=errors, form=form), (
        422 if errors else 200)


@bp.route("/campaigns/<int:campaign_id>")
@roles_required(*STAFF)
def campaign(campaign_id: int):
    """The campaign's manager page."""
    campaign = load_campaign(campaign_id)
    return _campaign_page(campaign)


def _campaign_page(campaign, rate_errors=None, typed=None):
    others = management.campaign_currencies(db.session, campaign)[1:]
    stored = campaign.exchange_rates or {}
    comma = get_locale().language == "fr"
    rates = {code: (typed or {}).get(code, stored.get(code, "").replace(".", ",") if comma else stored.get(code, ""))
             for code in others}
    return render_template("manage/campaign.html", campaign=campaign,
                           batches=service.batches(db.session, campaign.id),
                           negotiators=management.negotiators(db.session),
                           assigned={u.id for u in campaign.agents}, kind_labels=KIND_LABELS,
                           rates=rates, rate_errors=rate_errors or {}), (422 if rate_errors else 200)


@bp.route("/campaigns/<int:campaign_id>/rates", methods=["POST"])
@roles_required(*STAFF)
def rates(campaign_id: int):
    """The exchange rates of the campaign's other currencies (the call order compares amounts with them)."""
    campaign = load_campaign(campaign_id)
    typed = {key[len("rate_"):]: value[:40] for key, value in request.form.items() if key.startswith("rate_")}
    try:
        management.set_exchange_rates(db.session, campaign, typed, by_user_id=current_user.id)
    except DomainError as exc:
        db.session.rollback()
        return _campaign_page(campaign, {exc.field: domain_message(exc)}, typed)
    db.session.commit()
    flash(_("Exchange rates saved: the call order uses them now."), "success")
    return redirect(url_for("manage.campaign", campaign_id=campaign.id), 303)


@bp.route("/campaigns/<int:campaign_id>/agents", methods=["POST"])
@roles_required(*STAFF)
def agents(campaign_id: int):
    """Assign exactly the ticked negotiators."""
    campaign = load_campaign(campaign_id)
    ids = [int(v) for v in request.form.getlist("agent_ids") if v.isdigit()]
    try:
        management.set_agents(db.session, campaign, ids, by_user_id=current_user.id)
    except DomainError as exc:
        flash(domain_message(exc), "error")
    else:
        db.session.commit()
        flash(_("Negotiators updated."), "success")
    return redirect(url_for("manage.campaign", campaign_id=campaign.id), 303)


@bp.route("/campaigns/<int:campaign_id>/status/<action>", methods=["POST"])
@roles_required(*STAFF)
def status(campaign_id: int, action: str):
    """Start, pause, close (after the confirmation page) or reopen the campaign."""
    if action not in ("start", "pause", "close", "reopen"):
        abort(404)
    campaign = load_campaign(campaign_id)
    if action == "close" and request.form.get("confirmed") != "1":
        return redirect(url_for("manage.close_confirmation", campaign_id=campaign.id), 303)
    try:
        if action == "reopen":
            closing.reopen(db.session, campaign, current_user.id)
        else:
            management.change_status(db.session, campaign, action, by_user_id=current_user.id)
    except DomainError as exc:
        db.session.rollback()
        flash(domain_message(exc), "error")
    else:
        db.session.commit()
        if action in ("close", "reopen"):
            flash(_("The campaign is closed: no agent is handed a debtor any more.") if action == "close" else
                  _("The campaign is reopened and paused: start it again when the agents may call."), "success")
    return redirect(url_for("manage.campaign", campaign_id=campaign.id), 303)


@bp.route("/campaigns/<int:campaign_id>/close")
@roles_required(*STAFF)
def close_confirmation(campaign_id: int):
    """What closing does, and the button that does it."""
    campaign = load_campaign(campaign_id)
    return render_template("manage/close.html", campaign=campaign)
