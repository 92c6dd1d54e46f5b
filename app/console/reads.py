"""Read-only queries behind the console screens: what the card, the counter and the search show.

Writes (claims, leases, outcomes) go through campaigns.queue and campaigns.outcomes only.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from functools import cached_property
from zoneinfo import ZoneInfo

import phonenumbers
import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from campaigns import clock, merge_fields, penalties, queue
from campaigns.penalties import DebtorPenalties, InvoicePenalty
from campaigns.supervision import figures
from campaigns.supervision.figures import DayFigures
from campaigns.access import visible_campaigns_query
from campaigns.models import (CallAttempt, Callback, CallbackStatus, CallScript, Campaign, ContactResult,
                              DebtorAccount, FormalNotice, Invoice, InvoiceMotive, InvoiceStatus, MotiveStatus,
                              OutboundMessage, Phone, Promise, User, PromiseStatus)

PARIS = ZoneInfo("Europe/Paris")
OPEN_INVOICE = (InvoiceStatus.OPEN, InvoiceStatus.PROMISED, InvoiceStatus.DISPUTED)


def utcnow() -> datetime:
    return clock.now()


def phone_display(phone: Phone) -> str:
    """'01 42 68 53 00' for French numbers, international format otherwise, raw when unparsable."""
    if not phone.e164:
        return phone.raw
    parsed = phonenumbers.parse(phone.e164)
    fmt = phonenumbers.PhoneNumberFormat.NATIONAL if parsed.country_code == 33 \
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    return phonenumbers.format_number(parsed, fmt)


@dataclass
class CampaignRow:
    campaign: Campaign
    to_call: int
    callbacks_due: int


def my_campaigns(session: Session, user, now=None) -> list[CampaignRow]:
    """Campaigns the user may work, with what the queue could hand them now and the callbacks due."""
    now = now or utcnow()
    campaigns = session.scalars(visible_campaigns_query(user).order_by(Campaign.name)).all()
    ids = [c.id for c in campaigns]
    if not ids:
        return []
    due = dict(session.execute(
        sa.select(Callback.campaign_id, sa.func.count())
        .where(Callback.campaign_id.in_(ids), Callback.status == CallbackStatus.PENDING,
               Callback.due_at <= now + timedelta(minutes=15),
               sa.or_(Callback.agent_id.is_(None), Callback.agent_id == user.id))
        .group_by(Callback.campaign_id)).all())
    return [CampaignRow(c, queue.callable_now(session, c, user.id, now), due.get(c.id, 0)) for c in campaigns]


def current_lease(session: Session, campaign_id: int, agent_id: int, now=None) -> DebtorAccount | None:
    """The debtor this agent holds a live lease on in this campaign, if any."""
    now = now or utcnow()
    return session.scalar(sa.select(DebtorAccount).where(
        DebtorAccount.campaign_id == campaign_id, DebtorAccount.leased_by_id == agent_id,
        DebtorAccount.lease_expires_at > now).order_by(DebtorAccount.lease_expires_at.desc()).limit(1))


def load_debtor(session: Session, campaign_id: int, debtor_id: int) -> DebtorAccount | None:
    return session.scalar(sa.select(DebtorAccount).options(selectinload(DebtorAccount.phones)).where(
        DebtorAccount.id == debtor_id, DebtorAccount.campaign_id == campaign_id))


@dataclass
class Card:
    """Everything the debtor card shows, loaded in a handful of indexed queries."""
    debtor: DebtorAccount
    phones: list[tuple[Phone, str]]
    invoices: list[Invoice]
    total_cents: int
    history: list[CallAttempt]
    promises: list[Promise]
    disputes: list[InvoiceMotive]
    callbacks: list[Callback]
    script: CallScript | None
    lease_holder: object | None
    emails: list[str]
    today: date
    script_text: str = ""        # the script with its merge fields filled for this debtor
    penalties: DebtorPenalties | None = None    # late-payment penalties to date (campaigns.penalties)
    notice: FormalNotice | None = None          # its formal notice, once written (campaigns.notices)
    messages: list = field(default_factory=list)  # the e-mails written to it, newest first
    answers: list = field(default_factory=list)   # the client's answers to its disputes, newest first
    wrong_by: dict = field(default_factory=dict)  # phone id -> (when, agent) it was found wrong

    @property
    def timeline(self) -> list[tuple[str, datetime, object]]:
        """Calls and e-mails in one list, newest first: ("call", when, attempt) or ("mail", when, message)."""
        entries = [("call", a.started_at, a) for a in self.history] + [
            ("mail", m.sent_at or m.created_at, m) for m in self.messages]
        return sorted(entries, key=lambda e: _aware(e[1]), reverse=True)

    def days_late(self, invoice: Invoice) -> int:
        return max(0, (self.today - invoice.due_date).days)

    @cached_property
    def _penalty_of(self) -> dict[int, InvoicePenalty]:
        return {p.invoice_id: p for p in (self.penalties.invoices if self.penalties else [])}

    def penalty(self, invoice: Invoice) -> InvoicePenalty | None:
        """This invoice's penalties: None for an invoice not yet due or not in euros (French law's penalties)."""
        p = self._penalty_of.get(invoice.id)
        return p if p is not None and (p.total_cents or p.proceedings_on) else None

    @property
    def _claimed(self) -> list[InvoicePenalty]:
        return [p for p in self._penalty_of.values() if not p.waived]

    @property
    def indemnities(self) -> int:
        """How many 40 € indemnities the total due to date counts."""
        return sum(1 for p in self._claimed if p.indemnity_cents)

    @property
    def penalty_rates(self) -> tuple[list[Decimal], bool]:
        """The rates (percent a year, lowest first) of the interest due to date, and whether they are the law's
        default (ECB + 10 points) rather than the terms of sale's."""
        periods = [period for p in self._claimed if p.interest_cents for period in p.periods
                   if period.rate is not None]
        return sorted({period.rate for period in periods}), any(period.source != "terms" for period in periods)

    @property
    def penalty_rate_gap(self) -> str | None:
        """'unrecorded' when a half-year has no rate at all (no interest counted on it), 'assumed' when the
        latest known rate stands in for a half-year not entered yet."""
        periods = [period for p in self._claimed for period in p.periods]
        if any(period.rate is None for period in periods):
            return "unrecorded"
        return "assumed" if any(period.assumed for period in periods) else None

    @property
    def indemnity_euros(self) -> int:
        return penalties.INDEMNITY_CENTS // 100


def card(session: Session, debtor: DebtorAccount, now=None, agent_name: str | None = None) -> Card:
    """What the debtor card shows, as of ``now`` (the campaign's today for days late and penalties)."""
    now = now or utcnow()
    today = clock.today(debtor.campaign, now)
    invoices = session.scalars(sa.select(Invoice).where(
        Invoice.debtor_id == debtor.id, Invoice.status.in_(OPEN_INVOICE), Invoice.outstanding_cents > 0
    ).order_by(Invoice.due_date, Invoice.number)).all()
    history = session.scalars(sa.select(CallAttempt).options(selectinload(CallAttempt.agent)).where(
        CallAttempt.debtor_id == debtor.id).order_by(CallAttempt.started_at.desc()).limit(15)).all()
    # The pending promise and the last ones judged: an agent calling about a broken plan sees what was paid.
    promises = session.scalars(sa.select(Promise).options(
        selectinload(Promise.instalments), selectinload(Promise.invoices)).where(
        Promise.debtor_id == debtor.id, Promise.status != PromiseStatus.CANCELLED)
        .order_by((Promise.status == PromiseStatus.PENDING).desc(), Promise.id.desc()).limit(3)).all()
    disputes = session.scalars(sa.select(InvoiceMotive).options(
        selectinload(InvoiceMotive.motive), selectinload(InvoiceMotive.invoice)).where(
        InvoiceMotive.debtor_id == debtor.id, InvoiceMotive.status == MotiveStatus.OPEN)).all()
    callbacks = session.scalars(sa.select(Callback).where(
        Callback.debtor_id == debtor.id, Callback.status == CallbackStatus.PENDING)
        .order_by(Callback.due_at)).all()
    scripts = {s.segment: s for s in session.scalars(sa.select(CallScript).where(
        CallScript.campaign_id == debtor.campaign_id,
        CallScript.segment.in_([debtor.segment or "", ""])))}
    script = scripts.get(debtor.segment or "") or scripts.get("")
    holder = None
    if debtor.leased_by_id and debtor.lease_expires_at and debtor.lease_expires_at > now:
        from campaigns.models import User
        holder = session.get(User, debtor.leased_by_id)
    return Card(
        debtor=debtor,
        phones=[(p, phone_display(p)) for p in debtor.phones],
        invoices=list(invoices),
        total_cents=sum(i.outstanding_cents for i in invoices),
        history=list(history), promises=list(promises), disputes=list(disputes),
        callbacks=list(callbacks),
        script=script,
        script_text=merge_fields.fill(script.body, merge_fields.debtor_values(
            debtor, invoices, agent_name, debtor.campaign.client_company.legal_name
            or debtor.campaign.client_company.name)) if script else "",
        lease_holder=holder,
        emails=emails_of(debtor),
        today=today,
        # One call for the whole debtor: every invoice's penalties and the totals the card shows.
        penalties=penalties.for_debtors(session, debtor.campaign, [debtor.id], today)[debtor.id],
        notice=session.scalar(sa.select(FormalNotice).where(FormalNotice.debtor_id == debtor.id)),
        wrong_by=_wrong_numbers_by(session, debtor),
        answers=list(session.scalars(sa.select(InvoiceMotive).options(selectinload(InvoiceMotive.invoice)).where(
            InvoiceMotive.debtor_id == debtor.id, InvoiceMotive.client_decision.is_not(None))
            .order_by(InvoiceMotive.answered_at.desc()).limit(5))),
        messages=list(session.scalars(sa.select(OutboundMessage).where(OutboundMessage.debtor_id == debtor.id)
                                      .order_by(OutboundMessage.id.desc()).limit(10))),
    )


def _wrong_numbers_by(session: Session, debtor: DebtorAccount) -> dict[int, tuple[datetime, str | None]]:
    """For each number found wrong: the last call that said so, when and by whom."""
    wrong = {p.e164 or p.raw: p.id for p in debtor.phones if p.status.value == "wrong"}
    if not wrong:
        return {}
    found: dict[int, tuple[datetime, str | None]] = {}
    for dialled, at, name in session.execute(
            sa.select(CallAttempt.phone_dialled, CallAttempt.started_at, User.name)
            .outerjoin(User, User.id == CallAttempt.agent_id)
            .where(CallAttempt.debtor_id == debtor.id, CallAttempt.result == ContactResult.WRONG_NUMBER,
                   CallAttempt.phone_dialled.in_(list(wrong)))
            .order_by(CallAttempt.started_at)):
        found[wrong[dialled]] = (at, name)
    return found


def emails_of(debtor: DebtorAccount) -> list[str]:
    return [e.strip() for e in (debtor.emails or "").replace(";", ",").split(",") if e.strip()]


def _aware(moment: datetime) -> datetime:
    """SQLite gives naive UTC datetimes back: compare them as UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def agent_day(session: Session, agent_id: int, campaign: Campaign, now=None) -> DayFigures:
    """The agent's counter: today's calls, completed calls and promises in this campaign (its time zone),
    by the same definitions as the dashboard."""
    today = clock.today(campaign, now)
    return figures.day_figures(session, campaign.id, agent_id, today)[0]


def search(session: Session, user, text: str, limit: int = 20) -> list[DebtorAccount]:
    """Debtors of the user's campaigns by company name, customer code, invoice number or phone."""
    text = text.strip()
    if len(text) < 2:
        return []
    campaign_ids = visible_campaigns_query(user).with_only_columns(Campaign.id).scalar_subquery()
    conditions = [DebtorAccount.company_name.ilike(f"%{text}%"), DebtorAccount.customer_code == text,
                  DebtorAccount.id.in_(sa.select(Invoice.debtor_id).where(
                      Invoice.campaign_id.in_(campaign_ids), Invoice.number == text))]
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) >= 6:
        try:
            e164 = phonenumbers.format_number(phonenumbers.parse(text, "FR"),
                                              phonenumbers.PhoneNumberFormat.E164)
        except phonenumbers.NumberParseException:
            e164 = None
        if e164:
            conditions.append(DebtorAccount.id.in_(sa.select(Phone.debtor_id).where(Phone.e164 == e164)))
    return list(session.scalars(sa.select(DebtorAccount).options(selectinload(DebtorAccount.campaign)).where(
        DebtorAccount.campaign_id.in_(campaign_ids), sa.or_(*conditions))
        .order_by(DebtorAccount.company_name).limit(limit)))
