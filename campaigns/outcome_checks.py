"""Checking what an agent entered for a call before anything is written: every error at once, by field."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from . import calendar, clock, phones
from .errors import N_, DomainError, ValidationError
from .models import Campaign, ContactResult, DebtorAccount, Invoice, InvoiceStatus, Motive
from .money import format_eur
from .taxonomy import motive_by_code

OPEN_STATUSES = (InvoiceStatus.OPEN, InvoiceStatus.PROMISED, InvoiceStatus.DISPUTED)


@dataclass
class Checked:
    """What a valid outcome names: the promise's invoices and amount, the motives, the invoices said paid."""
    promise_invoices: list[Invoice] = field(default_factory=list)
    promise_amount: int | None = None
    motives: list[tuple] = field(default_factory=list)   # (MotiveInput, Motive, [Invoice])
    already_paid: list[Invoice] = field(default_factory=list)
    already_paid_motive: Motive | None = None


def _open_invoices(session: Session, debtor_id: int) -> list[Invoice]:
    return list(session.scalars(sa.select(Invoice).where(
        Invoice.debtor_id == debtor_id, Invoice.status.in_(OPEN_STATUSES), Invoice.outstanding_cents > 0)
        .order_by(Invoice.due_date, Invoice.id)))


def _pick(invoice_ids, open_by_id: dict[int, Invoice], name: str, errors: dict) -> list[Invoice]:
    if invoice_ids is None:
        return list(open_by_id.values())
    if not invoice_ids:
        errors[name] = DomainError(N_("Choose at least one invoice."), field=name)
        return []
    unknown = [i for i in invoice_ids if i not in open_by_id]
    if unknown:
        errors[name] = DomainError(N_("This invoice is not an open invoice of this debtor."), field=name)
        return []
    return [open_by_id[i] for i in invoice_ids]


def validate(session: Session, campaign: Campaign, debtor: DebtorAccount, o, now: datetime) -> Checked:
    """Every error of the outcome at once (field -> error), or what it names, checked against the database."""
    errors: dict[str, DomainError] = {}
    today = clock.today(campaign, now)
    # Only promises, motives and payments name invoices: a plain call outcome reads none.
    needs_invoices = o.promise is not None or bool(o.motives) or o.already_paid is not None
    open_by_id = {inv.id: inv for inv in _open_invoices(session, debtor.id)} if needs_invoices else {}
    checked = Checked()
    contact = o.result in (ContactResult.RIGHT_PARTY, ContactResult.REFUSAL)
    if (o.promise or o.motives or o.already_paid) and not contact:
        errors["result"] = DomainError(N_("A promise, a motive or a payment needs the debtor on the line."),
                                       field="result")
    if o.refused and o.result != ContactResult.REFUSAL:
        errors["result"] = DomainError(N_("A refusal is recorded with the result “refusal”."), field="result")
    if o.promise is not None:
        p = o.promise
        invoices = _pick(p.invoice_ids, open_by_id, "promise.invoice_ids", errors)
        owed = sum(inv.outstanding_cents for inv in invoices)
        if p.instalments:
            total = 0
            for i, (due, cents) in enumerate(p.instalments):
                if due is None or due < today:
                    errors[f"promise.instalments[{i}].due_date"] = DomainError(
                        N_("An instalment date cannot be in the past."), field="promise.instalments")
                if cents is None or cents <= 0:
                    errors[f"promise.instalments[{i}].amount_cents"] = DomainError(
                        N_("Each instalment needs an amount above zero."), field="promise.instalments")
                total += cents or 0
            dates = [d for d, _ in p.instalments if d]
            if dates != sorted(dates):
                errors["promise.instalments"] = DomainError(N_("Instalments must be in date order."),
                                                            field="promise.instalments")
            amount = p.amount_cents if p.amount_cents is not None else total
            if total != amount:
                errors["promise.instalments"] = DomainError(
                    N_("The instalments add up to {total}, not {amount}."), field="promise.instalments",
                    total=_eur(total), amount=_eur(amount))
        else:
            amount = p.amount_cents
            if p.promised_date is None:
                errors["promise.promised_date"] = DomainError(N_("Enter the promised payment date."),
                                                              field="promise.promised_date")
            elif p.promised_date < today:
                errors["promise.promised_date"] = DomainError(N_("The promised date is in the past."),
                                                              field="promise.promised_date")
        if amount is None or amount <= 0:
            errors["promise.amount_cents"] = DomainError(N_("Enter the promised amount."),
                                                         field="promise.amount_cents")
        elif invoices and amount > owed:
            errors["promise.amount_cents"] = DomainError(
                N_("The promised amount is above what is owed ({owed})."), field="promise.amount_cents",
                owed=_eur(owed))
        if p.method is None:
            errors["promise.method"] = DomainError(N_("Choose how the debtor will pay."), field="promise.method")
        deadline = p.instalments[-1][0] if p.instalments else p.promised_date
        if p.waive_penalties_until is not None and (p.waive_penalties_until < today or (
                deadline and p.waive_penalties_until < deadline)):
            errors["promise.waive_penalties_until"] = DomainError(
                N_("The penalties can be waived for a payment by a date on or after the promised date."),
                field="promise.waive_penalties_until")
        checked.promise_invoices, checked.promise_amount = invoices, amount
    for i, m in enumerate(o.motives):
        motive = motive_by_code(session, campaign.client_company_id, m.motive_code or "")
        if motive is None:
            errors[f"motives[{i}].motive_code"] = DomainError(N_("Unknown motive."), field=f"motives[{i}]")
        invoices = _pick(m.invoice_ids, open_by_id, f"motives[{i}].invoice_ids", errors)
        if m.disputed_amount_cents is not None:
            owed = sum(inv.outstanding_cents for inv in invoices)
            if m.disputed_amount_cents <= 0 or (invoices and m.disputed_amount_cents > owed):
                errors[f"motives[{i}].disputed_amount_cents"] = DomainError(
                    N_("The disputed amount must be above zero and at most {owed}."),
                    field=f"motives[{i}]", owed=_eur(owed))
        if motive is not None and motive.code == "insolvency":
            if m.proceedings_opened_on is None:
                errors[f"motives[{i}].proceedings_opened_on"] = DomainError(
                    N_("Enter the date the proceedings were opened (the judgement's date)."),
                    field=f"motives[{i}].proceedings_opened_on")
            elif m.proceedings_opened_on > today:
                errors[f"motives[{i}].proceedings_opened_on"] = DomainError(
                    N_("The proceedings' opening date cannot be in the future."),
                    field=f"motives[{i}].proceedings_opened_on")
        checked.motives.append((m, motive, invoices))
    if o.callback is not None:
        due = o.callback.due_at
        if due is None or due.tzinfo is None:
            errors["callback.due_at"] = DomainError(N_("Enter the callback date and time."), field="callback.due_at")
        elif due <= now:
            errors["callback.due_at"] = DomainError(N_("The callback time is in the past."), field="callback.due_at")
        elif not calendar.is_open(campaign, due):
            errors["callback.due_at"] = DomainError(
                N_("The callback time is outside calling hours (next opening: {next})."), field="callback.due_at",
                next=_local(campaign, calendar.next_open(campaign, due)))
    if o.already_paid is not None:
        a = o.already_paid
        if a.paid_on is None or a.paid_on > today:
            errors["already_paid.paid_on"] = DomainError(N_("The payment date cannot be in the future."),
                                                         field="already_paid.paid_on")
        checked.already_paid = _pick(a.invoice_ids, open_by_id, "already_paid.invoice_ids", errors)
        checked.already_paid_motive = motive_by_code(session, campaign.client_company_id, "already_paid")
    if o.new_phone is not None and phones.normalise(o.new_phone)[0] is None:
        errors["new_phone"] = DomainError(N_("This phone number does not look valid."), field="new_phone")
    if errors:
        raise ValidationError(errors)
    return checked


def _eur(cents: int) -> str:
    return format_eur(cents)


def _local(campaign: Campaign, at: datetime | None) -> str:
    return at.astimezone(clock.zone(campaign)).strftime("%d/%m/%Y %H:%M") if at else "-"
