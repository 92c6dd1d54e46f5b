"""What a formal notice says, read from the mission's own record as of the day it is issued.

``build`` gathers the parties, the invoices claimed with their penalties, the totals and the evidence annex
(every call, promise and motive of the debtor up to the moment of issue). The letter is French: it is sent to
French debtors under French law (see ``../shared/LEGAL-FR.md``); ``pdf.render`` lays it out.
"""
from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from .. import clock, evidence, penalties
from ..errors import N_, Conflict
from ..money import format_eur
from ..payment_references import grouped
from ..models import (CallAttempt, Campaign, ClientCompany, DebtorAccount, Instalment, Invoice, InvoiceMotive,
                      InvoiceStatus, MessageStatus, OutboundMessage, Promise, User)
from ..recap import labels
from .settings import NoticeSettings


class NotReady(Conflict):
    """What every letter of the campaign needs is missing (the client's address, the provider's identity)."""


@dataclass(frozen=True)
class Party:
    name: str
    address_lines: tuple[str, ...] = ()
    siren: str | None = None
    siret: str | None = None
    city: str | None = None

    @property
    def complete(self) -> bool:
        return bool(self.name and self.address_lines)


@dataclass(frozen=True)
class Provider(Party):
    """The provider's own identity (who writes on the creditor's behalf), from the deployment's settings."""


@dataclass
class Line:
    number: str
    invoice_date: date | None
    due_date: date
    amount_cents: int | None
    outstanding_cents: int
    indemnity_cents: int = 0
    interest_cents: int = 0
    days: int = 0
    note: str | None = None

    @property
    def total_cents(self) -> int:
        return self.outstanding_cents + self.indemnity_cents + self.interest_cents


@dataclass(frozen=True)
class Call:
    at: datetime                 # in the campaign's time zone
    phone: str
    result: str
    agent: str
    notes: str


@dataclass(frozen=True)
class MessageWritten:
    at: datetime                 # sent (or, not delivered, queued), in the campaign's time zone
    what: str                    # "confirmation d'engagement"
    recipients: str
    subject: str
    status: str


@dataclass(frozen=True)
class PromiseMade:
    at: datetime
    agent: str
    what: str                    # "1 000,00 € par virement le 12/12/2026" or the plan's instalments
    became: str


@dataclass(frozen=True)
class MotiveRaised:
    at: datetime
    invoice: str
    motive: str
    details: str
    status: str


@dataclass
class Letter:
    reference: str
    issued_on: date
    deadline_on: date
    on_behalf: bool
    creditor: Party
    provider: Provider | None
    debtor: Party
    customer_code: str | None
    currency: str
    lines: list[Line]
    interest_basis: str
    iban: str | None
    bic: str | None
    logo_data_uri: str | None
    issued_at: datetime
    zone: str
    calls: list[Call] = field(default_factory=list)
    promises: list[PromiseMade] = field(default_factory=list)
    motives: list[MotiveRaised] = field(default_factory=list)
    messages: list[MessageWritten] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Where the debtor's chain of events ended when the annex was drawn up (``campaigns.evidence``).
    chain_length: int = 0
    chain_head: str | None = None
    verify_command: str | None = None

    @property
    def principal_cents(self) -> int:
        return sum(line.outstanding_cents for line in self.lines)

    @property
    def indemnity_cents(self) -> int:
        return sum(line.indemnity_cents for line in self.lines)

    @property
    def interest_cents(self) -> int:
        return sum(line.interest_cents for line in self.lines)

    @property
    def total_cents(self) -> int:
        return self.principal_cents + self.indemnity_cents + self.interest_cents

    @property
    def signatory(self) -> Party:
        return self.provider if self.on_behalf and self.provider else self.creditor


def _lines(text: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (text or "").splitlines() if part.strip())


def creditor_of(company: ClientCompany) -> Party:
    city = " ".join(part for part in (company.postal_code, company.city) if part)
    return Party(company.legal_name or company.name, _lines(company.address) + ((city,) if city else ()),
                 company.siren, company.siret, company.city)


def _logo(company: ClientCompany) -> str | None:
    if not company.logo or not company.logo_mime:
        return None
    return f"data:{company.logo_mime};base64,{base64.b64encode(company.logo).decode()}"


def _rate(value: Decimal) -> str:
    text = f"{value.normalize():f}".replace(".", ",")
    return f"{text} %"


def interest_basis(schedule: penalties.RateSchedule, periods: list[penalties.RatePeriod], until: date) -> str:
    """How the interest was counted, in words: the rate of each half-year it ran over."""
    if schedule.from_terms:
        return (f"Intérêts de retard au taux de {_rate(schedule.terms_rate)} l'an prévu par les conditions "
                f"générales de vente, courant du lendemain de chaque échéance jusqu'au {until:%d/%m/%Y} "
                "(art. L441-10 du code de commerce).")
    halves: dict[date, Decimal] = {}
    for p in periods:
        if p.rate is not None:
            start = penalties.half_year_start(p.first)
            while start <= p.last:
                halves[start] = p.rate
                start = penalties.next_half_year(start)
    parts = [f"{_rate(rate)} au {'premier' if start.month == 1 else 'second'} semestre {start.year}"
             for start, rate in sorted(halves.items())]
    return ("Intérêts de retard au taux de refinancement de la Banque centrale européenne majoré de 10 points "
            f"(art. L441-10 du code de commerce), courant du lendemain de chaque échéance jusqu'au "
            f"{until:%d/%m/%Y}, l'an : {'; '.join(parts) if parts else 'taux non disponible'}.")


def _what_promised(promise: Promise, plan: list[Instalment]) -> str:
    method = labels.METHOD.get(promise.method, str(promise.method))
    if plan:
        steps = ", ".join(f"{format_eur(i.amount_cents)} le {i.due_date:%d/%m/%Y}" for i in plan)
        return f"échéancier par {method} : {steps}"
    return f"{format_eur(promise.amount_cents)} par {method} le {promise.promised_date:%d/%m/%Y}"


def build(session: Session, campaign: Campaign, debtor: DebtorAccount, *, reference: str, settings: NoticeSettings,
          provider: Provider | None, issued_at: datetime) -> Letter:
    """The letter of ``debtor`` as of ``issued_at`` (its sums are those of the campaign's day)."""
    company = campaign.client_company
    zone = clock.zone(campaign)
    issued_on = clock.today(campaign, issued_at)
    creditor = creditor_of(company)
    if not creditor.complete:
        raise NotReady(N_("The client's legal name and address are needed on a formal notice: complete them in "
                          "the client's settings."))
    if settings.on_behalf and (provider is None or not provider.complete):
        raise NotReady(N_("This campaign's formal notices are sent on the client's behalf, but the provider's "
                          "name and address are not set (PROVIDER_NAME, PROVIDER_ADDRESS)."))
    schedule = penalties.schedule_for(session, company)
    owed = penalties.for_debtors(session, campaign, [debtor.id], issued_on)[debtor.id]
    by_invoice = {p.invoice_id: p for p in owed.invoices}
    invoices = session.scalars(sa.select(Invoice).where(Invoice.debtor_id == debtor.id,
                                                        Invoice.status != InvoiceStatus.CANCELLED)
                               .order_by(Invoice.due_date, Invoice.number, Invoice.id)).all()
    lines, periods, notes = [], [], []
    for invoice in invoices:
        p = by_invoice.get(invoice.id)
        claim = p is not None and not p.waived
        if p is not None and p.due_date_estimated and not settings.estimated_due_dates_confirmed:
            claim = False
        outstanding = max(invoice.outstanding_cents, 0)
        if not outstanding and not (claim and p.total_cents):
            continue                       # paid, on time or with nothing claimable
        line = Line(invoice.number, invoice.invoice_date, invoice.due_date, invoice.amount_cents, outstanding)
        if claim:
            line.indemnity_cents, line.interest_cents, line.days = p.indemnity_cents, p.interest_cents, p.days
            periods += p.periods
            if outstanding <= 0:
                line.note = "réglée après son échéance : indemnité et intérêts jusqu'au paiement"
            elif p.proceedings_on:
                line.note = f"intérêts arrêtés au {p.proceedings_on:%d/%m/%Y} (procédure collective)"
        elif p is not None and p.waived:
            line.note = "pénalités abandonnées"
        elif p is not None and p.due_date_estimated:
            line.note = "échéance estimée : pénalités non réclamées"
        lines.append(line)
    if not lines:
        raise Conflict(N_("This debtor owes nothing any more: there is nothing to claim in a formal notice."))
    if any(line.note == "échéance estimée : pénalités non réclamées" for line in lines):
        notes.append("Les échéances de certaines factures ne figurent pas dans le fichier du créancier : aucune "
                     "pénalité n'est réclamée sur celles-ci.")
    letter = Letter(
        reference=reference, issued_on=issued_on, deadline_on=issued_on + timedelta(days=settings.deadline_days), on_behalf=settings.on_behalf,
        creditor=creditor, provider=provider if settings.on_behalf else None,
        debtor=Party(debtor.company_name or debtor.customer_code or "", _lines(debtor.address), debtor.siren,
                     debtor.siret),
        customer_code=debtor.customer_code, currency=debtor.currency, lines=lines,
        interest_basis=interest_basis(schedule, periods, issued_on), iban=company.iban, bic=company.bic,
        logo_data_uri=_logo(company), issued_at=issued_at.astimezone(zone), zone=str(zone), notes=notes)
    _annex(session, letter, debtor, issued_at, zone)
    return letter


def _annex(session: Session, letter: Letter, debtor: DebtorAccount, issued_at: datetime, zone) -> None:
    session.flush()                       # the events of this transaction are chained too
    head = evidence.debtor_head(session, debtor.campaign_id, debtor.id)
    if head is not None:
        letter.chain_length, letter.chain_head = head
        letter.verify_command = f"flask audit verify {debtor.campaign_id} --debtor {debtor.id} --head {head[1]}"
    agents = sa.union(*(sa.select(model.agent_id).where(model.debtor_id == debtor.id)
                        for model in (CallAttempt, Promise, InvoiceMotive))).subquery()
    names = {user_id: name for user_id, name in session.execute(
        sa.select(User.id, User.name).where(User.id.in_(sa.select(agents.c.agent_id))))}
    for call in session.scalars(sa.select(CallAttempt).where(CallAttempt.debtor_id == debtor.id,
                                                             CallAttempt.created_at <= issued_at)
                                .order_by(CallAttempt.started_at, CallAttempt.id)):
        result = labels.RESULT.get(call.result, str(call.result))
        if call.outcome in labels.OUTCOME:
            result = f"{result} · {labels.OUTCOME[call.outcome]}"
        letter.calls.append(Call(call.started_at.astimezone(zone), call.phone_dialled or "", result,
                                 names.get(call.agent_id, ""), (call.notes or "").strip()))
    for promise in session.scalars(sa.select(Promise).where(Promise.debtor_id == debtor.id,
                                                            Promise.created_at <= issued_at)
                                   .order_by(Promise.created_at, Promise.id)):
        plan = session.scalars(sa.select(Instalment).where(Instalment.promise_id == promise.id)
                               .order_by(Instalment.seq)).all() if promise.is_plan else []
        became = labels.PROMISE.get(promise.status, str(promise.status))
        if promise.paid_cents:
            became = f"{became} ({format_eur(promise.paid_cents)} réglés)"
        what = _what_promised(promise, plan)
        if promise.payment_reference:
            what = f"{what} · référence de paiement {grouped(promise.payment_reference)}"
        letter.promises.append(PromiseMade(promise.created_at.astimezone(zone), names.get(promise.agent_id, ""),
                                           what, became))
    for message in session.scalars(sa.select(OutboundMessage).where(
            OutboundMessage.debtor_id == debtor.id, OutboundMessage.created_at <= issued_at,
            OutboundMessage.status.in_([MessageStatus.SENT, MessageStatus.FAILED]))
            .order_by(OutboundMessage.created_at, OutboundMessage.id)):
        letter.messages.append(MessageWritten(
            (message.sent_at or message.created_at).astimezone(zone), labels.MESSAGE_KIND.get(message.kind, message.kind),
            ", ".join(message.recipients or []), message.subject, labels.MESSAGE_STATUS[message.status]))
    numbers = {invoice_id: number for invoice_id, number in session.execute(
        sa.select(Invoice.id, Invoice.number).where(Invoice.debtor_id == debtor.id))}
    for motive in session.scalars(sa.select(InvoiceMotive).where(InvoiceMotive.debtor_id == debtor.id,
                                                                 InvoiceMotive.created_at <= issued_at)
                                  .order_by(InvoiceMotive.created_at, InvoiceMotive.id)):
        label = " · ".join(part for part in (motive.family_fr, motive.label_fr) if part)
        status = labels.MOTIVE.get(motive.status, str(motive.status))
        if motive.resolution:
            status = f"{status} : {motive.resolution.strip()}"
        letter.motives.append(MotiveRaised(motive.created_at.astimezone(zone), numbers.get(motive.invoice_id, ""),
                                           label, (motive.details or "").strip(), status))
