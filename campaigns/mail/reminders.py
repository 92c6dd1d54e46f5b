"""Reminders the day before each promised date (each instalment of a plan), queued from 09:00 in the
campaign's time zone, once each, and not sent once the payment is recorded."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from .. import clock
from ..models import Campaign, CampaignStatus, DebtorAccount, Instalment, OutboundMessage, Promise, PromiseStatus
from . import outbox, wording

HOUR = 9


def queue_due(session: Session, now: datetime | None = None) -> int:
    """Queue the reminders of every running campaign whose promised date is tomorrow; returns how many."""
    now = clock.now(now)
    queued = 0
    for campaign in session.scalars(sa.select(Campaign).where(Campaign.status == CampaignStatus.ACTIVE)):
        if now < clock.morning(campaign, clock.today(campaign, now), HOUR):
            continue
        queued += _queue_for(session, campaign, clock.today(campaign, now) + timedelta(days=1))
    return queued


def _queue_for(session: Session, campaign: Campaign, tomorrow: date) -> int:
    single = sa.select(Promise, sa.literal(0), Promise.amount_cents).where(
        Promise.campaign_id == campaign.id, Promise.status == PromiseStatus.PENDING, Promise.is_plan.is_(False),
        Promise.promised_date == tomorrow)
    instalments = sa.select(Promise, Instalment.seq, Instalment.amount_cents - Instalment.paid_cents).join(
        Instalment, Instalment.promise_id == Promise.id).where(
        Promise.campaign_id == campaign.id, Promise.status == PromiseStatus.PENDING, Promise.is_plan.is_(True),
        Instalment.status == PromiseStatus.PENDING, Instalment.due_date == tomorrow)
    rows = [*session.execute(single), *session.execute(instalments)]
    abouts = {f"promise:{promise.id}:{seq}" for promise, seq, _ in rows}
    done = set(session.scalars(sa.select(OutboundMessage.about).where(OutboundMessage.kind == "reminder",
                                                                      OutboundMessage.about.in_(abouts)))) if abouts else set()
    debtors = {d.id: d for d in session.scalars(sa.select(DebtorAccount).where(
        DebtorAccount.id.in_({promise.debtor_id for promise, _, _ in rows})))} if rows else {}
    company = campaign.client_company
    queued = 0
    for promise, seq, cents in rows:
        about = f"promise:{promise.id}:{seq}"
        debtor = debtors[promise.debtor_id]
        recipients = outbox.deliverable_addresses(debtor)
        if about in done or not recipients or not promise.payment_reference:
            continue
        language = wording.language_of(debtor)
        values = wording.promise_values(
            company, debtor, language, reference=promise.payment_reference, method=promise.method.value,
            total_cents=promise.amount_cents, schedule=[(tomorrow, cents)], invoices=[],
            currency=debtor.currency or "EUR", amount_cents=cents, day=tomorrow)
        subject, body = wording.render(wording.of(company, "reminder", language), values)
        try:
            with session.begin_nested():
                outbox.queue(session, kind="reminder", about=about, recipients=recipients, subject=subject,
                             body=body, campaign_id=campaign.id, debtor_id=debtor.id, language=language,
                             reply_to=company.reply_to_email)
        except sa.exc.IntegrityError:      # another worker queued it at the same moment
            continue
        queued += 1
    return queued


def still_due(session: Session, message: OutboundMessage) -> bool:
    """The promise (or its instalment) is still waiting for its payment."""
    _, promise_id, seq = (message.about or "promise:0:0").split(":")
    promise = session.get(Promise, int(promise_id))
    if promise is None or promise.status != PromiseStatus.PENDING:
        return False
    if int(seq) == 0:
        return (promise.paid_cents or 0) < promise.amount_cents
    instalment = session.scalar(sa.select(Instalment).where(Instalment.promise_id == promise.id,
                                                            Instalment.seq == int(seq)))
    return instalment is not None and instalment.status == PromiseStatus.PENDING and \
        (instalment.paid_cents or 0) < instalment.amount_cents

