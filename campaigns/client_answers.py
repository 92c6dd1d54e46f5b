"""The client company's side of the loop: its answer to each dispute, the numbers it knows (or does not),
and the debtors and invoices it puts on hold for commercial reasons. Every action is audited.

A dispute's answer is one of three decisions:
- "Facture maintenue" (``maintained``): the dispute is closed with the client's note, which the agent's
  card shows, and the debtor goes back to the queue;
- "Facture corrigée" (``corrected``): the invoice's outstanding becomes the amount the client gives,
  recorded as a correction (``InvoiceCorrection``: never a payment in the figures), and the debtor goes back;
- "Avoir à venir" (``credit_note``): the dispute stays open, awaiting the credit note, until an update or
  payments file lowers the invoice (``close_credit_notes``), which closes it.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from . import audit, balances, clock, priority, states
from .errors import N_, Conflict, DomainError, NotFound, PermissionDenied, ValidationError
from .money import format_eur
from .models import (Campaign, DebtorAccount, DisputeAttachment, Invoice, InvoiceCorrection, InvoiceMotive,
                     InvoiceStatus, Motive, MotiveStatus, QueueState, Role, User)
from .supervision.disputes import resolve_dispute
from .supervision.wrong_numbers import set_new_phone

MAINTAINED, CORRECTED, CREDIT_NOTE = "maintained", "corrected", "credit_note"
DECISIONS = (MAINTAINED, CORRECTED, CREDIT_NOTE)
MAX_NOTE = 2000
MAX_REASON = 300
MAX_ATTACHMENTS = 5
MAX_ATTACHMENT_BYTES = 5_000_000
ATTACHMENT_TYPES = {b"%PDF-": "application/pdf", b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}


@dataclass(frozen=True)
class Upload:
    """A file as the browser sent it."""
    file_name: str
    data: bytes


def _may_answer(user: User, campaign: Campaign) -> None:
    """The client company's own users, the provider's managers and administrators; never an agent."""
    if user.role in (Role.MANAGER, Role.ADMIN):
        return
    if user.role is Role.CLIENT and user.client_company_id == campaign.client_company_id:
        return
    raise PermissionDenied(N_("Only the client company or a manager may answer for the client."))


def sniff(data: bytes) -> str | None:
    """The attachment's type read from its first bytes (PDF, PNG, JPEG), whatever its name says."""
    return next((mime for magic, mime in ATTACHMENT_TYPES.items() if data.startswith(magic)), None)


def _check_uploads(uploads: list[Upload], errors: dict) -> None:
    if len(uploads) > MAX_ATTACHMENTS:
        errors["attachments"] = DomainError(N_("At most {limit} documents per answer."), field="attachments",
                                            limit=MAX_ATTACHMENTS)
        return
    for upload in uploads:
        if len(upload.data) > MAX_ATTACHMENT_BYTES:
            errors["attachments"] = DomainError(N_("“{name}” is larger than {limit} MB."), field="attachments",
                                                name=upload.file_name, limit=MAX_ATTACHMENT_BYTES // 1_000_000)
        elif sniff(upload.data) is None:
            errors["attachments"] = DomainError(N_("“{name}” is neither a PDF nor an image (PNG or JPEG)."),
                                                field="attachments", name=upload.file_name)


def _open_dispute(session: Session, campaign: Campaign, motive_id: int) -> InvoiceMotive:
    motive = session.get(InvoiceMotive, motive_id, with_for_update=True)
    if motive is None or motive.campaign_id != campaign.id:
        raise NotFound(N_("No such dispute."))
    if motive.status != MotiveStatus.OPEN:
        raise Conflict(N_("This dispute is already closed."))
    if not session.scalar(sa.select(Motive.blocks_queue).where(Motive.id == motive.motive_id)):
        raise Conflict(N_("This motive does not wait for the client's answer."))
    return motive


def answer_dispute(session: Session, campaign: Campaign, motive_id: int, user: User, decision: str, note: str,
                   new_amount_cents: int | None = None, uploads: list[Upload] = (),
                   now: datetime | None = None) -> InvoiceMotive:
    """Record the client's answer to one open dispute and do what its decision says (see the module)."""
    now = clock.now(now)
    _may_answer(user, campaign)
    motive = _open_dispute(session, campaign, motive_id)
    invoice = session.get(Invoice, motive.invoice_id, with_for_update=True)
    note = (note or "").strip()
    errors: dict[str, DomainError] = {}
    if decision not in DECISIONS:
        errors["decision"] = DomainError(N_("Choose the decision: invoice maintained, corrected, or credit note to come."),
                                         field="decision")
    if not note:
        errors["note"] = DomainError(N_("Write the answer the negotiator will give the debtor."), field="note")
    elif len(note) > MAX_NOTE:
        errors["note"] = DomainError(N_("The answer is at most {limit} characters."), field="note", limit=MAX_NOTE)
    if decision == CORRECTED:
        if new_amount_cents is None:
            errors["amount"] = DomainError(N_("Give the invoice's corrected amount."), field="amount")
        elif new_amount_cents < 0:
            errors["amount"] = DomainError(N_("The corrected amount cannot be negative."), field="amount")
        elif new_amount_cents >= invoice.outstanding_cents:
            errors["amount"] = DomainError(
                N_("A correction lowers the invoice: give less than its outstanding {outstanding} (or choose "
                   "“invoice maintained”)."), field="amount",
                outstanding=format_eur(invoice.outstanding_cents, invoice.currency))
    _check_uploads(list(uploads), errors)
    if errors:
        raise ValidationError(errors)

    motive.client_decision, motive.client_note = decision, note
    motive.answered_at, motive.answered_by_id = now, user.id
    for upload in uploads:
        session.add(DisputeAttachment(campaign_id=campaign.id, motive_id=motive.id,
                                      file_name=(upload.file_name or "document")[:200], mime=sniff(upload.data),
                                      size_bytes=len(upload.data), sha256=hashlib.sha256(upload.data).hexdigest(),
                                      data=upload.data, uploaded_by_id=user.id))
    details = {"decision": decision, "invoice": invoice.number, "attachments": len(uploads)}
    if decision == CORRECTED:
        details.update(before_cents=invoice.outstanding_cents, after_cents=new_amount_cents)
        _correct(session, campaign, invoice, motive, new_amount_cents, user.id)
    audit.record(session, user.id, "dispute.answered", motive, debtor_id=motive.debtor_id, **details)
    if decision in (MAINTAINED, CORRECTED):
        resolve_dispute(session, motive.id, user.id, note, now=now, campaign_id=campaign.id)
    session.flush()
    return motive


def _correct(session: Session, campaign: Campaign, invoice: Invoice, motive: InvoiceMotive, cents: int,
             user_id: int) -> None:
    session.add(InvoiceCorrection(campaign_id=campaign.id, invoice_id=invoice.id, motive_id=motive.id,
                                  old_outstanding_cents=invoice.outstanding_cents, new_outstanding_cents=cents,
                                  user_id=user_id))
    invoice.outstanding_cents = cents
    if cents == 0:
        invoice.status = InvoiceStatus.CANCELLED
    session.flush()
    # The same totals as an update file's (a debtor left owing nothing leaves the queue as paid).
    balances.refresh_debtors(session, campaign.id, {invoice.debtor_id})


def close_credit_notes(session: Session, campaign_id: int, fallen_invoice_ids: set[int], batch_id: int | None,
                       now: datetime | None = None) -> int:
    """An update or payments file lowered these invoices: the disputes awaiting their credit note close."""
    if not fallen_invoice_ids:
        return 0
    waiting = session.scalars(sa.select(InvoiceMotive.id).where(
        InvoiceMotive.campaign_id == campaign_id, InvoiceMotive.status == MotiveStatus.OPEN,
        InvoiceMotive.client_decision == CREDIT_NOTE,
        InvoiceMotive.invoice_id.in_(sorted(fallen_invoice_ids)))).all()
    for motive_id in waiting:
        motive = resolve_dispute(session, motive_id, None, "Avoir reçu", now=now, campaign_id=campaign_id)
        audit.record(session, None, "dispute.credit_note_received", motive, debtor_id=motive.debtor_id,
                     batch_id=batch_id)
    return len(waiting)


def give_number(session: Session, campaign: Campaign, debtor_id: int, user: User, phone: str,
                now: datetime | None = None):
    """A new number from the client (or the manager): the debtor goes back to the queue."""
    _may_answer(user, campaign)
    added = set_new_phone(session, debtor_id, user.id, phone, now=now, campaign_id=campaign.id)
    session.get(DebtorAccount, debtor_id).no_number_known = False
    return added


def no_number_known(session: Session, campaign: Campaign, debtor_id: int, user: User) -> DebtorAccount:
    """The client knows no other number: the debtor leaves the list of numbers to find (still unreachable)."""
    _may_answer(user, campaign)
    debtor = session.get(DebtorAccount, debtor_id)
    if debtor is None or debtor.campaign_id != campaign.id:
        raise NotFound(N_("This debtor does not exist."))
    debtor.no_number_known = True
    audit.record(session, user.id, "debtor.no_number_known", debtor, debtor_id=debtor.id)
    session.flush()
    return debtor


def _reason(reason: str) -> str:
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": DomainError(N_("Say why it is put on hold."), field="reason")})
    if len(reason) > MAX_REASON:
        raise ValidationError({"reason": DomainError(N_("The reason is at most {limit} characters."), field="reason",
                                                     limit=MAX_REASON)})
    return reason


def hold_debtor(session: Session, campaign: Campaign, debtor_id: int, user: User, reason: str,
                now: datetime | None = None) -> DebtorAccount:
    """Put a debtor on hold: no agent is handed it until the client releases it."""
    _may_answer(user, campaign)
    reason = _reason(reason)
    debtor = session.get(DebtorAccount, debtor_id, with_for_update=True)
    if debtor is None or debtor.campaign_id != campaign.id:
        raise NotFound(N_("This debtor does not exist."))
    if debtor.queue_state is QueueState.HELD:
        raise Conflict(N_("This debtor is already on hold."))
    if debtor.queue_state in states.CLOSED:
        raise Conflict(N_("This debtor's file is closed ({state}): there is nothing to hold."),
                       state=[states.label(debtor.queue_state)])       # a list: translated where shown
    debtor.held_from_state, debtor.queue_state = debtor.queue_state.value, QueueState.HELD
    debtor.held_reason, debtor.held_at, debtor.held_by_id = reason, clock.now(now), user.id
    debtor.version = (debtor.version or 0) + 1
    audit.record(session, user.id, "debtor.held", debtor, debtor_id=debtor.id, reason=reason)
    session.flush()
    return debtor


def release_debtor(session: Session, campaign: Campaign, debtor_id: int, user: User,
                   now: datetime | None = None) -> DebtorAccount:
    """Release a held debtor: it goes back where it was (a callback or a promise keeps its date)."""
    _may_answer(user, campaign)
    debtor = session.get(DebtorAccount, debtor_id, with_for_update=True)
    if debtor is None or debtor.campaign_id != campaign.id:
        raise NotFound(N_("This debtor does not exist."))
    if debtor.queue_state is not QueueState.HELD:
        raise Conflict(N_("This debtor is not on hold."))
    back = QueueState(debtor.held_from_state) if debtor.held_from_state in set(QueueState) else QueueState.READY
    debtor.queue_state = back if back is not QueueState.HELD else QueueState.READY
    debtor.held_reason = debtor.held_at = debtor.held_by_id = debtor.held_from_state = None
    debtor.version = (debtor.version or 0) + 1
    priority.recompute_debtor(session, debtor, clock.now(now))
    audit.record(session, user.id, "debtor.released", debtor, debtor_id=debtor.id, state=debtor.queue_state.value)
    session.flush()
    return debtor


def hold_invoice(session: Session, campaign: Campaign, invoice_id: int, user: User, reason: str | None,
                 release: bool = False, now: datetime | None = None) -> Invoice:
    """Put one invoice on hold (or release it): the card tells the agent not to claim it."""
    _may_answer(user, campaign)
    invoice = session.get(Invoice, invoice_id, with_for_update=True)
    if invoice is None or invoice.campaign_id != campaign.id:
        raise NotFound(N_("No such invoice."))
    if release:
        if invoice.held_at is None:
            raise Conflict(N_("This invoice is not on hold."))
        invoice.held_reason = invoice.held_at = invoice.held_by_id = None
        audit.record(session, user.id, "invoice.released", invoice, debtor_id=invoice.debtor_id,
                     invoice=invoice.number)
    else:
        reason = _reason(reason)
        if invoice.held_at is not None:
            raise Conflict(N_("This invoice is already on hold."))
        invoice.held_reason, invoice.held_at, invoice.held_by_id = reason, clock.now(now), user.id
        audit.record(session, user.id, "invoice.held", invoice, debtor_id=invoice.debtor_id, invoice=invoice.number,
                     reason=reason)
    session.flush()
    return invoice


@dataclass(frozen=True)
class Answer:
    """A dispute the client answered, as the manager reviews it."""
    motive_id: int
    debtor_id: int
    debtor_name: str
    invoice_number: str
    decision: str
    note: str | None
    answered_at: datetime
    answered_by: str | None
    closed: bool


def recent_answers(session: Session, campaign_id: int, limit: int = 20) -> list[Answer]:
    """The client's latest answers to disputes, newest first (the manager sees every one)."""
    return [Answer(*row) for row in session.execute(
        sa.select(InvoiceMotive.id, DebtorAccount.id,
                  sa.func.coalesce(DebtorAccount.company_name, DebtorAccount.customer_code), Invoice.number,
                  InvoiceMotive.client_decision, InvoiceMotive.client_note, InvoiceMotive.answered_at, User.name,
                  InvoiceMotive.status != MotiveStatus.OPEN)
        .join(DebtorAccount, DebtorAccount.id == InvoiceMotive.debtor_id)
        .join(Invoice, Invoice.id == InvoiceMotive.invoice_id)
        .outerjoin(User, User.id == InvoiceMotive.answered_by_id)
        .where(InvoiceMotive.campaign_id == campaign_id, InvoiceMotive.client_decision.is_not(None))
        .order_by(InvoiceMotive.answered_at.desc()).limit(limit))]
