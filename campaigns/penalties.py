"""Late-payment penalties: what a debtor owes beyond its invoices (see ../shared/LEGAL-FR.md).

Per EUR invoice past due:
- the fixed recovery indemnity, 40 €, owed once per invoice paid late or still unpaid after its due date;
- late-payment interest, simple, on the amount still due, from the day after the due date to the day
  considered, both included; actual days / 365 even in leap years; each half-year at its own rate; computed
  in Decimal and rounded half-up to the cent once per invoice.

The rate is the client's terms-of-sale rate (client settings, checked there against the floor of three times
the legal rate) or else the law's default: the ECB's main refinancing rate in force on 1 January (for the
first half-year) or 1 July (for the second), plus 10 points.

The balance an invoice's interest runs on changes with its payments (``InvoiceChange``): money paid on day P
stops the interest on what it paid after P (P is still counted on it). An opening judgement of collective
proceedings (motive "insolvency proceedings", with its date) stops the interest on earlier invoices at that
date and cancels their indemnity. A promise made with a penalty waiver holds its invoices' penalties as
offered; judged kept, they are waived; broken, they are claimable again (``campaigns.promises``).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from . import clock
from .models import (Campaign, ClientCompany, Invoice, InvoiceChange, InvoiceMotive, InvoiceStatus, LegalRate,
                     Motive, MotiveStatus, Promise, PromiseStatus, promise_invoices)

INDEMNITY_CENTS = 4_000
LEGAL_MARGIN = Decimal("10")        # points above the ECB rate
DAYS_A_YEAR = Decimal(365)
CURRENCY = "EUR"                    # the indemnity and the default rate are the French law's, for euro debts
INSOLVENCY = "insolvency"           # the motive's code (campaigns.taxonomy)
CHUNK = 500

# What became of a promise's waiver (Promise.penalty_waiver).
WAIVER_OFFERED, WAIVER_GRANTED, WAIVER_REVOKED = "offered", "granted", "revoked"


def half_year_start(day: date) -> date:
    return date(day.year, 1 if day.month <= 6 else 7, 1)


def next_half_year(start: date) -> date:
    return date(start.year, 7, 1) if start.month == 1 else date(start.year + 1, 1, 1)


@dataclass(frozen=True)
class RatePeriod:
    """The rate (percent a year) applied from ``first`` to ``last``, both included, and where it comes from."""
    first: date
    last: date
    rate: Decimal
    source: str
    assumed: bool = False    # no rate recorded for that half-year: the latest one before it is applied


@dataclass(frozen=True)
class RateSchedule:
    """The late-interest rate of one creditor, day by day."""
    terms_rate: Decimal | None = None                       # the terms of sale's rate, when they set one
    ecb: tuple[tuple[date, Decimal, str], ...] = ()          # (half-year start, ECB rate, source), sorted

    @property
    def from_terms(self) -> bool:
        return self.terms_rate is not None

    def periods(self, first: date, last: date) -> list[RatePeriod]:
        """The rates over [first, last], split at each half-year (the default rate changes there)."""
        if first > last:
            return []
        if self.terms_rate is not None:
            return [RatePeriod(first, last, self.terms_rate, "terms")]
        out, start = [], first
        while start <= last:
            end = min(last, next_half_year(half_year_start(start)) - timedelta(days=1))
            rate, source, assumed = self._default_on(half_year_start(start))
            if out and out[-1].rate == rate and out[-1].source == source and out[-1].assumed == assumed:
                out[-1] = RatePeriod(out[-1].first, end, rate, source, assumed)
            else:
                out.append(RatePeriod(start, end, rate, source, assumed))
            start = end + timedelta(days=1)
        return out

    def _default_on(self, half: date) -> tuple[Decimal | None, str, bool]:
        known = [(starts, rate, source) for starts, rate, source in self.ecb if starts <= half]
        if not known:
            return None, "", True
        starts, rate, source = known[-1]
        return rate + LEGAL_MARGIN, source, starts != half


def schedule_for(session: Session, company: ClientCompany | None) -> RateSchedule:
    """The creditor's schedule: its terms-of-sale rate, or the ECB rates recorded by the administrators."""
    terms = getattr(company, "late_interest_rate", None)
    if terms is not None:
        return RateSchedule(terms_rate=Decimal(terms))
    rows = session.execute(sa.select(LegalRate.starts_on, LegalRate.rate, LegalRate.source)
                           .where(LegalRate.kind == LegalRate.ECB_REFI).order_by(LegalRate.starts_on))
    return RateSchedule(ecb=tuple((starts, Decimal(rate), source) for starts, rate, source in rows))


def interest(balances: Iterable[tuple[date, int]], due_date: date, until: date,
             schedule: RateSchedule) -> tuple[Decimal, list[RatePeriod]]:
    """Unrounded interest in cents on an invoice due on ``due_date``, counted up to ``until`` included.

    ``balances``: (first day, cents) steps of the amount still due, in date order; the first step holds the
    balance from the start. Returns the interest and the rate periods it used.
    """
    steps = sorted(balances)
    first = due_date + timedelta(days=1)
    periods = schedule.periods(first, until)
    total = Decimal(0)
    for period in periods:
        if period.rate is None:
            continue
        for index, (starts, cents) in enumerate(steps):
            ends = steps[index + 1][0] - timedelta(days=1) if index + 1 < len(steps) else period.last
            a, b = max(starts, period.first), min(ends, period.last)
            if cents > 0 and a <= b:
                total += Decimal(cents) * period.rate / 100 * Decimal((b - a).days + 1) / DAYS_A_YEAR
    return total, periods


def to_cents(amount: Decimal) -> int:
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def balance_steps(initial_cents: int, changes: Iterable[tuple[date, int, int]]) -> list[tuple[date, int]]:
    """(first day, balance) steps from the balance handed over and the dated changes (day, old, new): a change
    on day P applies from P + 1."""
    steps = [(date.min, initial_cents)]
    for day, _old, new in sorted(changes):
        starts = day + timedelta(days=1)
        if steps and steps[-1][0] == starts:
            steps[-1] = (starts, new)
        else:
            steps.append((starts, new))
    return steps


@dataclass
class InvoicePenalty:
    invoice_id: int
    number: str
    due_date: date
    due_date_estimated: bool
    outstanding_cents: int
    indemnity_cents: int = 0
    interest_cents: int = 0
    days: int = 0                         # days of interest counted
    periods: list[RatePeriod] = field(default_factory=list)
    waiver: str | None = None             # offered | granted | revoked (the promise's)
    waiver_until: date | None = None
    proceedings_on: date | None = None    # interest stopped at the opening of collective proceedings
    rate_missing: bool = False            # a half-year had no rate recorded

    @property
    def total_cents(self) -> int:
        return self.indemnity_cents + self.interest_cents

    @property
    def waived(self) -> bool:
        return self.waiver == WAIVER_GRANTED

    @property
    def claimable_cents(self) -> int:
        return 0 if self.waived else self.total_cents


@dataclass
class DebtorPenalties:
    debtor_id: int
    invoices: list[InvoicePenalty] = field(default_factory=list)

    def _sum(self, attr: str, *, waived: bool | None = False, paid: bool | None = None) -> int:
        return sum(getattr(p, attr) for p in self.invoices
                   if (waived is None or p.waived == waived) and (paid is None or (p.outstanding_cents <= 0) == paid))

    @property
    def indemnity_cents(self) -> int:
        """Claimable today (waived penalties apart)."""
        return self._sum("indemnity_cents")

    @property
    def interest_cents(self) -> int:
        return self._sum("interest_cents")

    @property
    def total_cents(self) -> int:
        return self.indemnity_cents + self.interest_cents

    @property
    def waived_cents(self) -> int:
        return self._sum("total_cents", waived=True)

    @property
    def on_paid_invoices_cents(self) -> int:
        """Claimable penalties of invoices paid since (paid late: the indemnity and the interest to the payment)."""
        return self._sum("total_cents", paid=True)

    @property
    def estimated(self) -> bool:
        return any(p.due_date_estimated and p.interest_cents for p in self.invoices)

    @property
    def offered_until(self) -> date | None:
        days = [p.waiver_until for p in self.invoices if p.waiver == WAIVER_OFFERED and p.waiver_until]
        return min(days) if days else None


def proceedings_opened(session: Session, debtor_ids: list[int]) -> dict[int, date]:
    """The opening date of collective proceedings recorded for these debtors (the earliest, motives not
    cancelled)."""
    out: dict[int, date] = {}
    for start in range(0, len(debtor_ids), CHUNK):
        for debtor_id, opened in session.execute(
                sa.select(InvoiceMotive.debtor_id, sa.func.min(InvoiceMotive.proceedings_opened_on))
                .join(Motive, Motive.id == InvoiceMotive.motive_id)
                .where(InvoiceMotive.debtor_id.in_(debtor_ids[start:start + CHUNK]),
                       Motive.code == INSOLVENCY, InvoiceMotive.status != MotiveStatus.CANCELLED,
                       InvoiceMotive.proceedings_opened_on.is_not(None))
                .group_by(InvoiceMotive.debtor_id)):
            out[debtor_id] = opened
    return out


def for_debtors(session: Session, campaign: Campaign, debtor_ids: Iterable[int] | None = None,
                today: date | None = None) -> dict[int, DebtorPenalties]:
    """The penalties of these debtors (None: the whole campaign) as of ``today`` (the campaign's today)."""
    today = today or clock.today(campaign)
    ids = None if debtor_ids is None else sorted(set(debtor_ids))
    schedule = schedule_for(session, campaign.client_company)
    query = (sa.select(Invoice.id, Invoice.debtor_id, Invoice.number, Invoice.invoice_date, Invoice.due_date,
                       Invoice.due_date_estimated, Invoice.initial_outstanding_cents, Invoice.outstanding_cents)
             .where(Invoice.campaign_id == campaign.id, Invoice.currency == CURRENCY,
                    Invoice.status != InvoiceStatus.CANCELLED, Invoice.due_date < today)
             .order_by(Invoice.debtor_id, Invoice.due_date, Invoice.id))
    rows = []
    if ids is None:
        rows = list(session.execute(query))
    else:
        for start in range(0, len(ids), CHUNK):
            rows += session.execute(query.where(Invoice.debtor_id.in_(ids[start:start + CHUNK])))
    invoice_ids = [r.id for r in rows]
    changes: dict[int, list] = defaultdict(list)
    waivers: dict[int, tuple[str, date | None]] = {}
    zone = clock.zone(campaign)
    for start in range(0, len(invoice_ids), CHUNK):
        chunk = invoice_ids[start:start + CHUNK]
        for invoice_id, paid_on, at, old, new in session.execute(
                sa.select(InvoiceChange.invoice_id, InvoiceChange.paid_on, InvoiceChange.created_at,
                          InvoiceChange.old_outstanding_cents, InvoiceChange.new_outstanding_cents)
                .where(InvoiceChange.invoice_id.in_(chunk), InvoiceChange.old_outstanding_cents.is_not(None))
                .order_by(InvoiceChange.id)):
            changes[invoice_id].append((paid_on or at.astimezone(zone).date(), old, new))
        # The latest promise with a waiver on each invoice says what became of it.
        for invoice_id, state, until in session.execute(
                sa.select(promise_invoices.c.invoice_id, Promise.penalty_waiver, Promise.penalties_waived_if_paid_by)
                .join(Promise, Promise.id == promise_invoices.c.promise_id)
                .where(promise_invoices.c.invoice_id.in_(chunk), Promise.penalty_waiver.is_not(None),
                       Promise.status != PromiseStatus.CANCELLED)
                .order_by(Promise.id)):
            waivers[invoice_id] = (state, until)
    opened = proceedings_opened(session, sorted({r.debtor_id for r in rows}))
    out: dict[int, DebtorPenalties] = {}
    for r in rows:
        penalty = invoice_penalty(r, changes.get(r.id, []), today, schedule, opened.get(r.debtor_id))
        penalty.waiver, penalty.waiver_until = waivers.get(r.id, (None, None))
        out.setdefault(r.debtor_id, DebtorPenalties(r.debtor_id)).invoices.append(penalty)
    for debtor_id in ids or ():
        out.setdefault(debtor_id, DebtorPenalties(debtor_id))
    return out


@dataclass
class CampaignPenalties:
    """Every invoice's penalties of a campaign, and the totals the recap reports."""
    by_invoice: dict[int, InvoicePenalty]
    claimable_indemnity_cents: int = 0
    claimable_interest_cents: int = 0
    waived_cents: int = 0
    on_paid_invoices_cents: int = 0
    estimated_interest_cents: int = 0

    @property
    def claimable_cents(self) -> int:
        return self.claimable_indemnity_cents + self.claimable_interest_cents


def for_campaign(session: Session, campaign: Campaign, today: date | None = None) -> CampaignPenalties:
    """The penalties of every invoice of the campaign (one pass, for the recap and the enriched file)."""
    out = CampaignPenalties({})
    for debt in for_debtors(session, campaign, None, today).values():
        for p in debt.invoices:
            out.by_invoice[p.invoice_id] = p
            if p.waived:
                out.waived_cents += p.total_cents
                continue
            out.claimable_indemnity_cents += p.indemnity_cents
            out.claimable_interest_cents += p.interest_cents
            if p.outstanding_cents <= 0:
                out.on_paid_invoices_cents += p.total_cents
            if p.due_date_estimated:
                out.estimated_interest_cents += p.interest_cents
    return out


def note(p: InvoicePenalty | None) -> str | None:
    """What a reader of the recap must know about an invoice's penalties, in French (the recap's language)."""
    if p is None:
        return None
    parts = []
    if p.waived:
        parts.append("abandonnées (promesse tenue)")
    elif p.waiver == WAIVER_OFFERED:
        parts.append(f"abandon proposé si paiement au plus tard le {p.waiver_until:%d/%m/%Y}" if p.waiver_until
                     else "abandon proposé")
    if p.proceedings_on:
        parts.append(f"procédure collective ouverte le {p.proceedings_on:%d/%m/%Y} : intérêts arrêtés, "
                     "pas d'indemnité")
    if p.due_date_estimated and p.interest_cents:
        parts.append("intérêts sur une échéance estimée")
    if p.rate_missing:
        parts.append("taux d'un semestre non saisi : dernier taux connu appliqué")
    return "; ".join(parts) or None


def invoice_penalty(row, changes: list[tuple[date, int, int]], today: date, schedule: RateSchedule,
                    proceedings_on: date | None = None) -> InvoicePenalty:
    """One invoice's penalties as of ``today``; ``row`` has the Invoice columns of ``for_debtors``."""
    penalty = InvoicePenalty(row.id, row.number, row.due_date, bool(row.due_date_estimated), row.outstanding_cents)
    steps = balance_steps(row.initial_outstanding_cents, changes)
    due_after = _balance_on(steps, row.due_date + timedelta(days=1))
    if due_after <= 0:
        return penalty                     # paid in full by its due date: nothing is owed
    arose = row.invoice_date or row.due_date
    until = today
    covered = proceedings_on is not None and arose < proceedings_on
    if covered:
        until = min(until, proceedings_on)
        penalty.proceedings_on = proceedings_on
    else:
        penalty.indemnity_cents = INDEMNITY_CENTS
    # Once paid in full, interest stops at the payment's day.
    paid_off = next((starts for starts, cents in steps if starts > row.due_date and cents <= 0), None)
    if paid_off is not None:
        until = min(until, paid_off - timedelta(days=1))
    amount, periods = interest(steps, row.due_date, until, schedule)
    penalty.interest_cents = to_cents(amount)
    penalty.periods = periods
    penalty.days = max((until - row.due_date).days, 0)
    penalty.rate_missing = any(p.rate is None or p.assumed for p in periods)
    return penalty


def _balance_on(steps: list[tuple[date, int]], day: date) -> int:
    balance = steps[0][1]
    for starts, cents in steps:
        if starts <= day:
            balance = cents
    return balance


def euros(cents: int) -> str:
    """A decimal string in EUR, for files and JSON ("1234.56")."""
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"
