"""Turn the posted outcome form into the domain's OutcomeInput, keeping what the agent typed.

Parsing problems (an unreadable date, an amount that is not a number) are collected per
field, like the domain's own validation errors, so the form is re-rendered with every
message next to its field and nothing lost.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l

from campaigns import clock, shortcuts
from campaigns.money import format_eur
from campaigns.models import ContactResult, PaymentMethod

PARIS = ZoneInfo("Europe/Paris")
MOTIVE_ROWS = 3
PLAN_ROWS = 6

# The outcome keys shown on the panel: (value, key, label). "contact" is a right-party contact
# whose content comes from the sections ticked below it (promise, motives, callback, already paid).
OUTCOMES = [
    ("no_answer", "n", _l("No answer")),
    ("busy", "o", _l("Busy")),
    ("voicemail", "m", _l("Voicemail")),
    ("switchboard", "s", _l("Switchboard")),
    ("wrong_party", "t", _l("Wrong party")),
    ("wrong_number", "f", _l("Wrong number")),
    ("contact", "c", _l("Debtor reached")),
    ("refusal", "x", _l("Refusal to pay")),
]
# Sections of a contact, each with its key: pressing it selects "contact" and opens the section.
SECTIONS = [
    ("promise", "p", _l("Promise of payment")),
    ("motive", "l", _l("Non-payment motive")),
    ("callback", "r", _l("Callback")),
    ("paid", "d", _l("Already paid")),
]
METHOD_LABELS = {
    PaymentMethod.TRANSFER: _l("Bank transfer"),
    PaymentMethod.CHEQUE: _l("Cheque"),
    PaymentMethod.CARD: _l("Card"),
    PaymentMethod.DIRECT_DEBIT: _l("Direct debit"),
    PaymentMethod.LCR: _l("Bill of exchange (LCR)"),
    PaymentMethod.CASH: _l("Cash"),
}
# One letter per method on the method lists (the card shows it beside each): b for "carte bancaire", the
# c going to the cheque.
METHOD_KEYS = {PaymentMethod.TRANSFER: "v", PaymentMethod.CHEQUE: "c", PaymentMethod.CARD: "b",
               PaymentMethod.DIRECT_DEBIT: "p", PaymentMethod.LCR: "l", PaymentMethod.CASH: "e"}
DIRECT_RESULTS = {"no_answer", "busy", "voicemail", "switchboard", "wrong_party", "wrong_number"}


@dataclass
class ParsedOutcome:
    """What the form said: the domain input, or the field errors that stop it."""
    outcome: object | None = None
    errors: dict[str, str] = field(default_factory=dict)


def parse_amount(text: str | None) -> int | None:
    """'12 480,00', '12480.5', '12 480 €' -> cents; None when empty. Never a float."""
    text = (text or "").strip().replace("€", "")
    text = re.sub(r"[\s\u00a0\u202f']", "", text)
    if not text:
        return None
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    if not re.fullmatch(r"-?\d+(\.\d{1,2})?", text):
        raise ValueError(text)
    units, _, dec = text.partition(".")
    sign = -1 if units.startswith("-") else 1
    return sign * (abs(int(units)) * 100 + int((dec + "00")[:2]))


def parse_ids(values: list[str]) -> list[int] | None:
    """Selected invoice ids; None means 'all invoices' (nothing ticked or 'all')."""
    ids = [int(v) for v in values if v.isdigit()]
    return ids or None


def request_key(value: str | None) -> str | None:
    """The card's key (render.py gives 32 hex digits; a client may bring its own of up to 64 letters, digits,
    dashes or underscores, the column's width). Anything else is not a key and is not kept."""
    value = (value or "").strip()
    return value if re.fullmatch(r"[A-Za-z0-9_-]{1,64}", value) else None


def _offset(value: str | None) -> int | None:
    """Milliseconds after the card was shown, as the console sends them (none if unreadable or absurd)."""
    try:
        ms = int(value or "")
    except ValueError:
        return None
    return ms if 0 <= ms <= 86_400_000 else None


def parse_outcome(form, started_at: datetime | None = None, today: date | None = None) -> ParsedOutcome:
    """Read the outcome form (a MultiDict) into an OutcomeInput, or field errors."""
    from campaigns.outcomes import (AlreadyPaidInput, CallbackInput, MotiveInput, OutcomeInput,
                                    PromiseInput)

    errors: dict[str, str] = {}
    today = today or clock.now().astimezone(PARIS).date()
    choice = form.get("outcome", "")
    if choice in DIRECT_RESULTS:
        result = ContactResult(choice)
    elif choice == "contact":
        result = ContactResult.RIGHT_PARTY
    elif choice == "refusal":
        result = ContactResult.REFUSAL
    else:
        errors["outcome"] = _l("Choose what happened on the call.")
        result = None
    contact = choice in ("contact", "refusal")

    def date_field(name, required=False):
        try:
            value = shortcuts.day(form.get(name), today)
        except ValueError:
            errors[name] = _l("Enter a date as dd/mm/yyyy (or 15/12, +7, lun).")
            return None
        if value is None and required:
            errors[name] = _l("Enter a date.")
        return value

    def amount_field(name, required=False):
        try:
            value = parse_amount(form.get(name))
        except ValueError:
            errors[name] = _l("Enter an amount in euros, e.g. 1 250,00.")
            return None
        if value is None and required:
            errors[name] = _l("Enter an amount.")
        return value

    def method_field(name):
        try:
            return PaymentMethod(form.get(name, ""))
        except ValueError:
            errors[name] = _l("Choose a payment method.")
            return None

    promise = None
    if contact and form.get("promise_on"):
        invoice_ids = parse_ids(form.getlist("promise_invoices"))
        method = method_field("promise_method")
        if form.get("plan_on"):
            instalments = []
            for i in range(1, PLAN_ROWS + 1):
                if not (form.get(f"plan_date_{i}") or form.get(f"plan_amount_{i}")):
                    continue
                when = date_field(f"plan_date_{i}", required=True)
                cents = amount_field(f"plan_amount_{i}", required=True)
                if when and cents is not None:
                    instalments.append((when, cents))
            if not instalments and "plan_date_1" not in errors:
                errors["plan_date_1"] = _l("Enter at least one instalment.")
            promised = amount_field("promise_amount")
            if instalments and promised is not None and sum(c for _, c in instalments) != promised:
                errors["plan_date_1"] = _l("The instalments add up to %(sum)s, not the %(promised)s promised.",
                                           sum=format_eur(sum(c for _, c in instalments)), promised=format_eur(promised))
            promise = PromiseInput(promised_date=None, amount_cents=None, method=method,
                                   invoice_ids=invoice_ids, instalments=instalments,
                                   waive_penalties_until=date_field("promise_waive_until"))
        elif shortcuts.plan(form.get("promise_date"), today):
            # "3x15/12": three monthly instalments from 15 December, the promised amount split to the cent.
            count, first = shortcuts.plan(form.get("promise_date"), today)
            total = amount_field("promise_amount", required=True)
            instalments = list(zip(shortcuts.monthly(first, count), shortcuts.split(total, count))) if total else []
            promise = PromiseInput(promised_date=None, amount_cents=None, method=method, invoice_ids=invoice_ids,
                                   instalments=instalments, waive_penalties_until=date_field("promise_waive_until"))
        else:
            promise = PromiseInput(promised_date=date_field("promise_date", required=True),
                                   amount_cents=amount_field("promise_amount"),
                                   method=method, invoice_ids=invoice_ids,
                                   waive_penalties_until=date_field("promise_waive_until"))

    motives = []
    if contact and form.get("motive_on"):
        for i in range(1, MOTIVE_ROWS + 1):
            code = form.get(f"motive_{i}_code", "").strip()
            if not code:
                continue
            motives.append(MotiveInput(
                invoice_ids=parse_ids(form.getlist(f"motive_{i}_invoices")),
                motive_code=code,
                details=form.get(f"motive_{i}_details", "").strip() or None,
                documents_requested=form.get(f"motive_{i}_documents", "").strip() or None,
                disputed_amount_cents=amount_field(f"motive_{i}_disputed"),
                proceedings_opened_on=date_field(f"motive_{i}_opened"),
            ))
        if not motives:
            errors["motive_1_code"] = _l("Choose a motive.")

    callback = None
    if form.get("callback_on"):
        when = date_field("callback_date")
        try:
            at = shortcuts.clock_time(form.get("callback_time"))
        except ValueError:
            at = None
        if when is None and at is not None and "callback_date" not in errors:
            # No date: the next time it is that hour (today if still to come, else tomorrow).
            now_here = clock.now().astimezone(PARIS)
            when = today if (today > now_here.date() or at > now_here.time()) else today + timedelta(days=1)
        if at is None:
            errors["callback_time"] = _l("Enter a time as hh:mm (or 10, 1430).")
        if when and at:
            callback = CallbackInput(due_at=datetime.combine(when, at, PARIS),
                                     personal=form.get("callback_scope", "personal") != "team",
                                     note=form.get("callback_note", "").strip() or None)

    already_paid = None
    if contact and form.get("paid_on"):
        paid_on = date_field("paid_date", required=True)
        method = method_field("paid_method")
        if paid_on and method:
            already_paid = AlreadyPaidInput(paid_on=paid_on, method=method,
                                            invoice_ids=parse_ids(form.getlist("paid_invoices")))

    if errors:
        return ParsedOutcome(errors=errors)
    return ParsedOutcome(outcome=OutcomeInput(
        result=result,
        notes=form.get("notes", "").strip() or None,
        promise=promise,
        motives=motives,
        callback=callback,
        already_paid=already_paid,
        new_phone=(form.get("new_phone", "").strip() or None) if choice == "wrong_number" else None,
        phone_dialled=form.get("phone_dialled") or None,
        started_at=started_at,
        dial_ms=_offset(form.get("dial_ms")), hang_up_ms=_offset(form.get("hang_up_ms")),
        request_key=request_key(form.get("request_key")),
        refused=choice == "refusal",
    ))
