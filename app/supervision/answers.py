"""The client company's answers in the app: a dispute answered with a decision, a note and documents; a
new number or none known; debtors and invoices put on hold and released. Managers see every answer and may
act for the client; agents never (``campaigns.client_answers``)."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from campaigns import client_answers
from campaigns.errors import DomainError, NotFound, ValidationError
from campaigns.models import (DebtorAccount, DisputeAttachment, Invoice, InvoiceMotive, MotiveStatus, QueueState,
                              User)
from campaigns.importing.parsing import Unreadable, amount_cents

from ..auth.permissions import roles_required
from ..errors import domain_message
from ..extensions import db, htmx
from ..labels import ANSWER_DECISION
from . import bp
from .routes import READERS, _campaign, _wrong_numbers

DECISION_LABELS = ANSWER_DECISION


def _text(name: str, limit: int) -> str:
    value = request.form.get(name, "")[:limit + 1]
    return "".join(ch for ch in value if ch in "\n\t" or ch.isprintable())


def _dispute(campaign, motive_id: int) -> InvoiceMotive:
    motive = db.session.get(InvoiceMotive, motive_id)
    if motive is None or motive.campaign_id != campaign.id:
        abort(404)
    return motive


def _dispute_page(campaign, motive, errors=None, form=None, status=200):
    attachments = db.session.scalars(sa.select(DisputeAttachment).where(DisputeAttachment.motive_id == motive.id)
                                     .order_by(DisputeAttachment.id)).all()
    answered_by = db.session.get(User, motive.answered_by_id) if motive.answered_by_id else None
    return render_template("supervision/dispute.html", campaign=campaign, motive=motive, invoice=motive.invoice,
                           debtor=motive.debtor, attachments=attachments, answered_by=answered_by,
                           errors=errors or {}, form=form or {}, decisions=DECISION_LABELS,
                           max_mb=client_answers.MAX_ATTACHMENT_BYTES // 1_000_000,
                           can_answer=motive.status == MotiveStatus.OPEN), status


@bp.route("/disputes/<int:motive_id>")
@roles_required(*READERS)
def dispute(campaign_id: int, motive_id: int):
    """One dispute: what the debtor said, the client's answer (or the form to give it)."""
    campaign = _campaign(campaign_id)
    return _dispute_page(campaign, _dispute(campaign, motive_id))


@bp.route("/disputes/<int:motive_id>/answer", methods=["POST"])
@roles_required(*READERS)
def answer_dispute(campaign_id: int, motive_id: int):
    campaign = _campaign(campaign_id)
    motive = _dispute(campaign, motive_id)
    form = {"decision": request.form.get("decision", ""), "note": _text("note", client_answers.MAX_NOTE),
            "amount": _text("amount", 30)}
    errors = {}
    cents = None
    if form["decision"] == client_answers.CORRECTED and form["amount"].strip():
        try:
            cents = amount_cents(form["amount"].strip())
        except Unreadable:
            errors["amount"] = _("Write the amount in euros, for example 1 250,00.")
    uploads = [client_answers.Upload(f.filename, f.read(client_answers.MAX_ATTACHMENT_BYTES + 1))
               for f in request.files.getlist("attachments") if f and f.filename]
    if not errors:
        try:
            client_answers.answer_dispute(db.session, campaign, motive.id, current_user, form["decision"],
                                          form["note"], cents, uploads)
        except ValidationError as exc:
            db.session.rollback()
            errors = {name: domain_message(error) for name, error in exc.errors.items()}
        except DomainError as exc:
            db.session.rollback()
            errors = {"decision": domain_message(exc)}
    if errors:
        return _dispute_page(campaign, _dispute(campaign, motive_id), errors, form, 422)
    db.session.commit()
    flash({client_answers.MAINTAINED: _("Answer saved: the invoice is maintained and the debtor is back in the queue."),
           client_answers.CORRECTED: _("Answer saved: the invoice is corrected and the debtor is back in the queue."),
           client_answers.CREDIT_NOTE: _("Answer saved: the dispute waits for the credit note, which closes it.")}
          [form["decision"]], "success")
    return redirect(url_for("supervision.dashboard", campaign_id=campaign.id) + "#disputes", 303)


@bp.route("/disputes/<int:motive_id>/attachments/<int:attachment_id>")
@roles_required(*READERS)
def attachment(campaign_id: int, motive_id: int, attachment_id: int):
    campaign = _campaign(campaign_id)
    motive = _dispute(campaign, motive_id)
    document = db.session.get(DisputeAttachment, attachment_id)
    if document is None or document.motive_id != motive.id or document.data is None:
        abort(404)
    safe = "".join(ch for ch in document.file_name if ch.isalnum() or ch in "._- ") or "document"
    return Response(document.data, mimetype=document.mime, headers={
        "Content-Disposition": f'attachment; filename="{safe}"', "X-Content-Type-Options": "nosniff"})


@bp.route("/wrong-numbers/<int:debtor_id>/none", methods=["POST"])
@roles_required(*READERS)
def no_number_known(campaign_id: int, debtor_id: int):
    """The client knows no other number for this debtor."""
    campaign = _campaign(campaign_id)
    try:
        client_answers.no_number_known(db.session, campaign, debtor_id, current_user)
    except NotFound:
        abort(404)
    db.session.commit()
    if htmx:
        return _wrong_numbers(campaign, done=_("Noted: no other number is known for this debtor."))
    flash(_("Noted: no other number is known for this debtor."), "success")
    return redirect(url_for("supervision.dashboard", campaign_id=campaign.id) + "#wrong-numbers", 303)


def _holds_page(campaign, errors=None, found=None, q="", status=200):
    held = db.session.scalars(sa.select(DebtorAccount).where(DebtorAccount.campaign_id == campaign.id,
                                                             DebtorAccount.queue_state == QueueState.HELD)
                              .order_by(DebtorAccount.held_at.desc())).all()
    held_invoices = db.session.execute(
        sa.select(Invoice, DebtorAccount.company_name, DebtorAccount.customer_code)
        .join(DebtorAccount, DebtorAccount.id == Invoice.debtor_id)
        .where(Invoice.campaign_id == campaign.id, Invoice.held_at.is_not(None))
        .order_by(Invoice.held_at.desc())).all()
    return render_template("supervision/holds.html", campaign=campaign, held=held, held_invoices=held_invoices,
                           found=found or [], q=q, errors=errors or {}, states=client_answers.states), status


@bp.route("/holds")
@roles_required(*READERS)
def holds(campaign_id: int):
    """Debtors and invoices the client put on hold, and a search to hold another."""
    campaign = _campaign(campaign_id)
    q = request.args.get("q", "")[:100].strip()
    found = []
    if len(q) >= 2:
        found = db.session.scalars(
            sa.select(DebtorAccount).where(
                DebtorAccount.campaign_id == campaign.id,
                sa.or_(DebtorAccount.company_name.ilike(f"%{q}%"), DebtorAccount.customer_code == q,
                       DebtorAccount.id.in_(sa.select(Invoice.debtor_id).where(Invoice.campaign_id == campaign.id,
                                                                              Invoice.number == q))))
            .order_by(DebtorAccount.company_name).limit(20)).all()
    return _holds_page(campaign, found=found, q=q)


def _hold_action(campaign, action):
    try:
        action()
    except NotFound:
        abort(404)
    except ValidationError as exc:
        db.session.rollback()
        return " ".join(domain_message(e) for e in exc.errors.values())
    except DomainError as exc:
        db.session.rollback()
        return domain_message(exc)
    db.session.commit()
    return None


@bp.route("/debtors/<int:debtor_id>/hold", methods=["POST"])
@roles_required(*READERS)
def hold_debtor(campaign_id: int, debtor_id: int):
    campaign = _campaign(campaign_id)
    error = _hold_action(campaign, lambda: client_answers.hold_debtor(
        db.session, campaign, debtor_id, current_user, _text("reason", client_answers.MAX_REASON)))
    return _after_hold(campaign, error, _("The debtor is on hold: no negotiator will call it until it is released."))


@bp.route("/debtors/<int:debtor_id>/release", methods=["POST"])
@roles_required(*READERS)
def release_debtor(campaign_id: int, debtor_id: int):
    campaign = _campaign(campaign_id)
    error = _hold_action(campaign, lambda: client_answers.release_debtor(db.session, campaign, debtor_id, current_user))
    return _after_hold(campaign, error, _("The debtor is released: it is back in the queue."))


@bp.route("/invoices/<int:invoice_id>/hold", methods=["POST"])
@roles_required(*READERS)
def hold_invoice(campaign_id: int, invoice_id: int):
    campaign = _campaign(campaign_id)
    release = request.form.get("release") == "1"
    error = _hold_action(campaign, lambda: client_answers.hold_invoice(
        db.session, campaign, invoice_id, current_user, _text("reason", client_answers.MAX_REASON), release=release))
    return _after_hold(campaign, error, _("The invoice is released.") if release else
                       _("The invoice is on hold: the negotiators will not claim it."))


def _after_hold(campaign, error, done):
    if error:
        flash(error, "error")
    else:
        flash(done, "success")
    back = (request.form.get("back") or "")[:100] or None
    return redirect(url_for("supervision.holds", campaign_id=campaign.id, q=back), 303)
