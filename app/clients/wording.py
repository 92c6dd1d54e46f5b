"""The client company's wording of the e-mails to its debtors: each kind in French and English, merge fields
listed, previewed with sample values before saving; an empty wording means Relance's own."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from campaigns import merge_fields
from campaigns.errors import DomainError, ValidationError
from campaigns.mail import wording

from ..auth.permissions import roles_required
from ..errors import domain_message
from ..extensions import db
from ..labels import MESSAGE_KIND
from . import bp
from .routes import READERS, STAFF, _company, _field

LANGUAGE_NAMES = {"fr": "Français", "en": "English"}


def _current(company) -> dict[str, str]:
    """The form as saved: the company's own wording, else Relance's."""
    values = {}
    for kind in wording.KINDS:
        for language in wording.LANGUAGES:
            shown = wording.of(company, kind, language)
            values[f"{kind}-{language}-subject"], values[f"{kind}-{language}-body"] = shown.subject, shown.body
            values[f"{kind}-{language}-own"] = shown.own
    return values


def _render(campaign, company, values, errors=None, status=200):
    return render_template("clients/wording.html", campaign=campaign, company=company, values=values,
                           errors=errors or {}, can_edit=current_user.role in STAFF, kinds=MESSAGE_KIND,
                           languages=LANGUAGE_NAMES, fields=merge_fields.MAIL_FIELDS), status


@bp.route("/emails")
@roles_required(*READERS)
def wording_page(campaign_id: int):
    campaign, company = _company(campaign_id)
    return _render(campaign, company, _current(company))


@bp.route("/emails", methods=["POST"])
@roles_required(*STAFF)
def save_wording(campaign_id: int):
    """Save every wording, or none with each error beside its field (422)."""
    campaign, company = _company(campaign_id)
    edits, values = {}, {}
    for kind in wording.KINDS:
        for language in wording.LANGUAGES:
            if request.form.get(f"restore-{kind}-{language}") == "1":
                subject, body = "", ""
            else:
                subject = _field(f"{kind}-{language}-subject", limit=wording.MAX_SUBJECT + 1).strip()
                body = _field(f"{kind}-{language}-body", limit=wording.MAX_BODY + 1).replace("\r\n", "\n")
            edits[(kind, language)] = (subject, body)
            values[f"{kind}-{language}-subject"], values[f"{kind}-{language}-body"] = subject, body
    try:
        wording.save(db.session, company, edits, current_user.id)
    except ValidationError as exc:
        db.session.rollback()
        return _render(campaign, company, values, {k: domain_message(e) for k, e in exc.errors.items()}, 422)
    db.session.commit()
    flash(_("The wording of the e-mails is saved."), "success")
    return redirect(url_for("clients.wording_page", campaign_id=campaign.id), 303)


@bp.route("/emails/preview", methods=["POST"])
@roles_required(*READERS)
def preview_wording(campaign_id: int):
    """One wording as a debtor would read it, with sample values (nothing saved)."""
    campaign, company = _company(campaign_id)
    kind = request.form.get("kind") if request.form.get("kind") in wording.KINDS else wording.KINDS[0]
    language = request.form.get("language") if request.form.get("language") in wording.LANGUAGES else "fr"
    subject = _field(f"{kind}-{language}-subject", limit=wording.MAX_SUBJECT + 1).strip()
    body = _field(f"{kind}-{language}-body", limit=wording.MAX_BODY + 1).replace("\r\n", "\n")
    problems = [domain_message(DomainError(message, **params))
                for _part, message, params in wording.problems(subject, body)]
    shown = wording.Wording(subject, body) if subject and body else wording.default(kind, language)
    rendered_subject, rendered_body = wording.render(shown, wording.sample_values(company, kind, language))
    return render_template("clients/_wording_preview.html", kind=kind, language=language, problems=problems,
                           subject=rendered_subject, body=rendered_body)
