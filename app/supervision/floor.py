"""The supervisor's live view of the floor: each agent's state and time in it, the debtor it holds, its
calls, completed calls and promises today, talk, wrap-up, pause and occupancy; refreshed every 5 seconds."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from campaigns import clock, shift
from campaigns.errors import DomainError, NotFound

from ..auth.permissions import roles_required
from ..errors import domain_message
from ..labels import pause_reason_labels
from ..extensions import db, htmx
from . import bp
from .routes import STAFF, _campaign


@bp.route("/floor")
@roles_required(*STAFF)
def floor(campaign_id: int):
    campaign = _campaign(campaign_id)
    context = dict(campaign=campaign, rows=shift.floor(db.session, campaign), states=shift.STATE_LABELS,
                   reasons=pause_reason_labels(db.session)[1], now=clock.now())
    if htmx:
        return render_template("supervision/_floor.html", **context)
    return render_template("supervision/floor.html", **context)


@bp.route("/floor/agents/<int:agent_id>/message", methods=["POST"])
@roles_required(*STAFF)
def message_agent(campaign_id: int, agent_id: int):
    """A word to one negotiator, shown on its console until read."""
    campaign = _campaign(campaign_id)
    try:
        shift.send_message(db.session, campaign, current_user.id, agent_id, request.form.get("text", "")[:600])
    except NotFound:
        abort(404)
    except DomainError as exc:
        db.session.rollback()
        flash(domain_message(exc), "error")
    else:
        db.session.commit()
        flash(_("Message sent: it shows on the negotiator's console."), "success")
    return redirect(url_for("supervision.floor", campaign_id=campaign.id), 303)
