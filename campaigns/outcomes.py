"""Recording what a call produced: one transaction, validated first, the lease checked, then written."""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from . import audit, calendar, clock, outcome_checks, priority, promises, queue, rules, shift, taxonomy
from .errors import N_, Conflict, NotFound
from .models import (Callback, CallbackStatus, CallAttempt, Campaign, ContactResult, DebtorAccount, InvoiceMotive,
                     InvoiceStatus, PaymentMethod, Promise, QueueState)
from .mail import confirmations
from .supervision import wrong_numbers

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
    waive_penalties_until: date | None = None       # "pénalités abandonnées si paiement au plus tard le …"


@dataclass
class MotiveInput:
    invoice_ids: list[int] | None                  # None = all open invoices
    motive_code: str                               # from campaigns.taxonomy (client's taxonomy)
    details: str | None = None
    documents_requested: str | None = None
    disputed_amount_cents: int | None = None
    proceedings_opened_on: date | None = None      # "insolvency proceedings": the opening judgement's date


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
    dial_ms: int | None = None          # when the agent dialled / hung up, ms after the card was shown
    hang_up_ms: int | None = None
    request_key: str | None = None
    refused: bool = False


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


def _already_recorded(attempt: CallAttempt, debtor_id: int, agent_id: int) -> CallAttempt:
    """A form sent again returns its call; a request key belongs to one debtor and one agent, and reused on
    another (a form copied, a crafted request) it is refused rather than answered "recorded"."""
    if attempt.debtor_id != debtor_id or attempt.agent_id != agent_id:
        raise Conflict(N_("This form was already used for another call. Reload the card and record the call again."))
    return attempt


def record_outcome(session: Session, debtor_id: int, agent_id: int, outcome: OutcomeInput,
                   now: datetime | None = None) -> CallAttempt:
    """Record one call of ``agent_id`` on a debtor it holds, in the caller's transaction, and hand the debtor
    back to the queue in the state the outcome leads to.

    The debtor row is locked first (every writer of debtors locks it before its invoices). The outcome is
    validated as a whole (``ValidationError`` with every field's error) before anything is written; a
    resubmitted form (same ``request_key``) returns the attempt already recorded. Writes the attempt, the
    promise (``campaigns.promises``), motives, callback, "already paid" claim and phone changes, then the
    debtor's counters, next state and priority, and one audit entry per thing created.
    """
    now = clock.now(now)
    # One round trip: lock the debtor, and learn whether this request was already recorded (a resubmitted
    # form) and whether a callback is pending (to close it).
    row = session.execute(_lock_statement(bool(outcome.request_key)),
                          {"lock_debtor_id": debtor_id, "lock_request_key": outcome.request_key}).first()
    if row is None:
        raise NotFound(N_("This debtor does not exist."))
    debtor, recorded_id, has_pending_callback = row
    if recorded_id is not None:
        return _already_recorded(session.get(CallAttempt, recorded_id), debtor_id, agent_id)
    # The view loaded the campaign to check access: usually no query (reloading it with the lock cost more,
    # its JSON settings parsed again at every call).
    campaign = session.get(Campaign, debtor.campaign_id)
    checked = outcome_checks.validate(session, campaign, debtor, outcome, now)
    try:
        queue.check_lease(session, debtor, agent_id, now)
    except Conflict:
        # The same form sent twice at once: the first one recorded it (and ended the lease) while
        # this one waited for the lock; the check above ran before that wait.
        if outcome.request_key:
            existing = session.scalars(sa.select(CallAttempt).where(
                CallAttempt.request_key == outcome.request_key)).first()
            if existing is not None:
                return _already_recorded(existing, debtor_id, agent_id)
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
    dialled, hung_up = shift.timing(started, now, outcome.dial_ms, outcome.hang_up_ms)
    attempt = CallAttempt(campaign_id=campaign.id, debtor_id=debtor.id, agent_id=agent_id, started_at=started,
                          ended_at=now, duration_seconds=int((now - started).total_seconds()),
                          dialled_at=dialled, hung_up_at=hung_up,
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
    replaced: list[int] = []
    if outcome.promise is not None:
        p = outcome.promise
        promise, replaced = promises.create(session, campaign, debtor, attempt.id, agent_id, checked.promise_invoices,
                                            checked.promise_amount, p.method, p.instalments, p.promised_date,
                                            p.waive_penalties_until)
        confirmations.confirm_promise(session, campaign, debtor, promise, checked.promise_invoices,
                                      promises.schedule_of(promise))
        key = "promise"
        next_at = promises.follow_up_at(campaign, promise.promised_date + timedelta(days=campaign.promise_grace_days or 0))
    for m, motive, invoices in checked.motives:
        for inv in invoices:
            session.add(InvoiceMotive(campaign_id=campaign.id, debtor_id=debtor.id, invoice_id=inv.id,
                                      call_id=attempt.id, agent_id=agent_id, motive_id=motive.id,
                                      details=m.details, documents_requested=m.documents_requested,
                                      disputed_amount_cents=m.disputed_amount_cents,
                                      proceedings_opened_on=m.proceedings_opened_on,
                                      **taxonomy.labels_of(session, campaign.client_company_id, motive)))
            if motive.blocks_queue:
                inv.status = InvoiceStatus.DISPUTED
        blocking = blocking or motive.blocks_queue
    if outcome.already_paid is not None:
        a = outcome.already_paid
        motive = checked.already_paid_motive
        for inv in checked.already_paid:
            if motive is not None:
                session.add(InvoiceMotive(campaign_id=campaign.id, debtor_id=debtor.id, invoice_id=inv.id,
                                          call_id=attempt.id, agent_id=agent_id, motive_id=motive.id,
                                          paid_on=a.paid_on, payment_method=a.method,
                                          **taxonomy.labels_of(session, campaign.client_company_id, motive)))
            inv.status = InvoiceStatus.DISPUTED
    if outcome.callback is not None:
        c = outcome.callback
        session.add(Callback(campaign_id=campaign.id, debtor_id=debtor.id, call_id=attempt.id, due_at=c.due_at,
                             agent_id=agent_id if c.personal else None, note=c.note, created_by_id=agent_id))
    if outcome.result == ContactResult.WRONG_NUMBER:
        wrong_numbers.mark_wrong(session, debtor, outcome.phone_dialled, outcome.new_phone, agent_id)

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
        _audit_promise_and_motives(session, attempt, agent_id, replaced)
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
