"""Console views: thin. Parse, call campaigns.queue / campaigns.outcomes, commit, render."""
from __future__ import annotations

from flask import abort, make_response, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user

from campaigns import clock, outcomes, queue, shift
from campaigns.mail import preferences
from campaigns.access import get_visible_campaign
from campaigns.errors import Conflict, DomainError, NotFound, ValidationError
from campaigns.models import Role

from ..auth.permissions import roles_required
from ..errors import domain_message
from ..extensions import db, htmx
from . import bp, reads
from .forms import parse_outcome
from .render import agenda_context, domain_field, render_workspace, shift_context

WORKERS = (Role.AGENT, Role.MANAGER, Role.ADMIN)


def _campaign(campaign_id: int):
    try:
        return get_visible_campaign(db.session, current_user, campaign_id)
    except NotFound:
        abort(404)


def _debtor(campaign, debtor_id: int):
    debtor = reads.load_debtor(db.session, campaign.id, debtor_id)
    if debtor is None:
        abort(404)
    return debtor


def _after_change(campaign, debtor=None, asked=False):
    """After a POST: htmx gets the workspace (and the URL to show), a plain form a 303.

    ``asked``: the agent asked for the next debtor, so an empty answer must say why.
    """
    url = url_for("console.campaign", campaign_id=campaign.id)
    if htmx:
        response = render_workspace(campaign, debtor, asked=asked)
        response.headers["HX-Push-Url"] = url
        return response
    return redirect(url, 303)


@bp.route("/")
@roles_required(*WORKERS)
def index():
    """Mes campagnes: what is left to call and the callbacks due, one key to start."""
    rows = reads.my_campaigns(db.session, current_user)
    response = make_response(render_template("console/index.html", rows=rows))
    response.vary.add("HX-Request")
    return response


@bp.route("/campaigns/<int:campaign_id>")
@roles_required(*WORKERS)
def campaign(campaign_id):
    """The calling screen: the debtor the agent holds, or the button that claims the next one."""
    campaign = _campaign(campaign_id)
    debtor = reads.current_lease(db.session, campaign.id, current_user.id)
    if current_user.role is Role.AGENT and shift.current(db.session, current_user.id).state == shift.LOGGED_OUT:
        shift.change(db.session, current_user.id, shift.READY, campaign_id=campaign.id)   # the shift starts
        db.session.commit()
    return render_workspace(campaign, debtor)


@bp.route("/campaigns/<int:campaign_id>/next", methods=["POST"])
@roles_required(*WORKERS)
def next_debtor(campaign_id):
    """Claim the next debtor (releasing the one held, if any: the agent skips it)."""
    campaign = _campaign(campaign_id)
    held_id = request.form.get("held", type=int)  # the skipped card says which debtor it held
    held = reads.load_debtor(db.session, campaign.id, held_id) if held_id else \
        reads.current_lease(db.session, campaign.id, current_user.id)
    if held is not None and held.leased_by_id == current_user.id:
        try:
            queue.release(db.session, held.id, current_user.id)
        except Conflict:
            db.session.rollback()
    me = shift.current(db.session, current_user.id)
    if not shift.may_take_work(db.session, current_user.id, me):
        db.session.commit()
        return render_workspace(campaign, None, notice=gettext("You are on pause: choose “Ready” to be handed a debtor."))
    shift.change(db.session, current_user.id, shift.READY, campaign_id=campaign.id, was=me)
    debtor = queue.claim_next(db.session, campaign.id, current_user.id)
    db.session.commit()
    return _after_change(campaign, debtor, asked=True)


@bp.route("/campaigns/<int:campaign_id>/agenda")
@roles_required(*WORKERS)
def agenda(campaign_id):
    """Today's agenda alone (refreshed every minute by the console)."""
    campaign = _campaign(campaign_id)
    response = make_response(render_template("console/_agenda.html", campaign=campaign,
                                              **agenda_context(campaign, reads.utcnow())))
    response.vary.add("HX-Request")
    return response


@bp.route("/campaigns/<int:campaign_id>/messages/<int:message_id>/read", methods=["POST"])
@roles_required(*WORKERS)
def read_message(campaign_id, message_id):
    """The agent has read its supervisor's message: it leaves the console."""
    campaign = _campaign(campaign_id)
    shift.mark_read(db.session, current_user.id, message_id)
    db.session.commit()
    if htmx:
        return render_template("console/_agenda.html", campaign=campaign, **agenda_context(campaign, reads.utcnow()))
    return redirect(url_for("console.campaign", campaign_id=campaign.id), 303)


@bp.route("/campaigns/<int:campaign_id>/state", methods=["POST"])
@roles_required(*WORKERS)
def set_state(campaign_id):
    """Ready, pause (with its reason), or the call's own steps (dial, hang-up) sent by the console."""
    campaign = _campaign(campaign_id)
    state = request.form.get("state", "")
    debtor_id = request.form.get("debtor", type=int)
    error = None
    try:
        shift.change(db.session, current_user.id, state, request.form.get("reason") or None,
                     campaign_id=campaign.id, debtor_id=debtor_id if state in (shift.ON_CALL, shift.WRAP_UP) else None)
        db.session.commit()
    except DomainError as err:
        db.session.rollback()
        error = domain_message(err)
    return render_template("console/_shift.html", campaign=campaign, error=error, **shift_context()), \
        422 if error else 200


@bp.route("/campaigns/<int:campaign_id>/debtors/<int:debtor_id>")
@roles_required(*WORKERS)
def debtor(campaign_id, debtor_id):
    """One debtor's card: worked when the user holds it, read-only (listening in) otherwise."""
    campaign = _campaign(campaign_id)
    return render_workspace(campaign, _debtor(campaign, debtor_id))


@bp.route("/campaigns/<int:campaign_id>/debtors/<int:debtor_id>/open", methods=["POST"])
@roles_required(*WORKERS)
def open_debtor(campaign_id, debtor_id):
    """Take a lease on a debtor found by search; a manager may take over from an agent."""
    campaign = _campaign(campaign_id)
    debtor = _debtor(campaign, debtor_id)
    takeover = request.form.get("takeover") == "1" and current_user.role in (Role.MANAGER, Role.ADMIN)
    try:
        for held in [reads.current_lease(db.session, campaign.id, current_user.id)]:
            if held is not None and held.id != debtor.id:
                queue.release(db.session, held.id, current_user.id)
        if takeover:
            queue.take_over(db.session, debtor.id, current_user.id)
        else:
            queue.open_debtor(db.session, debtor.id, current_user.id)
    except Conflict as err:
        db.session.rollback()
        return render_workspace(campaign, debtor, notice=domain_message(err), status=409)
    db.session.commit()
    current = request.headers.get("HX-Current-URL")
    if htmx and current and f"/console/campaigns/{campaign.id}" not in current:
        # Found by search in another campaign: load that campaign's screen as a whole.
        response = make_response("", 204)
        response.headers["HX-Redirect"] = url_for("console.campaign", campaign_id=campaign.id)
        return response
    return _after_change(campaign, debtor)


@bp.route("/campaigns/<int:campaign_id>/debtors/<int:debtor_id>/release", methods=["POST"])
@roles_required(*WORKERS)
def release(campaign_id, debtor_id):
    """Put the debtor back in the queue (the agent stops working)."""
    campaign = _campaign(campaign_id)
    try:
        queue.release(db.session, _debtor(campaign, debtor_id).id, current_user.id)
    except Conflict:
        db.session.rollback()
    db.session.commit()
    return _after_change(campaign, None)


@bp.route("/campaigns/<int:campaign_id>/debtors/<int:debtor_id>/lease", methods=["POST"])
@roles_required(*WORKERS)
def renew(campaign_id, debtor_id):
    """Extend the lease while the agent works on the card (console.js posts every two minutes)."""
    campaign = _campaign(campaign_id)
    debtor = _debtor(campaign, debtor_id)
    lost = None
    try:
        queue.renew_lease(db.session, debtor.id, current_user.id)
        shift.heartbeat(db.session, current_user.id)
        db.session.commit()
    except Conflict as err:
        db.session.rollback()
        lost = domain_message(err)
    db.session.refresh(debtor)
    response = make_response(render_template("console/_lease.html", campaign=campaign, debtor=debtor,
                                              lost=lost), 409 if lost else 200)
    response.vary.add("HX-Request")
    return response


@bp.route("/campaigns/<int:campaign_id>/debtors/<int:debtor_id>/no-email", methods=["POST"])
@roles_required(*WORKERS)
def no_email(campaign_id, debtor_id):
    """The debtor asks not to be written to (or agrees again): recorded, audited, the outbox emptied."""
    campaign = _campaign(campaign_id)
    debtor = _debtor(campaign, debtor_id)
    preferences.set_no_email(db.session, debtor, request.form.get("no_email") == "1", current_user.id)
    db.session.commit()
    if htmx:
        return render_template("console/_card_emails.html", campaign=campaign, card=None, debtor=debtor,
                               emails=reads.emails_of(debtor))
    return redirect(url_for("console.debtor", campaign_id=campaign.id, debtor_id=debtor.id), 303)


@bp.route("/campaigns/<int:campaign_id>/debtors/<int:debtor_id>/outcome", methods=["POST"])
@roles_required(*WORKERS)
def outcome(campaign_id, debtor_id):
    """Enregistrer et suivant: the outcome is committed, then the next debtor is claimed and shown."""
    campaign = _campaign(campaign_id)
    debtor = _debtor(campaign, debtor_id)
    parsed = parse_outcome(request.form, started_at=_started_at(), today=clock.today(campaign))
    if parsed.errors:
        return render_workspace(campaign, debtor, values=request.form,
                                errors={k: str(v) for k, v in parsed.errors.items()}, status=422)
    try:
        outcomes.record_outcome(db.session, debtor.id, current_user.id, parsed.outcome)
    except ValidationError as err:
        db.session.rollback()
        errors = {}
        for name, error in err.errors.items():
            key = domain_field(name)
            errors[key] = (errors[key] + " " if key in errors else "") + domain_message(error)
        return render_workspace(campaign, _debtor(campaign, debtor_id), values=request.form,
                                errors=errors, status=422)
    except Conflict as err:
        db.session.rollback()
        return render_workspace(campaign, _debtor(campaign, debtor_id), values=request.form,
                                conflict=domain_message(err), status=409)
    except DomainError as err:
        db.session.rollback()
        return render_workspace(campaign, _debtor(campaign, debtor_id), values=request.form,
                                errors={"__all__": domain_message(err)}, status=422)
    db.session.commit()  # durable before the next debtor is shown
    me = shift.current(db.session, current_user.id)
    if not shift.may_take_work(db.session, current_user.id, me):    # paused during the call: no next card
        return render_workspace(campaign, None, notice=gettext("Call recorded. You are on pause."))
    shift.change(db.session, current_user.id, shift.READY, campaign_id=campaign.id, was=me)
    following = queue.claim_next(db.session, campaign.id, current_user.id)
    db.session.commit()
    if htmx:
        response = render_workspace(campaign, following, notice=gettext("Call recorded."), asked=True)
        response.headers["HX-Push-Url"] = url_for("console.campaign", campaign_id=campaign.id)
        return response
    return redirect(url_for("console.campaign", campaign_id=campaign.id), 303)


def _started_at():
    from datetime import datetime
    try:
        value = datetime.fromisoformat(request.form.get("started_at", ""))
    except ValueError:
        return None
    return value if value.tzinfo else None


@bp.route("/search")
@roles_required(*WORKERS)
def search():
    """Find a debtor of the user's campaigns (a debtor who calls back)."""
    q = request.args.get("q", "")
    results = reads.search(db.session, current_user, q)
    template = "console/_search_results.html" if htmx else "console/search.html"
    response = make_response(render_template(template, q=q, results=results))
    response.vary.add("HX-Request")
    return response


@bp.route("/campaigns/<int:campaign_id>/day")
@roles_required(*WORKERS)
def day(campaign_id: int):
    """The agent's live counter for today in this campaign."""
    campaign = _campaign(campaign_id)
    response = make_response(render_template("console/_day_counter.html",
                                              day=reads.agent_day(db.session, current_user.id, campaign)))
    response.vary.add("HX-Request")
    return response
