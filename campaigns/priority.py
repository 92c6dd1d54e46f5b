"""Who to call first: a score per debtor, and the reasons for it in plain words.

score = amount * min(outstanding / 1 000 €, 20)            (1 point per 1 000 € owed, capped)
        (small balances first: amount * (20 - that), the smallest balances get the most points)
      + age * min(days past the oldest due date / 30, 12)   (1 point per month late, capped)
      + broken_promise * broken promises (capped at 3)
      + callback (when a callback is due)
      - attempts * attempts without contact
      + ending * (1 - days left / 14) for an account not called yet, in the campaign's last 14 days
      + the points of the account's segment and of its company size (TPE, PME, ETI, large)
Weights have defaults and can be set per campaign in ``Campaign.priority_weights``. An account in another
currency than the campaign's counts its outstanding converted at the campaign's rates (``Campaign.exchange_rates``);
without a rate its amount counts for nothing (a campaign with several currencies cannot start without them).
Explanations are lists of (English N_ template, params) so the web can translate them.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from . import clock, currencies, debtor_profile
from .errors import N_
from .models import Campaign, DebtorAccount, QueueState
from .money import format_eur

DEFAULT_WEIGHTS: dict[str, float] = {
    "amount": 1.0,          # per 1 000 € owed (up to 20 000 €)
    "age": 1.0,             # per 30 days past the oldest due date (up to a year)
    "broken_promise": 3.0,  # per broken promise (up to 3)
    "callback": 10.0,       # a callback is due
    "attempts": 0.5,        # minus, per attempt without contact
    "ending": 5.0,          # an account not called yet as the campaign's end nears (full weight on its last day)
}
ENDING_DAYS = 14            # the stretch before the end in which uncalled accounts move up
SIZES = debtor_profile.SIZES
AMOUNT_UNIT_CENTS = 100_000
AMOUNT_CAP = 20.0
AGE_UNIT_DAYS = 30.0
AGE_CAP = 12.0
BROKEN_CAP = 3


def weights_for(campaign: Campaign | None) -> dict:
    """The campaign's weights: the numbers of DEFAULT_WEIGHTS, ``small_first`` (bool), and the points of each
    segment (``segments``: {segment: points}) and company size (``sizes``: {tpe|pme|eti|ge: points})."""
    weights: dict = dict(DEFAULT_WEIGHTS)
    weights.update(small_first=False, segments={}, sizes={})
    for key, value in ((campaign.priority_weights if campaign else None) or {}).items():
        if key in DEFAULT_WEIGHTS and value is not None:
            weights[key] = float(value)
        elif key == "small_first":
            weights[key] = bool(value)
        elif key in ("segments", "sizes") and isinstance(value, dict):
            weights[key] = {str(k): float(v) for k, v in value.items() if v}
    return weights


def days_left(campaign: Campaign | None, today: date) -> int | None:
    """Days until the campaign's last day (0 on it); None without an end date."""
    if campaign is None or campaign.period_end is None:
        return None
    return (campaign.period_end - today).days


def ending_factor(campaign: Campaign | None, today: date) -> float:
    """0 before the campaign's last ENDING_DAYS days, rising to 1 on its last day (and after)."""
    left = days_left(campaign, today)
    if left is None or left >= ENDING_DAYS:
        return 0.0
    return round(1 - max(left, 0) / ENDING_DAYS, 4)


def _today(now: datetime | None) -> date:
    return clock.today(at=now)


def converted_outstanding(debtor: DebtorAccount, campaign: Campaign | None) -> int | None:
    """The account's outstanding in the campaign's currency, or None when its currency has no rate yet."""
    main = campaign.currency if campaign else currencies.MAIN
    return currencies.convert(debtor.total_outstanding_cents or 0, debtor.currency or main, main,
                              currencies.rates_of(campaign.exchange_rates if campaign else None))


def score(debtor: DebtorAccount, weights: dict, today: date, campaign: Campaign | None = None) -> float:
    converted = converted_outstanding(debtor, campaign)
    amount = min((converted or 0) / AMOUNT_UNIT_CENTS, AMOUNT_CAP)
    if weights["small_first"]:
        amount = AMOUNT_CAP - amount if converted is not None else 0.0
    days = (today - debtor.oldest_due_date).days if debtor.oldest_due_date else 0
    age = min(max(days, 0) / AGE_UNIT_DAYS, AGE_CAP)
    broken = min(debtor.broken_promises or 0, BROKEN_CAP)
    value = (weights["amount"] * amount + weights["age"] * age + weights["broken_promise"] * broken
             - weights["attempts"] * (debtor.attempts_without_contact or 0))
    if debtor.queue_state == QueueState.CALLBACK:
        value += weights["callback"]
    if not debtor.attempts:
        value += weights["ending"] * ending_factor(campaign, today)
    value += weights["segments"].get(debtor.segment or "", 0.0) + weights["sizes"].get(debtor.company_size or "", 0.0)
    return round(value, 4)


@dataclass(slots=True)
class NewAccount:
    """An account about to be written by an import, as ``score`` reads it: not called yet, no promise broken."""
    total_outstanding_cents: int
    currency: str
    oldest_due_date: date | None
    queue_state: QueueState
    segment: str | None = None
    company_size: str | None = None
    broken_promises: int = 0
    attempts: int = 0
    attempts_without_contact: int = 0


def new_accounts_scorer(campaign: Campaign, now: datetime | None = None):
    """``score`` of each ``NewAccount`` of an import with the campaign's weights today: the load writes each
    account's score with it, so the ``recompute_campaign`` that follows has (almost) no row to write again."""
    weights, today = weights_for(campaign), _today(now)
    return lambda account: score(account, weights, today, campaign)


def explanation(debtor: DebtorAccount, today: date | None = None) -> list[tuple[str, dict]]:
    """Why this debtor comes now: (N_ template, params) parts, most important first."""
    today = today or _today(None)
    parts: list[tuple[str, dict]] = []
    if debtor.queue_state == QueueState.CALLBACK and debtor.next_action_at:
        parts.append((N_("callback due at {time}"), {"time": debtor.next_action_at.astimezone(
            __import__("zoneinfo").ZoneInfo("Europe/Paris")).strftime("%d/%m/%Y %H:%M")}))
    campaign = debtor.campaign
    weights = weights_for(campaign)
    owed = (N_("small balances first: {amount} owed") if weights["small_first"] else N_("{amount} owed"))
    parts.append((owed, {"amount": format_eur(debtor.total_outstanding_cents or 0, debtor.currency)}))
    if campaign is not None and debtor.currency and debtor.currency != campaign.currency:
        converted = converted_outstanding(debtor, campaign)
        if converted is None:
            parts.append((N_("no exchange rate for {currency}: the amount does not count yet"),
                          {"currency": debtor.currency}))
        else:
            parts.append((N_("about {amount} at the campaign's rate"),
                          {"amount": format_eur(converted, campaign.currency)}))
    if debtor.oldest_due_date:
        parts.append((N_("oldest due date: D+{days}"), {"days": (today - debtor.oldest_due_date).days}))
    if debtor.broken_promises:
        if debtor.last_broken_promise_on:
            parts.append((N_("promise not kept on {date}"),
                          {"date": debtor.last_broken_promise_on.strftime("%d/%m/%Y")}))
        if debtor.broken_promises > 1:
            parts.append((N_("{count} broken promises"), {"count": debtor.broken_promises}))
    if debtor.attempts_without_contact:
        parts.append((N_("{count} attempts without contact"), {"count": debtor.attempts_without_contact}))
    if not debtor.attempts and weights["ending"] and ending_factor(campaign, today):
        parts.append((N_("the campaign ends in {days} days and this account has not been called yet"),
                      {"days": max(days_left(campaign, today), 0)}))
    points = weights["segments"].get(debtor.segment or "")
    if points:
        parts.append((N_("segment “{segment}”: {points} points"), {"segment": debtor.segment, "points": f"{points:+g}"}))
    points = weights["sizes"].get(debtor.company_size or "")
    if points:
        parts.append((N_("company size {size_label}: {points} points"),   # *_label params are msgids
                      {"size_label": debtor_profile.SIZE_LABELS[debtor.company_size], "points": f"{points:+g}"}))
    return parts


def recompute_debtor(session: Session, debtor: DebtorAccount, now: datetime | None = None) -> float:
    campaign = debtor.campaign or session.get(Campaign, debtor.campaign_id)
    debtor.priority = score(debtor, weights_for(campaign), _today(now), campaign)
    return debtor.priority


def recompute_campaign(session: Session, campaign_id: int, now: datetime | None = None) -> int:
    """One UPDATE over the campaign's debtors (set-based: seconds for 330k rows). Returns the row count."""
    campaign = session.get(Campaign, campaign_id)
    w = weights_for(campaign)
    today = _today(now)
    t = DebtorAccount.__table__
    pg = session.get_bind().dialect.name == "postgresql"
    if pg:
        least, greatest = sa.func.least, sa.func.greatest
        days = sa.literal(today, sa.Date) - t.c.oldest_due_date
    else:
        least, greatest = sa.func.min, sa.func.max
        days = sa.cast(sa.func.julianday(today.isoformat()) - sa.func.julianday(t.c.oldest_due_date),
                       sa.Integer)
    # Each currency's accounts at the campaign's rate (one unit of the main currency is 1.0); none: 0.
    rates = currencies.rates_of(campaign.exchange_rates)
    factor = sa.case(*((t.c.currency == code, float(rate)) for code, rate in sorted(rates.items())),
                     (t.c.currency == campaign.currency, 1.0), else_=0.0)
    amount = least(t.c.total_outstanding_cents * factor / float(AMOUNT_UNIT_CENTS), AMOUNT_CAP)
    if w["small_first"]:      # an account whose currency has no rate gets no amount points either way
        amount = sa.case((factor == 0.0, 0.0), else_=AMOUNT_CAP - amount)
    age = sa.func.coalesce(least(greatest(days, 0) / AGE_UNIT_DAYS, AGE_CAP), 0.0)
    broken = least(t.c.broken_promises, BROKEN_CAP)
    expr = (w["amount"] * amount + w["age"] * age + w["broken_promise"] * broken
            - w["attempts"] * t.c.attempts_without_contact
            + sa.case((t.c.queue_state == QueueState.CALLBACK.value, w["callback"]), else_=0.0))
    ending = w["ending"] * ending_factor(campaign, today)
    if ending:
        expr = expr + sa.case((t.c.attempts == 0, ending), else_=0.0)
    for column, points in ((t.c.segment, w["segments"]), (t.c.company_size, w["sizes"])):
        if points:
            expr = expr + sa.case(*((column == key, value) for key, value in sorted(points.items())), else_=0.0)
    rounded = sa.cast(sa.func.round(sa.cast(expr, sa.Numeric), 4), sa.Float) if pg else sa.func.round(expr, 4)
    # Only rows whose score changes are written (and so row-locked: claims skip locked rows meanwhile).
    result = session.execute(t.update().where(t.c.campaign_id == campaign_id, t.c.priority != rounded)
                             .values(priority=rounded))
    session.expire_all()
    return result.rowcount
