"""Rendering of the calling screen: one template set, the page or just the workspace for htmx."""
from __future__ import annotations

import re
import uuid

from flask import make_response, render_template
from flask_babel import get_locale, gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from campaigns import agenda, queue, shift
from campaigns.models import Role
from campaigns.money import decimal_string
from campaigns.taxonomy import motives_for

from ..errors import domain_message
from ..extensions import db, htmx
from . import reads
from ..labels import ANSWER_DECISION, MESSAGE_KIND, MESSAGE_STATUS, PROMISE_STATUS, pause_reason_labels
from .forms import METHOD_KEYS, METHOD_LABELS, MOTIVE_ROWS, OUTCOMES, PLAN_ROWS, SECTIONS

# Domain field names (campaigns.outcomes) -> the form field that shows the message.
_FIELDS = {
    "result": "outcome", "outcome": "outcome", "notes": "notes", "new_phone": "new_phone",
    "promise": "promise_date", "promise.promised_date": "promise_date", "promised_date": "promise_date",
    "promise.amount_cents": "promise_amount", "amount_cents": "promise_amount",
    "promise.method": "promise_method", "method": "promise_method",
    "promise.waive_penalties_until": "promise_waive_until",
    "promise.invoice_ids": "promise_invoices", "invoice_ids": "promise_invoices",
    "promise.instalments": "plan_date_1", "instalments": "plan_date_1",
    "callback": "callback_date", "callback.due_at": "callback_date", "due_at": "callback_date",
    "already_paid": "paid_date", "already_paid.paid_on": "paid_date", "paid_on": "paid_date",
    "already_paid.method": "paid_method", "already_paid.invoice_ids": "paid_invoices",
}


def domain_field(name: str | None) -> str:
    """Where a domain error is shown: 'motives[1].motive_code' -> 'motive_2_code', etc."""
    if not name:
        return "__all__"
    m = re.match(r"motives?[\[.](\d+)\]?\.?(\w+)?", name)
    if m:
        row = int(m.group(1)) + 1
        part = {"invoice_ids": "invoices", "details": "details", "documents_requested": "documents",
                "disputed_amount_cents": "disputed", "proceedings_opened_on": "opened"}.get(m.group(2) or "", "code")
        return f"motive_{row}_{part}"
    m = re.match(r"(?:promise\.)?instalments[\[.](\d+)\]?\.?(\w+)?", name)
    if m:
        return f"plan_{'amount' if 'amount' in (m.group(2) or '') else 'date'}_{int(m.group(1)) + 1}"
    return _FIELDS.get(name, "__all__")


def _motive_groups(campaign):
    """The client's taxonomy as (parent label, [(code, label)]) groups for <optgroup>s."""
    french = str(get_locale()).startswith("fr")
    motives = motives_for(db.session, campaign.client_company_id)
    label = (lambda m: m.label_fr) if french else (lambda m: m.label_en)
    parents = [m for m in motives if not m.parent_code]
    groups = []
    for parent in parents:
        children = [(m.code, label(m)) for m in motives if m.parent_code == parent.code]
        groups.append((label(parent), children or [(parent.code, label(parent))]))
    return groups


def _explanation(debtor):
    try:
        return queue.explain(db.session, debtor)
    except Exception:  # the card must show even if the explanation cannot be computed
        return None


RESULT_LABELS = {
    "no_answer": _l("No answer"), "busy": _l("Busy"), "voicemail": _l("Voicemail"),
    "switchboard": _l("Switchboard"), "wrong_number": _l("Wrong number"), "wrong_party": _l("Wrong party"),
    "right_party": _l("Debtor reached"), "refusal": _l("Refusal to pay"),
    # What a contact produced (CallAttempt.outcome).
    "promise": _l("Promise of payment"), "plan": _l("Payment plan"), "motive": _l("Non-payment motive"),
    "dispute": _l("Non-payment motive"), "callback": _l("Callback"), "already_paid": _l("Already paid"),
}


def explain_text(part) -> str:
    """One part of the queue's explanation: an N_ template and its parameters, translated."""
    if isinstance(part, str):
        return gettext(part)
    if isinstance(part, dict):
        template, params = part.get("template") or part.get("message", ""), part.get("params", {})
    elif isinstance(part, (tuple, list)):
        template, params = part[0], (part[1] if len(part) > 1 else {})
    else:
        template = getattr(part, "template", None) or getattr(part, "message", str(part))
        params = getattr(part, "params", {}) or {}
    text = gettext(template)
    params = {k: gettext(v) if k.endswith("_label") and isinstance(v, str) else v for k, v in params.items()}
    try:
        return text.format(**params)
    except (KeyError, IndexError, ValueError):
        return text


def french_amount(cents: int) -> str:
    return decimal_string(cents).replace(".", ",")


AGENDA_KINDS = {agenda.PERSONAL: _l("my callback"), agenda.TEAM: _l("team callback"),
                agenda.BROKEN: _l("promise broken today")}


def shift_context() -> dict:
    """What the shift bar needs: the agent's state, the reasons it may pause for, and the names of all of
    them (its own pause may have a reason retired since)."""
    offered, every = pause_reason_labels(db.session)
    return dict(me=shift.current(db.session, current_user.id), states=shift.STATE_LABELS, reasons=offered,
                reason_names=every)


def agenda_context(campaign, now) -> dict:
    return dict(agenda=agenda.today(db.session, campaign, current_user.id, now), agenda_now=now,
                agenda_kinds=AGENDA_KINDS, agent_messages=shift.unread_messages(db.session, current_user.id))


def render_workspace(campaign, debtor, *, values=None, errors=None, notice=None, conflict=None,
                     status=200, asked=False):
    """The workspace (card + outcome panel + lease + counter), in the page or alone for htmx."""
    now = reads.utcnow()
    card = reads.card(db.session, debtor, now, current_user.name) if debtor is not None else None
    closed = queue.closed_reason(campaign, now) if debtor is None else None
    mine = bool(card and debtor.leased_by_id == current_user.id and debtor.lease_expires_at
                and debtor.lease_expires_at > now)
    context = dict(
        campaign=campaign, card=card, debtor=debtor, mine=mine,
        can_take_over=current_user.role in (Role.MANAGER, Role.ADMIN),
        values=values if values is not None else MultiDict(), errors=errors or {},
        fresh=values is None, notice=notice, conflict=conflict, asked=asked,
        closed=domain_message(closed) if closed is not None else None,
        day=reads.agent_day(db.session, current_user.id, campaign, now),
        outcomes=OUTCOMES, sections=SECTIONS, methods=METHOD_LABELS, method_keys=METHOD_KEYS,
        method_hint=_l("One letter picks the method: the one shown beside it."), promise_states=PROMISE_STATUS,
        motive_rows=range(1, MOTIVE_ROWS + 1), plan_rows=range(1, PLAN_ROWS + 1),
        motive_groups=_motive_groups(campaign) if card else [],
        explanation=_explanation(debtor) if card else None,
        request_key=uuid.uuid4().hex, started_at=now.isoformat(),
        french_amount=french_amount, domain_message=domain_message,
        result_labels=RESULT_LABELS, explain_text=explain_text, oob=bool(htmx),
        message_kinds=MESSAGE_KIND, message_states=MESSAGE_STATUS, answer_labels=ANSWER_DECISION,
        **shift_context(),
        **agenda_context(campaign, now),
    )
    template = "console/_workspace.html" if htmx and not htmx.boosted else "console/campaign.html"
    response = make_response(render_template(template, **context), status)
    response.vary.add("HX-Request")
    return response
