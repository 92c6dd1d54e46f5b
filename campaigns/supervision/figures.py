"""The dashboard figures of one campaign, each from one or two SQL aggregates.

Definitions (the same on the dashboard, in the recap workbook and in the README):

- placed: the debtor accounts the client entrusted with something to collect (a balance above zero) and
  their invoices; the amount placed is the sum of those invoices' outstanding when entrusted
  (``Invoice.initial_outstanding_cents``, raised when an update file raises an invoice or adds one).
  Accounts whose balance is a credit (credit notes only) are counted apart as credit balances.
- worked: debtors with at least one call attempt; reached: debtors with at least one completed call.
- remaining: debtors still to work (``campaigns.states.REMAINING``), with what they owe now; never more than
  the amount placed, since a debtor owes at most what was entrusted.
- completed call ("appel abouti", the provider's billing unit) and contact, the same word everywhere: a call
  in which the person able to pay was on the line, refusals included (results right party and refusal).
  No answer, busy, voicemail, switchboard, wrong party and wrong number are calls, not completed calls.
  (Until 2026-12-01 refusals were not counted; recaps produced before keep what they said.)
- days: calendar days in the campaign's time zone, on both databases.
- right-party contact share: completed calls / all calls.
- promise rate: debtors with at least one (not cancelled) promise / debtors reached.
- paid since the start: the decrease of outstanding recorded by payments lists and new balances
  (``InvoiceChange`` rows of kind paid or partly paid in applied update batches).
- motive amount: the disputed amount the agent entered, else the invoice's outstanding at placement.
- currencies: a money figure is never summed across currencies. The ``…_cents`` fields are in the campaign's
  currency; the same figures for each other currency are in ``other_currencies`` (an account holds one
  currency, see campaigns.currencies). Counts (debtors, invoices, calls, promises) cover every currency.
  The per-agent, per-day and per-week amounts are the campaign currency's.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
import sqlalchemy.orm  # noqa: F401 - sa.orm.aliased
from sqlalchemy.orm import Session

from ..models import (
    CallAttempt, Campaign, ContactResult, DebtorAccount, ImportBatch, ImportKind, ImportStatus, Instalment,
    Invoice, InvoiceChange, InvoiceChangeKind, InvoiceCorrection, InvoiceMotive, Motive, MotiveStatus, Promise, PromiseStatus,
    Phone, PhoneStatus, QueueState, User,
)
from .. import clock, states
from ..money import decimal_string
from .sqlhelp import day_of
from .wrong_numbers import to_find

COMPLETED_RESULTS = (ContactResult.RIGHT_PARTY, ContactResult.REFUSAL)
COMPLETED_CALL = CallAttempt.result.in_(COMPLETED_RESULTS)   # a completed call, also called a contact
LIVE_PROMISE = Promise.status != PromiseStatus.CANCELLED


@dataclass
class MotiveRow:
    code: str
    family: str          # the top-level motive's label
    label: str           # the motive's own label (the sub-motive, or the family itself)
    invoices: int
    debtors: int
    amount_cents: int
    open_invoices: int
    share: float = 0.0   # of the amount placed in its currency
    currency: str = "EUR"


@dataclass
class AgentRow:
    agent_id: int | None
    name: str
    calls: int = 0
    contacts: int = 0
    promises: int = 0
    promised_cents: int = 0
    talk_seconds: int = 0
    timed_calls: int = 0

    @property
    def average_call_seconds(self) -> float | None:
        """Handling time per call (card shown → save); talk, wrap-up and the pace per logged hour are
        campaigns.shift's."""
        return self.talk_seconds / self.timed_calls if self.timed_calls else None


MONEY_FIELDS = ("amount_placed_cents", "outstanding_now_cents", "amount_worked_cents", "amount_reached_cents",
                "amount_remaining_cents", "amount_unreachable_cents", "amount_not_reached_cents",
                "credit_balances_cents", "promised_cents", "paid_since_start_cents", "disputed_open_cents",
                "corrected_cents")


@dataclass
class CurrencyFigures:
    """The money figures of the accounts in one currency (the same definitions as the headline ones)."""
    currency: str
    debtors_placed: int = 0
    invoices_placed: int = 0
    amount_placed_cents: int = 0
    outstanding_now_cents: int = 0
    amount_worked_cents: int = 0
    amount_reached_cents: int = 0
    amount_remaining_cents: int = 0
    amount_unreachable_cents: int = 0
    amount_not_reached_cents: int = 0
    credit_balances_cents: int = 0
    promised_cents: int = 0
    paid_since_start_cents: int = 0
    disputed_open_cents: int = 0
    corrected_cents: int = 0       # what the client's corrections took off invoices (never a payment)
    by_status: dict = field(default_factory=dict)   # PromiseStatus value -> (count, amount, paid)


@dataclass
class CampaignFigures:
    currency: str = "EUR"
    other_currencies: dict = field(default_factory=dict)   # currency -> CurrencyFigures
    debtors_placed: int = 0
    invoices_placed: int = 0
    amount_placed_cents: int = 0
    outstanding_now_cents: int = 0
    debtors_worked: int = 0
    amount_worked_cents: int = 0
    debtors_reached: int = 0
    amount_reached_cents: int = 0
    debtors_remaining: int = 0
    amount_remaining_cents: int = 0
    calls: int = 0
    completed_calls: int = 0
    promises: int = 0
    promised_cents: int = 0
    debtors_promised: int = 0
    by_status: dict = field(default_factory=dict)   # PromiseStatus value -> (count, amount, paid)
    instalments: dict = field(default_factory=dict)  # PromiseStatus value -> instalments of live plans
    paid_since_start_cents: int = 0
    disputes_open: int = 0
    disputed_open_cents: int = 0
    debtors_unreachable: int = 0
    amount_unreachable_cents: int = 0
    debtors_not_reached: int = 0
    amount_not_reached_cents: int = 0
    credit_balances: int = 0            # accounts entrusted with a credit balance: nothing to collect
    credit_balances_cents: int = 0      # their (negative) total
    numbers_to_find: int = 0
    numbers_proved_wrong: int = 0
    quality: dict = field(default_factory=dict)

    @property
    def right_party_rate(self) -> float | None:
        return self.completed_calls / self.calls if self.calls else None

    @property
    def promise_rate(self) -> float | None:
        return self.debtors_promised / self.debtors_reached if self.debtors_reached else None

    @property
    def progress_rate(self) -> float | None:
        return self.debtors_worked / self.debtors_placed if self.debtors_placed else None

    def status(self, status: PromiseStatus) -> tuple[int, int, int]:
        return self.by_status.get(status.value, (0, 0, 0))


def as_dict(f: CampaignFigures) -> dict:
    """Every figure by its name, money as decimal strings (``…_cents`` fields lose the suffix), for machines."""
    out: dict = {}
    for name in f.__dataclass_fields__:
        value = getattr(f, name)
        if name in ("by_status", "quality", "other_currencies"):
            continue
        if name.endswith("_cents"):
            out[name[:-len("_cents")]] = decimal_string(value)
        else:
            out[name] = value
    out["promises_by_status"] = {status: {"count": count, "amount": decimal_string(amount),
                                          "paid": decimal_string(paid)}
                                 for status, (count, amount, paid) in sorted(f.by_status.items())}
    for rate in ("right_party_rate", "promise_rate", "progress_rate"):
        value = getattr(f, rate)
        out[rate] = None if value is None else round(value, 4)
    out["other_currencies"] = {code: _currency_dict(c) for code, c in sorted(f.other_currencies.items())}
    return out


def _currency_dict(c: CurrencyFigures) -> dict:
    out = {"debtors_placed": c.debtors_placed, "invoices_placed": c.invoices_placed}
    out.update({name[:-len("_cents")]: decimal_string(getattr(c, name)) for name in MONEY_FIELDS})
    out["promises_by_status"] = {status: {"count": count, "amount": decimal_string(amount),
                                          "paid": decimal_string(paid)}
                                 for status, (count, amount, paid) in sorted(c.by_status.items())}
    return out


def day_dict(d: "DayFigures") -> dict:
    return {"calls": d.calls, "completed_calls": d.completed_calls, "promises": d.promises,
            "promised": decimal_string(d.promised_cents)}


def _one(session: Session, query) -> sa.Row:
    return session.execute(query).one()


def campaign_figures(session: Session, campaign_id: int) -> CampaignFigures:
    """Every headline figure of the dashboard and of the recap's first sheet."""
    main = session.scalar(sa.select(Campaign.currency).where(Campaign.id == campaign_id)) or "EUR"
    f = CampaignFigures(currency=main)
    money: dict[str, CurrencyFigures] = {}

    def of(currency) -> CurrencyFigures:
        return money.setdefault(currency or main, CurrencyFigures(currency or main))

    # One grouped pass over the campaign's calls (a correlated EXISTS per debtor and per figure cost
    # 1.2 s at 100k debtors): called = has a row here, reached = one of its calls was completed.
    calls = (sa.select(CallAttempt.debtor_id.label("debtor_id"),
                       sa.func.max(sa.case((COMPLETED_CALL, 1), else_=0)).label("reached"))
             .where(CallAttempt.campaign_id == campaign_id).group_by(CallAttempt.debtor_id).subquery())
    called = calls.c.debtor_id.is_not(None)
    reached = calls.c.reached == 1
    not_reached = sa.func.coalesce(calls.c.reached, 0) == 0   # never called, or called without contact
    d = DebtorAccount
    placed = d.initial_outstanding_cents > 0
    remaining = d.queue_state.in_(states.REMAINING)
    unreachable = d.queue_state == QueueState.UNREACHABLE

    def total(column, condition):
        return sa.func.coalesce(sa.func.sum(column).filter(condition), 0)

    counts = [0] * 7
    for currency, *row in session.execute(sa.select(
        d.currency,
        sa.func.count().filter(placed),
        sa.func.count().filter(called), total(d.initial_outstanding_cents, called),
        sa.func.count().filter(reached), total(d.initial_outstanding_cents, reached),
        sa.func.count().filter(remaining), total(d.total_outstanding_cents, remaining),
        sa.func.count().filter(unreachable), total(d.total_outstanding_cents, unreachable),
        sa.func.count().filter(not_reached, placed), total(d.total_outstanding_cents, sa.and_(not_reached, placed)),
        sa.func.count().filter(~placed), total(d.initial_outstanding_cents, ~placed),
        sa.func.count().filter(to_find()),
    ).select_from(d).outerjoin(calls, calls.c.debtor_id == d.id).where(d.campaign_id == campaign_id)
            .group_by(d.currency)):
        (placed_n, worked_n, worked, reached_n, reached_, remaining_n, remaining_, unreachable_n, unreachable_,
         not_reached_n, not_reached_, credit_n, credit, wrong_n) = (int(v or 0) for v in row)
        c = of(currency)
        c.debtors_placed, c.amount_worked_cents, c.amount_reached_cents = placed_n, worked, reached_
        c.amount_remaining_cents, c.amount_unreachable_cents = remaining_, unreachable_
        c.amount_not_reached_cents, c.credit_balances_cents = not_reached_, credit
        for i, value in enumerate((placed_n, worked_n, reached_n, remaining_n, unreachable_n, not_reached_n, credit_n)):
            counts[i] += value
        f.numbers_to_find += wrong_n
    (f.debtors_placed, f.debtors_worked, f.debtors_reached, f.debtors_remaining, f.debtors_unreachable,
     f.debtors_not_reached, f.credit_balances) = counts

    for currency, count, entrusted, now in session.execute(sa.select(
        Invoice.currency, sa.func.count(), sa.func.coalesce(sa.func.sum(Invoice.initial_outstanding_cents), 0),
        sa.func.coalesce(sa.func.sum(Invoice.outstanding_cents), 0),
    ).join(DebtorAccount, DebtorAccount.id == Invoice.debtor_id)
        .where(Invoice.campaign_id == campaign_id, DebtorAccount.initial_outstanding_cents > 0)
            .group_by(Invoice.currency)):
        c = of(currency)
        c.invoices_placed, c.amount_placed_cents, c.outstanding_now_cents = int(count), int(entrusted), int(now)
        f.invoices_placed += int(count)
    f.numbers_proved_wrong = int(session.scalar(
        sa.select(sa.func.count()).select_from(Phone).join(DebtorAccount, DebtorAccount.id == Phone.debtor_id)
        .where(DebtorAccount.campaign_id == campaign_id, Phone.status == PhoneStatus.WRONG)) or 0)

    f.calls, f.completed_calls = (int(v or 0) for v in _one(session, sa.select(
        sa.func.count(), sa.func.count().filter(COMPLETED_CALL),
    ).where(CallAttempt.campaign_id == campaign_id)))

    for currency, status, count, amount, paid in session.execute(
        sa.select(DebtorAccount.currency, Promise.status, sa.func.count(), sa.func.sum(Promise.amount_cents),
                  sa.func.sum(Promise.paid_cents))
        .join(DebtorAccount, DebtorAccount.id == Promise.debtor_id)
        .where(Promise.campaign_id == campaign_id).group_by(DebtorAccount.currency, Promise.status)
    ):
        of(currency).by_status[PromiseStatus(status).value] = (int(count), int(amount or 0), int(paid or 0))
    for c in money.values():
        c.promised_cents = sum(a for k, (_, a, _) in c.by_status.items() if k != PromiseStatus.CANCELLED.value)
        for status, (count, amount, paid) in c.by_status.items():
            before = f.by_status.get(status, (0, 0, 0))
            f.by_status[status] = (before[0] + count, before[1] + (amount if c.currency == main else 0),
                                   before[2] + (paid if c.currency == main else 0))
    f.instalments = {PromiseStatus(status).value: int(count) for status, count in session.execute(
        sa.select(Instalment.status, sa.func.count()).join(Promise, Promise.id == Instalment.promise_id)
        .where(Promise.campaign_id == campaign_id, LIVE_PROMISE).group_by(Instalment.status))}
    f.promises = sum(c for k, (c, _, _) in f.by_status.items() if k != PromiseStatus.CANCELLED.value)
    f.debtors_promised = int(session.scalar(
        sa.select(sa.func.count(sa.distinct(Promise.debtor_id))).where(Promise.campaign_id == campaign_id, LIVE_PROMISE)
    ) or 0)

    for currency, cents in paid_by_currency(session, campaign_id).items():
        of(currency).paid_since_start_cents = cents
    for currency, cents in session.execute(
            sa.select(Invoice.currency, sa.func.sum(InvoiceCorrection.old_outstanding_cents
                                                    - InvoiceCorrection.new_outstanding_cents))
            .join(Invoice, Invoice.id == InvoiceCorrection.invoice_id)
            .where(InvoiceCorrection.campaign_id == campaign_id).group_by(Invoice.currency)):
        of(currency).corrected_cents = int(cents or 0)
    blocking = _blocking_open(campaign_id)
    for currency, count, amount in session.execute(sa.select(
        Invoice.currency, sa.func.count(), sa.func.coalesce(sa.func.sum(_motive_amount()), 0),
    ).select_from(InvoiceMotive).join(Invoice, Invoice.id == InvoiceMotive.invoice_id)
        .join(Motive, Motive.id == InvoiceMotive.motive_id).where(*blocking).group_by(Invoice.currency)):
        f.disputes_open += int(count)
        of(currency).disputed_open_cents = int(amount)
    mine = money.pop(main, CurrencyFigures(main))
    for name in MONEY_FIELDS:
        setattr(f, name, getattr(mine, name))
    f.other_currencies = dict(sorted(money.items()))
    f.quality = file_quality(session, campaign_id)
    return f


def _motive_amount():
    return sa.func.coalesce(InvoiceMotive.disputed_amount_cents, Invoice.initial_outstanding_cents)


def _blocking_open(campaign_id: int):
    return (InvoiceMotive.campaign_id == campaign_id, InvoiceMotive.status == MotiveStatus.OPEN,
            Motive.blocks_queue.is_(True))


def paid_by_currency(session: Session, campaign_id: int) -> dict[str, int]:
    """Cents paid according to the applied update files, per currency of the invoices paid."""
    return {currency: int(value or 0) for currency, value in session.execute(
        sa.select(Invoice.currency,
                  sa.func.sum(InvoiceChange.old_outstanding_cents - InvoiceChange.new_outstanding_cents))
        .join(ImportBatch, ImportBatch.id == InvoiceChange.batch_id)
        .join(Invoice, Invoice.id == InvoiceChange.invoice_id)
        .where(ImportBatch.campaign_id == campaign_id, ImportBatch.kind.in_((ImportKind.UPDATE, ImportKind.PAYMENTS)),
               ImportBatch.status == ImportStatus.APPLIED,
               InvoiceChange.kind.in_((InvoiceChangeKind.PAID, InvoiceChangeKind.PARTLY_PAID)))
        .group_by(Invoice.currency))}


def file_quality(session: Session, campaign_id: int) -> dict:
    """The counts and quality shares of the campaign's initial file (the latest applied one)."""
    batch = session.execute(
        sa.select(ImportBatch.file_name, ImportBatch.rows_read, ImportBatch.accepted, ImportBatch.rejected,
                  ImportBatch.skipped, ImportBatch.quality, ImportBatch.applied_at)
        .where(ImportBatch.campaign_id == campaign_id, ImportBatch.kind == ImportKind.INITIAL,
               ImportBatch.status == ImportStatus.APPLIED)
        .order_by(ImportBatch.id.desc()).limit(1)
    ).first()
    if batch is None:
        return {}
    return {"file_name": batch.file_name, "rows_read": batch.rows_read, "accepted": batch.accepted,
            "rejected": batch.rejected, "skipped": batch.skipped, "applied_at": batch.applied_at,
            "details": batch.quality or {}}


def motive_breakdown(session: Session, campaign_id: int, language: str = "fr") -> list[MotiveRow]:
    """One row per non-payment motive recorded (cancelled ones left out) and currency, the campaign's currency
    first, then largest amount first, labelled in ``language`` (fr or en) from the client's taxonomy."""
    english = language == "en"
    # The labels kept with each record: a motive renamed since is shown as it was when recorded.
    label_column = sa.func.coalesce(InvoiceMotive.label_en if english else InvoiceMotive.label_fr,
                                    Motive.label_en if english else Motive.label_fr)
    parent = sa.orm.aliased(Motive)
    parent_label = (sa.select(parent.label_en if english else parent.label_fr)
                    .where(parent.code == Motive.parent_code, parent.client_company_id.is_(None))
                    .limit(1).scalar_subquery())
    family_column = sa.func.coalesce(InvoiceMotive.family_en if english else InvoiceMotive.family_fr,
                                     sa.case((Motive.parent_code.is_not(None), parent_label)), label_column)
    rows = session.execute(
        sa.select(Motive.code, family_column, label_column, Invoice.currency,
                  sa.func.count(sa.distinct(InvoiceMotive.invoice_id)),
                  sa.func.count(sa.distinct(InvoiceMotive.debtor_id)),
                  sa.func.sum(_motive_amount()),
                  sa.func.count(sa.distinct(InvoiceMotive.invoice_id)).filter(InvoiceMotive.status == MotiveStatus.OPEN))
        .select_from(InvoiceMotive).join(Motive, Motive.id == InvoiceMotive.motive_id)
        .join(Invoice, Invoice.id == InvoiceMotive.invoice_id)
        .where(InvoiceMotive.campaign_id == campaign_id, InvoiceMotive.status != MotiveStatus.CANCELLED)
        .group_by(Motive.code, family_column, label_column, Invoice.currency)
    ).all()
    placed = placed_by_currency(session, campaign_id)
    main = session.scalar(sa.select(Campaign.currency).where(Campaign.id == campaign_id)) or "EUR"
    result = [
        MotiveRow(code=code, family=family, label=label, invoices=int(inv), debtors=int(deb),
                  amount_cents=int(amount or 0), open_invoices=int(open_ or 0), currency=currency,
                  share=(int(amount or 0) / placed[currency]) if placed.get(currency) else 0.0)
        for code, family, label, currency, inv, deb, amount, open_ in rows
    ]
    return sorted(result, key=lambda r: (r.currency != main, r.currency, -r.amount_cents, r.code))


def placed_by_currency(session: Session, campaign_id: int) -> dict[str, int]:
    """The amount placed (see the module's definitions), per currency."""
    return {currency: int(cents or 0) for currency, cents in session.execute(
        sa.select(Invoice.currency, sa.func.sum(Invoice.initial_outstanding_cents))
        .join(DebtorAccount, DebtorAccount.id == Invoice.debtor_id)
        .where(Invoice.campaign_id == campaign_id, DebtorAccount.initial_outstanding_cents > 0)
        .group_by(Invoice.currency))}


def promises_by_week(session: Session, campaign_id: int) -> list[tuple[date, int, int]]:
    """(Monday of the week, number of payments due, cents due) for live promises and plan instalments of
    accounts in the campaign's currency."""
    in_main = _in_main_currency(campaign_id)
    single = session.execute(
        sa.select(Promise.promised_date, sa.func.count(), sa.func.sum(Promise.amount_cents))
        .where(Promise.campaign_id == campaign_id, LIVE_PROMISE, Promise.is_plan.is_(False), in_main)
        .group_by(Promise.promised_date)
    ).all()
    plans = session.execute(
        sa.select(Instalment.due_date, sa.func.count(), sa.func.sum(Instalment.amount_cents))
        .join(Promise, Promise.id == Instalment.promise_id)
        .where(Promise.campaign_id == campaign_id, LIVE_PROMISE, Promise.is_plan.is_(True), in_main)
        .group_by(Instalment.due_date)
    ).all()
    weeks: dict[date, list[int]] = {}
    for day, count, amount in [*single, *plans]:
        monday = day - timedelta(days=day.weekday())
        bucket = weeks.setdefault(monday, [0, 0])
        bucket[0] += int(count)
        bucket[1] += int(amount or 0)
    return [(week, c, a) for week, (c, a) in sorted(weeks.items())]


def _in_main_currency(campaign_id: int):
    """A promise of an account in the campaign's currency (the amounts per agent, day and week)."""
    return Promise.debtor_id.in_(
        sa.select(DebtorAccount.id).join(Campaign, Campaign.id == DebtorAccount.campaign_id)
        .where(DebtorAccount.campaign_id == campaign_id, DebtorAccount.currency == Campaign.currency))


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


@dataclass
class DayFigures:
    """One calendar day of a campaign (its time zone), or of one agent in it."""
    day: date
    calls: int = 0
    completed_calls: int = 0
    promises: int = 0
    promised_cents: int = 0


def day_figures(session: Session, campaign_id: int, agent_id: int | None = None,
                day: date | None = None) -> list[DayFigures]:
    """Calls, completed calls and promises made per day (oldest first), for the campaign or one agent; the
    agent's day counter, the dashboard's chart and ``flask campaign figures --day`` all read this."""
    zone = clock.zone(session.get(Campaign, campaign_id)).key
    days: dict[date, DayFigures] = {}
    a_day = day_of(session, CallAttempt.started_at, zone)
    calls = sa.select(a_day, sa.func.count(), sa.func.count().filter(COMPLETED_CALL)).where(
        CallAttempt.campaign_id == campaign_id)
    p_day = day_of(session, Promise.created_at, zone)
    made = sa.select(p_day, sa.func.count(), sa.func.coalesce(
        sa.func.sum(Promise.amount_cents).filter(_in_main_currency(campaign_id)), 0)).where(
        Promise.campaign_id == campaign_id, LIVE_PROMISE)
    if agent_id is not None:
        calls, made = calls.where(CallAttempt.agent_id == agent_id), made.where(Promise.agent_id == agent_id)
    if day is not None:
        calls, made = calls.where(a_day == _day_value(session, day)), made.where(p_day == _day_value(session, day))
    for value, count, done in session.execute(calls.group_by(a_day)):
        row = days.setdefault(_as_date(value), DayFigures(_as_date(value)))
        row.calls, row.completed_calls = int(count), int(done)
    for value, count, cents in session.execute(made.group_by(p_day)):
        row = days.setdefault(_as_date(value), DayFigures(_as_date(value)))
        row.promises, row.promised_cents = int(count), int(cents or 0)
    if day is not None and day not in days:
        days[day] = DayFigures(day)
    return [days[k] for k in sorted(days)]


def _day_value(session: Session, day: date):
    """A day to compare with ``day_of``: a date on PostgreSQL, its ISO text on SQLite."""
    return day if session.get_bind().dialect.name == "postgresql" else day.isoformat()


def completed_calls_by_day(session: Session, campaign_id: int) -> list[tuple[date, int, int]]:
    """(day, calls, completed calls) for every day with calls, oldest first."""
    return [(d.day, d.calls, d.completed_calls) for d in day_figures(session, campaign_id) if d.calls]


def agent_figures(session: Session, campaign_id: int) -> list[AgentRow]:
    """Per agent: calls, contacts, promises, amount promised and average handling time."""
    agents: dict[int | None, AgentRow] = {}

    def row(agent_id, name):
        return agents.setdefault(agent_id, AgentRow(agent_id, name or "—"))

    a = CallAttempt
    for agent_id, name, calls, contacts, talk, timed in session.execute(
        sa.select(a.agent_id, User.name, sa.func.count(), sa.func.count().filter(COMPLETED_CALL),
                  sa.func.sum(a.duration_seconds), sa.func.count(a.duration_seconds))
        .outerjoin(User, User.id == a.agent_id).where(a.campaign_id == campaign_id).group_by(a.agent_id, User.name)
    ):
        r = row(agent_id, name)
        r.calls, r.contacts, r.talk_seconds, r.timed_calls = int(calls), int(contacts), int(talk or 0), int(timed)

    for agent_id, name, count, amount in session.execute(
        sa.select(Promise.agent_id, User.name, sa.func.count(),
                  sa.func.sum(Promise.amount_cents).filter(_in_main_currency(campaign_id)))
        .outerjoin(User, User.id == Promise.agent_id)
        .where(Promise.campaign_id == campaign_id, LIVE_PROMISE).group_by(Promise.agent_id, User.name)
    ):
        r = row(agent_id, name)
        r.promises, r.promised_cents = int(count), int(amount or 0)
    return sorted(agents.values(), key=lambda r: (-r.calls, r.name))


def campaign_header(session: Session, campaign_id: int) -> sa.Row:
    """The campaign with its client's name, for titles."""
    from ..models import ClientCompany
    return session.execute(
        sa.select(Campaign, ClientCompany.name.label("client_name"))
        .join(ClientCompany, ClientCompany.id == Campaign.client_company_id).where(Campaign.id == campaign_id)
    ).one()
