"""The supervisor's live view of the floor: each agent's state and time in it, the debtor it holds, its
calls, completed calls and promises today, talk, wrap-up, pause and occupancy; refreshed every 5 seconds."""
from __future__ import annotations

from flask import render_template

from campaigns import clock, shift

from ..auth.permissions import roles_required
from ..extensions import db, htmx
from . import bp
from .routes import STAFF, _campaign


@bp.route("/floor")
@roles_required(*STAFF)
def floor(campaign_id: int):
    campaign = _campaign(campaign_id)
    context = dict(campaign=campaign, rows=shift.floor(db.session, campaign), states=shift.STATE_LABELS,
                   reasons=shift.PAUSE_REASONS, now=clock.now())
    if htmx:
        return render_template("supervision/_floor.html", **context)
    return render_template("supervision/floor.html", **context)
