"""One form: ``rules.edit`` (campaign_id). Staff only; 422 with inline errors."""
from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from campaigns import escalation, merge_fields
from campaigns.notices import settings as notice_settings
from campaigns import rules as domain
from campaigns.access import get_visible_campaign
from campaigns.errors import NotFound, ValidationError
from campaigns.models import DebtorAccount, Role
from campaigns.debtor_profile import SIZE_LABELS, SIZES
from campaigns.priority import DEFAULT_WEIGHTS, weights_for

from ..auth.permissions import roles_required
from ..errors import domain_message
from ..extensions import db
from . import bp

WINDOWS = 3


def _segments(campaign):
    found = db.session.scalars(sa.select(DebtorAccount.segment).where(
        DebtorAccount.campaign_id == campaign.id, DebtorAccount.segment.is_not(None)).distinct().limit(30)).all()
    return [""] + sorted({s for s in found if s} | {s.segment for s in campaign.scripts if s.segment})


@bp.route("/campaigns/<int:campaign_id>", methods=["GET", "POST"])
@roles_required(Role.MANAGER, Role.ADMIN)
def edit(campaign_id: int):
    try:
        campaign = get_visible_campaign(db.session, current_user, campaign_id)
    except NotFound:
        abort(404)
    segments = _segments(campaign)
    errors = {}
    if request.method == "POST":
        f = request.form
        try:
            if f.get("escalation_shown") == "1":
                escalation.save_rules(db.session, campaign, current_user.id, escalation.clean_rules(
                    refusal=f.get("escalation_refusal") == "1", unreachable=f.get("escalation_unreachable") == "1",
                    broken_promises=f.get("escalation_broken_promises", ""),
                    overdue_days=f.get("escalation_overdue_days", "")))
            if f.get("notice_shown") == "1":
                notice_settings.save(db.session, campaign, current_user.id, notice_settings.clean(
                    sender=f.get("notice_sender"), deadline_days=f.get("notice_deadline_days", ""),
                    estimated_due_dates_confirmed=f.get("notice_estimated_confirmed") == "1"))
            domain.save_settings(
                db.session, campaign, current_user.id,
                # A weight the form did not send (a page from before it existed) keeps its value.
                weights={k: f.get(f"weight_{k}", weights_for(campaign)[k]) for k in DEFAULT_WEIGHTS},
                small_first=f.get("small_first") == "1",
                segment_points={seg: f.get(f"segment_points_{i}", "") for i, seg in enumerate(segments) if seg},
                size_points={size: f.get(f"size_points_{size}", "") for size in SIZES},
                dial_scheme=f.get("dial_scheme") or None,
                hours={"days": f.getlist("days"), "exclude_holidays": f.get("exclude_holidays") == "1",
                       "windows": [(f.get(f"window_{i}_start", ""), f.get(f"window_{i}_end", ""))
                                   for i in range(WINDOWS)]},
                lease_minutes=f.get("lease_minutes"), max_attempts=f.get("max_attempts"),
                promise_grace_days=f.get("promise_grace_days"),
                callback_grace_minutes=f.get("callback_grace_minutes"),
                delays={k: f.get(f"delay_{k}", "") for k in domain.SETTABLE_DELAYS},
                scripts={seg: (f.get(f"script_{i}_title", ""), f.get(f"script_{i}_body", ""))
                         for i, seg in enumerate(segments)})
        except ValidationError as exc:
            index = {f"script_body:{segment}": f"script_{i}_body" for i, segment in enumerate(segments)}
            index.update({f"segment_points:{segment}": f"segment_points_{i}" for i, segment in enumerate(segments)})
            errors = {index.get(name, name): domain_message(err) for name, err in exc.errors.items()}
        else:
            db.session.commit()
            flash(_("Queue settings saved; priorities recomputed."), "success")
            return redirect(url_for("rules.edit", campaign_id=campaign.id), 303)
    hours = campaign.calling_hours or {}
    windows = list(hours.get("windows") or []) + [["", ""]] * WINDOWS
    rules_now = domain.rules_for(campaign)
    scripts = {s.segment: s for s in campaign.scripts}
    return render_template(
        "rules/edit.html", campaign=campaign, form=request.form if errors else None, errors=errors,
        weights=weights_for(campaign), hours=hours, windows=windows[:WINDOWS], delays=domain.SETTABLE_DELAYS,
        rules_now=rules_now, defaults=domain.DEFAULT_RULES, escalation=escalation.rules_of(campaign),
        notice=notice_settings.settings_of(campaign), segments=segments, scripts=scripts,
        merge_fields=merge_fields.FIELDS, default_weights=DEFAULT_WEIGHTS, sizes=SIZES,
        size_labels={size: _(label) for size, label in SIZE_LABELS.items()},
        day_names=[_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"), _("Saturday"),
                   _("Sunday")],
        weight_labels={"amount": _("Amount owed (per 1,000 €)"), "age": _("Age of the debt (per month late)"),
                       "broken_promise": _("Broken promise"), "callback": _("Callback due"),
                       "attempts": _("Attempt without contact (subtracted)"),
                       "ending": _("Account not called yet, as the campaign's end nears (last 14 days)")},
        delay_labels={"no_answer": _("No answer"), "busy": _("Busy"), "voicemail": _("Voicemail"),
                      "switchboard": _("Switchboard"), "wrong_party": _("Wrong party"),
                      "wrong_number": _("Wrong number (another number left)"),
                      "right_party": _("Debtor reached, nothing agreed"), "motive": _("Non-blocking motive")},
    ), 422 if errors else 200
