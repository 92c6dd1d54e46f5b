"""Recording what a call produced: one transaction, validated first, the lease checked, then written."""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from . import audit, calendar, phones, priority, rules
from .errors import N_, Conflict, DomainError, NotFound, ValidationError
from .models import (Callback, CallbackStatus, CallAttempt, Campaign, ContactResult, DebtorAccount, Instalment,
                     Invoice, InvoiceMotive, InvoiceStatus, MotiveStatus, PaymentMethod, Phone, PhoneStatus,
                     Promise, PromiseStatus, QueueState)
from .models.calls import promise_invoices
from .taxonomy import motive_by_code

PARIS = ZoneInfo("Europe/Paris")
OPEN_STATUSES = (InvoiceStatus.OPEN, InvoiceStatus.PROMISED, InvoiceStatus.DISPUTED)
NO_CONTACT = {ContactResult.NO_ANSWER, ContactResult.BUSY, ContactResult.VOICEMAIL, ContactResult.SWITCHBOARD,
              ContactResult.WRONG_NUMBER, ContactResult.WRONG_PARTY}


@dataclass
class PromiseInput:
    """One date and amount, or a plan via instalments."""
    promised_date: date | None
    amount_cents: int | None
    method: PaymentMethod
    invoice_ids: list[int] | None = None           # None = all open invoices of the debtor
    instalments: list[tuple[date, int]] | None = None  # plan: (due date, cents); adds up to amount_cents


@dataclass
class MotiveInput:
    invoice_ids: list[int] | None                  # None = all open invoices
    motive_code: str                               # from campaigns.taxonomy (client's taxonomy)
    details: str | None = None
    documents_requested: str | None = None
    disputed_amount_cents: int | None = None


@dataclass
class CallbackInput:
    due_at: datetime
    personal: bool = True
    note: str | None = None


@dataclass
class AlreadyPaidInput:
    paid_on: date
    method: PaymentMethod
    invoice_ids: list[int] | None = None


@dataclass
class OutcomeInput:
    result: ContactResult
    notes: str | None = None
    promise: PromiseInput | None = None
    motives: list[MotiveInput] = field(default_factory=list)
    callback: CallbackInput | None = None
    already_paid: AlreadyPaidInput | None = None
    new_phone: str | None = None
    phone_dialled: str | None = None
    started_at: datetime | None = None
    request_key: str | None = None
    refused: bool = False


def _now(now):
    return now or datetime.now(timezone.utc)


def _today(now: datetime) -> date:
    return now.astimezone(PARIS).date()


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


def _validate(session, campaign, debtor, o: OutcomeInput, now: datetime) -> dict:
    errors: dict[str, DomainError] = {}
    today = _today(now)
    # Only promises, motives and payments name invoices: a plain call outcome reads none.
    needs_invoices = o.promise is not None or bool(o.motives) or o.already_paid is not None
    open_by_id = {inv.id: inv for inv in _open_invoices(session, debtor.id)} if needs_invoices else {}
    checked: dict = {"motives": []}
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
        checked["promise"] = (invoices, amount)
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
        checked["motives"].append((m, motive, invoices))
    if o.callback is not None:
        due = o.callback.due_at
        if due is None or due.tzinfo is None:
            errors["callback.due_at"] = DomainError(N_("Enter the callback date and time."), field="callback.due_at")
        elif due <= now:
            errors["callback.due_at"] = DomainError(N_("The callback time is in the past."), field="callback.due_at")
        elif not calendar.is_open(campaign, due):
            errors["callback.due_at"] = DomainError(
                N_("The callback time is outside calling hours (next opening: {next})."), field="callback.due_at",
                next=_local(calendar.next_open(campaign, due)))
    if o.already_paid is not None:
        a = o.already_paid
        if a.paid_on is None or a.paid_on > today:
            errors["already_paid.paid_on"] = DomainError(N_("The payment date cannot be in the future."),
                                                         field="already_paid.paid_on")
        checked["already_paid"] = _pick(a.invoice_ids, open_by_id, "already_paid.invoice_ids", errors)
        checked["already_paid_motive"] = motive_by_code(session, campaign.client_company_id, "already_paid")
    if o.new_phone is not None and phones.normalise(o.new_phone)[0] is None:
        errors["new_phone"] = DomainError(N_("This phone number does not look valid."), field="new_phone")
    if errors:
        raise ValidationError(errors)
    return checked


def _eur(cents):
    from .money import format_eur
    return format_eur(cents)


def _local(at: datetime | None) -> str:
    return at.astimezone(PARIS).strftime("%d/%m/%Y %H:%M") if at else "-"


def check_lease(session: Session, debtor: DebtorAccount, agent_id: int, now: datetime) -> None:
    """The agent must hold the lease; an expired lease nobody took is still accepted."""
    if debtor.leased_by_id == agent_id:
        return
    from .queue import _lease_conflict
    raise _lease_conflict(session, debtor, agent_id, now, was_held=True)


@functools.cache
def _lock_statement(with_key: bool):
    """Lock the debtor; say whether this request was already recorded and whether a callback is pending.

    Built once (building it costs more Python than running it); values are bound.
    """
    recorded = (sa.select(CallAttempt.id).where(CallAttempt.request_key == sa.bindparam("lock_request_key"))
                .scalar_subquery() if with_key else sa.null())
    pending = sa.exists().where(Callback.debtor_id == DebtorAccount.id, Callback.status == CallbackStatus.PENDING)
    return (sa.select(DebtorAccount, recorded, pending).where(DebtorAccount.id == sa.bindparam("lock_debtor_id"))
            .with_for_update(of=DebtorAccount.__table__).execution_options(populate_existing=True))


def record_outcome(session: Session, debtor_id: int, agent_id: int, outcome: OutcomeInput,
                   now: datetime | None = None) -> CallAttempt:
    now = _now(now)
    # One round trip: lock the debtor, and learn whether this request was already recorded (a resubmitted
    # form) and whether a callback is pending (to close it).
    row = session.execute(_lock_statement(bool(outcome.request_key)),
                          {"lock_debtor_id": debtor_id, "lock_request_key": outcome.request_key}).first()
    if row is None:
        raise NotFound(N_("This debtor does not exist."))
    debtor, recorded_id, has_pending_callback = row
    if recorded_id is not None:
        return session.get(CallAttempt, recorded_id)
    campaign = session.get(Campaign, debtor.campaign_id)
    checked = _validate(session, campaign, debtor, outcome, now)
    try:
        check_lease(session, debtor, agent_id, now)
    except Conflict:
        # The same form sent twice at once: the first one recorded it (and ended the lease) while
        # this one waited for the lock; the check above ran before that wait.
        if outcome.request_key:
            existing = session.scalars(sa.select(CallAttempt).where(
                CallAttempt.request_key == outcome.request_key)).first()
            if existing is not None:
                return existing
        raise

    kind = None
    if outcome.promise is not None:
        kind = "plan" if outcome.promise.instalments else "promise"
    elif outcome.already_paid is not None:
        kind = "already_paid"
    elif outcome.motives:
        kind = "motive"
    elif outcome.callback is not None:
        kind = "callback"
    started = outcome.started_at if outcome.started_at and outcome.started_at <= now else now
    attempt = CallAttempt(campaign_id=campaign.id, debtor_id=debtor.id, agent_id=agent_id, started_at=started,
                          ended_at=now, duration_seconds=int((now - started).total_seconds()),
                          result=outcome.result, outcome=kind, phone_dialled=outcome.phone_dialled,
                          notes=outcome.notes, request_key=outcome.request_key)
    session.add(attempt)
    session.flush()

    # Any pending callback of this debtor is done: the call was made.
    if has_pending_callback:
        session.execute(sa.update(Callback).where(Callback.debtor_id == debtor.id,
                                                  Callback.status == CallbackStatus.PENDING)
                        .values(status=CallbackStatus.DONE))
    next_at: datetime | None = None
    key = outcome.result.value
    blocking = False
    if outcome.promise is not None:
        p = outcome.promise
        invoices, amount = checked["promise"]
        replaced = list(session.scalars(sa.select(Promise.id).where(Promise.debtor_id == debtor.id,
                                                                    Promise.status == PromiseStatus.PENDING)))
        session.execute(sa.update(Promise).where(Promise.debtor_id == debtor.id,
                                                 Promise.status == PromiseStatus.PENDING)
                        .values(status=PromiseStatus.CANCELLED))
        first = p.instalments[0][0] if p.instalments else p.promised_date
        promise = Promise(campaign_id=campaign.id, debtor_id=debtor.id, call_id=attempt.id, agent_id=agent_id,
                          promised_date=first, amount_cents=amount, method=p.method, is_plan=bool(p.instalments))
        promise.invoices = list(invoices)
        for seq, (due, cents) in enumerate(p.instalments or [], start=1):
            promise.instalments.append(Instalment(seq=seq, due_date=due, amount_cents=cents))
        session.add(promise)
        for inv in invoices:
            inv.status = InvoiceStatus.PROMISED
        key = "promise"
        next_at = _morning(first + timedelta(days=campaign.promise_grace_days or 0))
    for m, motive, invoices in checked["motives"]:
        for inv in invoices:
            session.add(InvoiceMotive(campaign_id=campaign.id, debtor_id=debtor.id, invoice_id=inv.id,
                                      call_id=attempt.id, agent_id=agent_id, motive_id=motive.id,
                                      details=m.details, documents_requested=m.documents_requested,
                                      disputed_amount_cents=m.disputed_amount_cents))
            if motive.blocks_queue:
                inv.status = InvoiceStatus.DISPUTED
        blocking = blocking or motive.blocks_queue
    if outcome.already_paid is not None:
        a = outcome.already_paid
        motive = checked["already_paid_motive"]
        for inv in checked["already_paid"]:
            if motive is not None:
                session.add(InvoiceMotive(campaign_id=campaign.id, debtor_id=debtor.id, invoice_id=inv.id,
                                          call_id=attempt.id, agent_id=agent_id, motive_id=motive.id,
                                          paid_on=a.paid_on, payment_method=a.method))
            inv.status = InvoiceStatus.DISPUTED
    if outcome.callback is not None:
        c = outcome.callback
        session.add(Callback(campaign_id=campaign.id, debtor_id=debtor.id, call_id=attempt.id, due_at=c.due_at,
                             agent_id=agent_id if c.personal else None, note=c.note, created_by_id=agent_id))
    if outcome.result == ContactResult.WRONG_NUMBER:
        _mark_wrong(session, debtor, outcome.phone_dialled, outcome.new_phone, agent_id)

    # Counters.
    debtor.attempts = (debtor.attempts or 0) + 1
    if outcome.result in NO_CONTACT:
        debtor.attempts_without_contact = (debtor.attempts_without_contact or 0) + 1
    else:
        debtor.attempts_without_contact = 0
    debtor.last_attempt_at = now
    debtor.last_result = kind or outcome.result.value
    debtor.last_note = outcome.notes

    # Next action.
    if outcome.result == ContactResult.REFUSAL or outcome.refused:
        key, next_at = "refusal", None
    elif outcome.promise is not None:
        pass
    elif outcome.already_paid is not None:
        key = "already_paid"
    elif blocking:
        key = "motive_blocking"
    elif outcome.callback is not None:
        key, next_at = "callback", outcome.callback.due_at
    elif outcome.motives:
        key = "motive"
    elif outcome.result == ContactResult.WRONG_NUMBER and not debtor.has_valid_phone:
        key = "wrong_number_none_left"
    action = rules.next_action(campaign, key)
    state = action.state
    if next_at is None and action.delay_minutes is not None:
        next_at = calendar.next_open(campaign, now + timedelta(minutes=action.delay_minutes)) or \
            now + timedelta(minutes=action.delay_minutes)
    if state == QueueState.READY and outcome.result in NO_CONTACT \
            and debtor.attempts_without_contact >= (campaign.max_attempts or 10 ** 6):
        state, next_at = rules.next_action(campaign, "max_attempts").state, None
    if outcome.callback is not None and state == QueueState.READY:
        state, next_at = QueueState.CALLBACK, outcome.callback.due_at
    debtor.queue_state = state
    debtor.next_action_at = next_at if state in (QueueState.READY, QueueState.CALLBACK, QueueState.PROMISED) else None
    debtor.version = (debtor.version or 0) + 1
    debtor.leased_by_id = None
    debtor.lease_expires_at = None
    priority.recompute_debtor(session, debtor, now)
    audit.record(session, agent_id, "call.recorded", attempt, campaign_id=campaign.id, debtor_id=debtor.id,
                 result=outcome.result.value, outcome=kind, next_state=state.value,
                 phone_added=bool(outcome.new_phone))  # the Phone row names its author; no number here
    if outcome.promise is not None or outcome.motives or outcome.already_paid is not None:
        _audit_promise_and_motives(session, attempt, agent_id, replaced if outcome.promise is not None else [])
    session.flush()
    return attempt


def _audit_promise_and_motives(session: Session, attempt: CallAttempt, agent_id: int, replaced: list[int]) -> None:
    """One audit entry per promise and per motive the call created, so each can be traced to its author."""
    session.flush()
    for promise in session.scalars(sa.select(Promise).where(Promise.call_id == attempt.id)):
        audit.record(session, agent_id, "promise.create", promise, debtor_id=promise.debtor_id,
                     promised_date=promise.promised_date, amount_cents=promise.amount_cents,
                     method=promise.method.value, plan=promise.is_plan, replaces=replaced)
    for motive in session.scalars(sa.select(InvoiceMotive).where(InvoiceMotive.call_id == attempt.id)):
        audit.record(session, agent_id, "motive.create", motive, debtor_id=motive.debtor_id,
                     invoice_id=motive.invoice_id, motive_id=motive.motive_id,
                     disputed_amount_cents=motive.disputed_amount_cents)


def _morning(day: date) -> datetime:
    return datetime.combine(day, time(9, 0), PARIS).astimezone(timezone.utc)


def _mark_wrong(session, debtor, dialled, new_phone, user_id):
    phones = list(debtor.phones)
    if dialled:
        for ph in phones:
            if dialled in (ph.raw, ph.e164):
                ph.status = PhoneStatus.WRONG
    elif len([p for p in phones if p.status == PhoneStatus.OK]) == 1:
        for ph in phones:
            ph.status = PhoneStatus.WRONG
    if new_phone:
        _add_phone(session, debtor, new_phone, user_id)
    debtor.has_valid_phone = any(p.status == PhoneStatus.OK for p in debtor.phones)


def _add_phone(session, debtor, raw, user_id) -> Phone:
    e164, kind = phones.normalise(raw)
    for known in debtor.phones:
        if e164 and known.e164 == e164:  # a number already on file, given again: it works after all
            known.status = PhoneStatus.OK
            return known
    phone = Phone(raw=raw.strip(), e164=e164, kind=kind, label="ajouté", status=PhoneStatus.OK, added_by_id=user_id,
                  position=1 + max((p.position for p in debtor.phones), default=0))
    debtor.phones.append(phone)
    session.flush()
    return phone


def set_new_phone(session: Session, debtor_id: int, user_id: int, phone: str, now: datetime | None = None,
                  campaign_id: int | None = None) -> Phone:
    """The manager's wrong-number list: give the debtor a new number and put it back in the queue."""
    now = _now(now)
    if phones.normalise(phone or "")[0] is None:
        raise ValidationError({"phone": DomainError(N_("This phone number does not look valid."), field="phone")})
    debtor = session.get(DebtorAccount, debtor_id)
    if debtor is None or (campaign_id is not None and debtor.campaign_id != campaign_id):
        raise NotFound(N_("This debtor does not exist."))
    added = _add_phone(session, debtor, phone, user_id)
    debtor.has_valid_phone = True
    if debtor.queue_state == QueueState.WRONG_NUMBER:
        debtor.queue_state, debtor.next_action_at = QueueState.READY, None
        debtor.version = (debtor.version or 0) + 1
    priority.recompute_debtor(session, debtor, now)
    # The phone's id, not the number: personal data must go when the campaign is purged, the audit stays.
    audit.record(session, user_id, "debtor.phone_added", debtor, phone_id=added.id)
    session.flush()
    return added


def resolve_dispute(session: Session, motive_id: int, user_id: int, resolution: str | None = None,
                    now: datetime | None = None, campaign_id: int | None = None) -> InvoiceMotive:
    """The client answered a motive: it is resolved; the invoice reopens and the debtor returns to the
    queue when nothing else blocks them. ``campaign_id``: refuse a motive of another campaign.
    """
    from .models import Motive
    now = _now(now)
    m = session.get(InvoiceMotive, motive_id, with_for_update=True)
    if m is None or (campaign_id is not None and m.campaign_id != campaign_id):
        raise NotFound(N_("No such dispute."))
    if m.status != MotiveStatus.OPEN:
        raise Conflict(N_("This dispute is already closed."))
    m.status, m.resolved_at, m.resolved_by_id = MotiveStatus.RESOLVED, now, user_id
    m.resolution = (resolution or "").strip() or None
    session.flush()

    def still_blocking(**where):
        q = (sa.select(sa.func.count()).select_from(InvoiceMotive).join(Motive, Motive.id == InvoiceMotive.motive_id)
             .where(InvoiceMotive.status == MotiveStatus.OPEN, Motive.blocks_queue.is_(True)))
        for k, v in where.items():
            q = q.where(getattr(InvoiceMotive, k) == v)
        return session.scalar(q) > 0

    inv = m.invoice
    if inv.status == InvoiceStatus.DISPUTED and not still_blocking(invoice_id=inv.id):
        inv.status = InvoiceStatus.OPEN if inv.outstanding_cents > 0 else InvoiceStatus.PAID
    debtor = m.debtor
    back_in_queue = debtor.queue_state == QueueState.DISPUTED and not still_blocking(debtor_id=debtor.id)
    if back_in_queue:
        debtor.queue_state, debtor.next_action_at = QueueState.READY, now
        debtor.version = (debtor.version or 0) + 1
        priority.recompute_debtor(session, debtor, now)
    audit.record(session, user_id, "dispute.resolve", m, invoice=inv.number, resolution=m.resolution,
                 debtor_back_in_queue=back_in_queue)
    session.flush()
    return m


def _promise_open_cents(session, promise: Promise) -> int:
    return session.scalar(sa.select(sa.func.coalesce(sa.func.sum(Invoice.outstanding_cents), 0))
                          .join(promise_invoices, promise_invoices.c.invoice_id == Invoice.id)
                          .where(promise_invoices.c.promise_id == promise.id,
                                 Invoice.status.in_(OPEN_STATUSES)))


def _break(session, promise: Promise, debtor: DebtorAccount, now: datetime) -> None:
    promise.status = PromiseStatus.PARTIALLY_KEPT if promise.paid_cents else PromiseStatus.BROKEN
    promise.judged_at = now
    # No person judged it: the job worker did (the audit log shows "System").
    audit.record(session, None, f"promise.{promise.status.value}", promise, debtor_id=debtor.id,
                 paid_cents=promise.paid_cents)
    debtor.broken_promises = (debtor.broken_promises or 0) + 1
    debtor.last_broken_promise_on = promise.promised_date
    for inv in promise.invoices:
        if inv.status == InvoiceStatus.PROMISED:
            inv.status = InvoiceStatus.OPEN
    if debtor.queue_state == QueueState.PROMISED:
        debtor.queue_state, debtor.next_action_at = QueueState.READY, None
    priority.recompute_debtor(session, debtor, now)


def judge_debtor_promises(session: Session, debtor: DebtorAccount, now: datetime | None = None) -> int:
    """Pending promises of one debtor past date + grace with invoices still open become broken (boost)."""
    now = _now(now)
    campaign = session.get(Campaign, debtor.campaign_id)
    limit = _today(now) - timedelta(days=campaign.promise_grace_days or 0)
    broken = 0
    for promise in session.scalars(sa.select(Promise).where(
            Promise.debtor_id == debtor.id, Promise.status == PromiseStatus.PENDING,
            Promise.promised_date < limit)):
        if _promise_open_cents(session, promise) > 0:
            _break(session, promise, debtor, now)
            broken += 1
    session.flush()
    return broken


def judge_promises(session: Session, campaign_id: int, now: datetime | None = None) -> int:
    """Campaign-wide judging (called by queue.tick). Returns how many promises were broken."""
    now = _now(now)
    campaign = session.get(Campaign, campaign_id)
    limit = _today(now) - timedelta(days=campaign.promise_grace_days or 0)
    debtor_ids = session.scalars(sa.select(Promise.debtor_id).where(
        Promise.campaign_id == campaign_id, Promise.status == PromiseStatus.PENDING,
        Promise.promised_date < limit).distinct()).all()
    return sum(judge_debtor_promises(session, session.get(DebtorAccount, d), now) for d in debtor_ids)


def apply_payment_to_promises(session: Session, debtor_id: int, now: datetime | None = None) -> None:
    """After a payment was imported: pending promises whose invoices are all settled are kept;
    a debtor owing nothing leaves the queue as paid."""
    now = _now(now)
    debtor = session.get(DebtorAccount, debtor_id)
    for promise in session.scalars(sa.select(Promise).where(Promise.debtor_id == debtor_id,
                                                            Promise.status == PromiseStatus.PENDING)):
        if _promise_open_cents(session, promise) <= 0:
            promise.status, promise.judged_at, promise.paid_cents = PromiseStatus.KEPT, now, promise.amount_cents
            audit.record(session, None, "promise.kept", promise, debtor_id=debtor_id)
    if debtor is not None and not _open_invoices(session, debtor_id):
        debtor.queue_state, debtor.next_action_at = QueueState.PAID, None
    session.flush()
