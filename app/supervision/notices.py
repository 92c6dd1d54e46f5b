"""The "À mettre en demeure" page: the debtors the campaign's rules propose for a formal notice, their penalties
to date, and the client company's decision on each (``campaigns.escalation``). Client users decide; the
manager follows."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from campaigns import escalation
from campaigns.errors import DomainError, NotFound

from ..auth.permissions import roles_required
from ..errors import domain_message
from ..extensions import db, htmx
from . import bp
from .routes import READERS, _campaign

def _labels() -> dict:
    return {"reasons": {escalation.REFUSAL: _("Refused to pay"), escalation.BROKEN_PROMISES: _("Promises broken"),
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
                           can_decide=_can_decide(campaign), labels=_labels())


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
                               labels=_labels(), error=error, typed=request.form.get("comment", "")), 422 if error else 200
    flash(error or _("Decision recorded."), "error" if error else "success")
    return redirect(url_for("supervision.notices", campaign_id=campaign.id) + f"#notice-{debtor_id}", 303)
