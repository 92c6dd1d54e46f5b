"""Client company settings: one form with sections; every field validated, all saved or none."""
from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from campaigns import client_settings, clock, payment_terms, taxonomy
from campaigns.access import get_visible_campaign
from campaigns.errors import NotFound, ValidationError
from campaigns.identifiers import format_iban
from campaigns.models import Role

from ..auth.permissions import roles_required
from ..errors import domain_message
from ..extensions import db
from . import bp

STAFF = (Role.MANAGER, Role.ADMIN)
READERS = (Role.MANAGER, Role.ADMIN, Role.CLIENT)
MAX_FIELD = 400


def _field(name: str, default: str = "", limit: int = MAX_FIELD) -> str:
    """A form value made harmless at the edge: no NUL or control characters (line breaks kept), bounded."""
    value = request.form.get(name, default)[:limit]
    return "".join(ch for ch in value if ch in "\n\t" or ch.isprintable())


def _company(campaign_id: int):
    try:
        campaign = get_visible_campaign(db.session, current_user, campaign_id)
    except NotFound:
        abort(404)
    return campaign, client_settings.get_company(db.session, campaign.client_company_id)


def _form_values(company) -> dict:
    """The form as the company's current settings fill it."""
    return {"legal_name": company.legal_name or company.name, "address": company.address or "",
            "postal_code": company.postal_code or "", "city": company.city or "", "siren": company.siren or "",
            "siret": company.siret or "", "iban": format_iban(company.iban), "bic": company.bic or "",
            "payment_terms_kind": company.payment_terms_kind or payment_terms.NET,
            "payment_terms_days": "" if company.payment_terms_days is None else str(company.payment_terms_days),
            "late_interest_rate": "" if company.late_interest_rate is None else
            f"{company.late_interest_rate.normalize():f}".replace(".", ","),
            "reply_to_email": company.reply_to_email or "", "customer_accounts": company.customer_accounts or ""}


def _render(campaign, company, values, errors=None, status=200):
    legal = client_settings.legal_rate_on(db.session, clock.today(campaign))
    return render_template("clients/settings.html", campaign=campaign, company=company, values=values,
                           errors=errors or {}, can_edit=current_user.role in STAFF, legal_rate=legal,
                           terms_kinds=TERMS_LABELS, motives=taxonomy.tree(db.session, company.id),
                           form=request.form if errors else None), status


TERMS_LABELS = {payment_terms.NET: _l("days net from the invoice date"),
                payment_terms.EOM_THEN_DAYS: _l("end of month, then + N days"),
                payment_terms.DAYS_THEN_EOM: _l("+ N days, then end of month")}


@bp.route("/")
@roles_required(*READERS)
def settings(campaign_id: int):
    """The client company's settings (read-only for the client's own users)."""
    campaign, company = _company(campaign_id)
    return _render(campaign, company, _form_values(company))


@bp.route("/", methods=["POST"])
@roles_required(*STAFF)
def save(campaign_id: int):
    """Validate the whole form; save it all, or show every error next to its field (422)."""
    campaign, company = _company(campaign_id)
    values = {k: _field(k) for k in _form_values(company)}
    logo = request.files.get("logo")
    data = logo.read(client_settings.MAX_LOGO_BYTES + 1) if logo and logo.filename else None
    motives = [taxonomy.MotiveEdit(m.code, _field(f"motive-{m.code}-label_fr", m.label_fr),
                                   _field(f"motive-{m.code}-label_en", m.label_en),
                                   _field(f"motive-{m.code}-order", str(m.sort_order), 12),
                                   request.form.get(f"motive-{m.code}-active") == "1")
               for m in taxonomy.tree(db.session, company.id)] if request.form.get("motives_shown") else None
    form = client_settings.SettingsInput(
        **values, logo=data, remove_logo=request.form.get("remove_logo") == "1", motives=motives,
        new_motive_parent=_field("new_motive_parent", limit=80), new_motive_fr=_field("new_motive_fr"),
        new_motive_en=_field("new_motive_en"))
    try:
        client_settings.update(db.session, company, form, current_user.id, clock.today(campaign))
    except ValidationError as exc:
        db.session.rollback()
        errors = {name: domain_message(error) for name, error in exc.errors.items()}
        return _render(campaign, company, values, errors, 422)
    db.session.commit()
    flash(_("The client company's settings are saved."), "success")
    return redirect(url_for("clients.settings", campaign_id=campaign.id), 303)


@bp.route("/logo")
@roles_required(*READERS)
def logo(campaign_id: int):
    """The logo printed on letters."""
    _campaign, company = _company(campaign_id)
    if not company.logo:
        abort(404)
    return Response(company.logo, mimetype=company.logo_mime, headers={"Cache-Control": "private, max-age=300"})
