"""Which column holds which field, how sure we are and why: the plan the mapping page shows and the CLI checks.

A header name proposes a field (``mapping.field_for_header``); the column's contents, profiled on the first
rows, confirm it or not. A choice the contents do not confirm, two columns equally fit for one field, or a
guess from contents alone that could be something else, is *uncertain*: the mapping page asks the manager to
confirm it and the command line refuses it, naming the ``--map`` that settles it.

A client's remembered mapping comes first: a column renamed since (same normalised name, or the only new
column with the same kind of values) keeps its field, and the plan lists what changed since that file.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .. import phones
from ..errors import N_
from . import mapping as names
from .parsing import Unreadable, amount_cents, parse_date

PROFILE_ROWS = 2_000            # rows each column is profiled on
CONFIRMED = 0.5                 # share of a column's values that must fit the field its header names
KIND = 0.8                      # share of a column's values that makes them of one kind
_TEXT_DATE = re.compile(r"^\d{1,2} [A-Za-zéû]{3,9}\.? \d{4}$")   # 15 Oct 2026, 3 janv. 2026
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.I)
_PHONE = re.compile(r"^\+?[\d .()\-\u00a0]{9,}$")
_CURRENCY = re.compile(r"^[A-Za-z]{3}$")

# Why a column got its field (English; translated where shown). {share} is a percentage, {column} a header.
R_REMEMBERED = N_("as in this client's last file")
R_RENAMED = N_("called “{old}” in this client's last file")
R_SAME_VALUES = N_("“{old}” of this client's last file is gone; this column holds the same kind of values")
R_HEADER = N_("its header says so")
R_DATES = N_("its header says so, and {share} of its values are dates")
R_AMOUNTS = N_("its header says so, and {share} of its values are amounts")
R_PHONES = N_("its header says so, and {share} of its values are phone numbers")
R_EMAILS = N_("its header says so, and {share} of its values are e-mail addresses")
R_UNIQUE = N_("its header says so, and each row has its own value")
R_SHARED = N_("its header says so, and a customer's rows share one value")
R_NOT_DATES = N_("its header says so, but only {share} of its values are dates")
R_NOT_AMOUNTS = N_("its header says so, but only {share} of its values are amounts")
R_EMPTY = N_("its header says so, but it is empty in the first {rows} rows")
R_TIE = N_("two columns could hold it: {columns}")
R_DATES_NOT_NUMBER = N_("its values are dates: an invoice number is not a date")
R_BEST_OF = N_("its header says so, and it fits better than {columns}")
R_CONTENT_EMAILS = N_("{share} of its values are e-mail addresses")
R_CONTENT_PHONES = N_("{share} of its values are written as phone numbers")
R_BARE_NUMBERS = N_("{share} of its values could be phone numbers, but they are bare runs of digits: customer "
                    "numbers, perhaps")
R_DATE_OF_AMOUNTS = N_("its header names a date, but {share} of its values are amounts: what is due")
R_CONTACT_IS_CUSTOMER = N_("no customer column: the contact is the customer")
R_CODE_OF_NAMES = N_("its header names a code, but {share} of its values are names")
R_CODE_OF_NUMBERS = N_("its header names the customer, but its values are numbers: the customer number")
R_SECOND_AMOUNT = N_("a second amount column: taken as what is left to pay")

# What changed since the client's last file.
C_RENAMED = N_("“{old}” is now “{new}”")
C_GONE = N_("“{old}” is no longer in the file")
C_ADDED = N_("new column “{new}”")
C_MOVED = N_("the columns are in another order")

_SURE_FIELDS = {"contact_name", "segment", "comment", "status", "siren", "currency"}
_REQUIRED = {"customer_code", "company_name", "invoice_number", "amount", "outstanding", "due_date", "invoice_date",
             "paid_amount", "payment_date"}


@dataclass(frozen=True)
class Profile:
    """What a column's first rows hold: how many values, how many distinct, and the share of each kind."""
    filled: int = 0
    distinct: int = 0
    dates: float = 0.0
    amounts: float = 0.0          # amounts that are not also dates
    phones: float = 0.0           # valid phone numbers (bare digits included)
    written_phones: float = 0.0   # written the way phone numbers are (+33 1…, (212) 555-…)
    emails: float = 0.0
    names: float = 0.0            # words with letters and a space
    digits: float = 0.0           # bare runs of digits
    currencies: float = 0.0

    @property
    def kind(self) -> str:
        """One word for the values, to match a column with one of an earlier file."""
        if not self.filled:
            return "empty"
        for kind in ("emails", "dates", "phones", "amounts", "names"):
            if getattr(self, kind) >= KIND:
                return kind
        return "text"


def _is_date(value: str) -> bool:
    for month_first in (False, True):     # 12/25/2026 is a date too (a US export, told apart by the whole column)
        try:
            parse_date(value, month_first)
            return True
        except Unreadable:
            continue
    return bool(_TEXT_DATE.match(value))


def _is_amount(value: str) -> bool:
    try:
        amount_cents(value)
    except Unreadable:
        return False
    return not _is_date(value)


def _is_phone(value: str, region: str = "FR") -> bool:
    return bool(_PHONE.match(value)) and phones.normalise(value, region)[0] is not None


def profile(values: list[str]) -> Profile:
    values = [v for v in values if v]
    if not values:
        return Profile()
    n = len(values)
    distinct = set(values)

    def share(test) -> float:
        # Decided once per distinct value: a customer's code or phone repeats on each of its rows.
        verdict = {v: test(v) for v in distinct}
        return sum(1 for v in values if verdict[v]) / n

    region = phones.region_of([v for v in distinct if _PHONE.match(v)]) if any(_PHONE.match(v) for v in distinct) \
        else "FR"
    return Profile(filled=n, distinct=len(distinct), dates=share(_is_date), amounts=share(_is_amount),
                   phones=share(lambda v: _is_phone(v, region)),
                   written_phones=share(lambda v: _is_phone(v, region) and phones.written_as_phone(v)),
                   emails=share(lambda v: bool(_EMAIL.match(v))),
                   names=share(lambda v: sum(ch.isalpha() for ch in v) >= 3 and " " in v),
                   digits=share(str.isdigit), currencies=share(lambda v: bool(_CURRENCY.match(v))))


@dataclass
class Choice:
    """The column(s) chosen for one field, whether the contents bear it out, and why."""
    field: str
    columns: list[str]
    sure: bool
    reason: str
    params: dict = field(default_factory=dict)


@dataclass
class Change:
    message: str
    params: dict = field(default_factory=dict)


@dataclass
class ColumnPlan:
    choices: dict[str, Choice] = field(default_factory=dict)
    changes: list[Change] = field(default_factory=list)     # since the client's last file
    profiles: dict[str, Profile] = field(default_factory=dict)

    def mapping(self) -> dict[str, list[str]]:
        return {f: list(c.columns) for f, c in self.choices.items() if c.columns}

    def uncertain(self) -> list[Choice]:
        return [c for c in self.choices.values() if not c.sure]

    def choice_of(self, column: str) -> Choice | None:
        return next((c for c in self.choices.values() if column in c.columns), None)

    def remember(self, headers: list[str]) -> list[dict]:
        """The file's columns as a client's memory keeps them: name and kind of values."""
        return [{"name": h, "kind": self.profiles[h].kind if h in self.profiles else "empty"} for h in headers]

    def _set(self, f: str, cols: list[str], sure: bool, reason: str, **params) -> None:
        self.choices[f] = Choice(f, cols, sure, reason, params)

    def _drop(self, f: str) -> None:
        self.choices.pop(f, None)


def _pct(share: float) -> str:
    return f"{round(share * 100)} %"


def _column_values(headers: list[str], samples: list[list[str]]) -> dict[str, list[str]]:
    return {h: [row[i] for row in samples if i < len(row) and row[i]] for i, h in enumerate(headers) if h}


def invoice_number_rank(header: str) -> int:
    """How plainly a header names the invoice number: 3 says "invoice", 2 a document or piece number, 1 an
    internal id or a free reference."""
    n = names.norm(header)
    words = set(n.split())
    if words & {"id", "ids"} and not n.startswith("doc"):
        return 1
    if words & {"facture", "invoice", "bill", "factures", "invoices"} or n in ("document number", "doc id"):
        return 3
    if words & {"ref", "reference"} and not words & {"piece", "document"}:
        return 1
    return 2


def _amount_rank(header: str) -> int:
    """Tax-inclusive amounts before net ones: a debtor owes the TTC."""
    words = set(names.norm(header).split())
    return 0 if words & {"ht", "net", "hors", "excl"} and not words & {"due", "balance"} else 1


def plan(headers: list[str], samples: list[list[str]], remembered: dict | None = None,
         remembered_columns: list[dict] | None = None, payments: bool = False) -> ColumnPlan:
    """The plan for a file whose header is ``headers`` and first rows ``samples`` (cells as text)."""
    values = _column_values(headers, samples[:PROFILE_ROWS])
    result = ColumnPlan(profiles={h: profile(v) for h, v in values.items()})
    fresh = _from_headers(headers, result, payments, len(samples[:PROFILE_ROWS]))
    if remembered:
        _from_memory(headers, result, fresh, remembered, remembered_columns, payments)
    else:
        result.choices = fresh.choices
    return result


def _from_headers(headers: list[str], plan_: ColumnPlan, payments: bool, rows: int) -> ColumnPlan:
    """Choices from header names, confirmed or doubted by the contents, then second thoughts from contents."""
    out = ColumnPlan(profiles=plan_.profiles)
    candidates: dict[str, list[str]] = {}
    for header in headers:
        if not header:
            continue
        f = names.field_for_header(header, payments)
        if f is None and not payments and not names.closed_to_contents(header):
            _by_contents(out, header, plan_.profiles[header])
            continue
        if f is not None:
            candidates.setdefault(f, []).append(header)
    for f, columns in candidates.items():
        _choose(out, f, columns, rows)
    if not payments:
        _second_thoughts(out, headers, candidates)
    return out


def _by_contents(out: ColumnPlan, header: str, p: Profile) -> None:
    """A column whose header names nothing: an e-mail or a phone column, told by its values alone."""
    if p.emails > 0.5 and "email" not in out.choices:
        out._set("email", [header], p.emails >= 0.9, R_CONTENT_EMAILS, share=_pct(p.emails))
    elif p.phones > 0.5:
        # Bare 10-digit runs are as likely customer numbers with a leading zero: asked, never assumed.
        written = p.written_phones / p.phones
        sure = written >= 0.5 and p.phones >= 0.9
        reason, share = (R_CONTENT_PHONES, p.written_phones) if written >= 0.5 else (R_BARE_NUMBERS, p.phones)
        if "phone" in out.choices:
            out.choices["phone"].columns.append(header)
            out.choices["phone"].sure &= sure
        else:
            out._set("phone", [header], sure, reason, share=_pct(share))


def _confirm(out: ColumnPlan, f: str, column: str, rows: int, **extra) -> None:
    """One column for one field, sure when its contents fit the field."""
    p = out.profiles.get(column, Profile())
    if not p.filled:
        out._set(f, [column], f not in _REQUIRED, R_EMPTY if f in _REQUIRED else R_HEADER, rows=rows)
    elif f in ("due_date", "invoice_date", "payment_date"):
        out._set(f, [column], p.dates >= CONFIRMED, R_DATES if p.dates >= CONFIRMED else R_NOT_DATES,
                 share=_pct(p.dates))
    elif f in ("amount", "outstanding", "paid_amount"):
        out._set(f, [column], p.amounts >= CONFIRMED, R_AMOUNTS if p.amounts >= CONFIRMED else R_NOT_AMOUNTS,
                 share=_pct(p.amounts))
    elif f == "email":
        out._set(f, [column], True, R_EMAILS if p.emails >= 0.5 else R_HEADER, share=_pct(p.emails))
    elif f == "invoice_number" and p.dates >= 0.5:
        out._set(f, [column], False, R_DATES_NOT_NUMBER)
    elif f == "invoice_number" and p.distinct == p.filled:
        out._set(f, [column], True, R_UNIQUE)
    elif f == "customer_code" and p.distinct < p.filled:
        out._set(f, [column], True, R_SHARED)
    else:
        out._set(f, [column], True, R_HEADER)
    if extra:
        out.choices[f].params.update(extra)


def _choose(out: ColumnPlan, f: str, columns: list[str], rows: int) -> None:
    profiles = out.profiles
    if f == "address":      # street lines, postal code, city: one address
        out._set(f, columns, True, R_HEADER)
        return
    if f in names.MULTI:
        out._set(f, columns, True, R_PHONES, share=_pct(min(profiles[c].phones for c in columns)))
        for c in columns:
            if profiles[c].filled and profiles[c].phones < 0.5:
                out.choices[f].sure = False
                out.choices[f].reason, out.choices[f].params = R_HEADER, {}
        return
    if f == "invoice_number":
        # A date column is never an invoice number; then the plainest name, then one value per row.
        fit = [c for c in columns if profiles[c].dates < 0.5] or columns
        scored = sorted(fit, key=lambda c: (-invoice_number_rank(c), -(profiles[c].distinct / max(profiles[c].filled, 1))))
        best = scored[0]
        ties = [c for c in scored if invoice_number_rank(c) == invoice_number_rank(best)
                and profiles[c].filled and profiles[c].distinct == profiles[c].filled]
        if len(ties) > 1 and profiles[best].distinct == profiles[best].filled:
            out._set(f, [best], False, R_TIE, columns=ties)
            return
        _confirm(out, f, best, rows)
        return
    if f == "customer_code" and len(columns) > 1:
        # Shared by a customer's rows, not names.
        columns = sorted(columns, key=lambda c: (profiles[c].names > 0.5, profiles[c].distinct == profiles[c].filled))
    if f == "amount":
        columns = sorted(columns, key=lambda c: -_amount_rank(c))
        if len(columns) > 1 and "outstanding" not in out.choices and _amount_rank(columns[1]):  # never a net amount
            _confirm(out, "outstanding", columns[1], rows)
            out.choices["outstanding"].reason = R_SECOND_AMOUNT
    _confirm(out, f, columns[0], rows)


def _second_thoughts(out: ColumnPlan, headers: list[str], candidates: dict[str, list[str]]) -> None:
    """Where a header alone misleads, the rows decide.

    - A "date" column holding amounts is an amount (Xero's "Due" is what is due, not when).
    - No customer column but a contact one: the contact is the customer (Xero's "Contact").
    - A customer "code" column holding names, with no name column, is the name (QuickBooks' "Customer").
    - A customer "name" column holding bare numbers, with no code column, is the customer number.
    - A "status" column of amounts is a paid amount, not a status.
    """
    profiles, choices = out.profiles, out.choices
    for f in ("due_date", "invoice_date"):
        choice = choices.get(f)
        if choice and profiles[choice.columns[0]].dates < 0.5 <= profiles[choice.columns[0]].amounts:
            column = choice.columns[0]
            out._drop(f)
            target = "outstanding" if "outstanding" not in choices else "amount"
            if target not in choices:
                out._set(target, [column], True, R_DATE_OF_AMOUNTS, share=_pct(profiles[column].amounts))
            for other in candidates.get(f, [])[1:]:     # the next column of that name is the date
                if profiles[other].dates >= 0.5:
                    _confirm(out, f, other, 0)
                    break
    if "outstanding" not in choices:
        used = {c for ch in choices.values() for c in ch.columns}
        for column in candidates.get("due_date", []):   # "Due" beside "Due Date": what is due, by its amounts
            if column not in used and profiles[column].amounts > 0.5:
                out._set("outstanding", [column], True, R_DATE_OF_AMOUNTS, share=_pct(profiles[column].amounts))
                break
    if "customer_code" not in choices and "company_name" not in choices and "contact_name" in choices:
        out._set("company_name", choices.pop("contact_name").columns, True, R_CONTACT_IS_CUSTOMER)
    status = choices.get("status")
    if status:
        p = profiles[status.columns[0]]
        if p.amounts > 0.5 and p.distinct > 2:
            out._drop("status")
    if "company_name" not in choices and "customer_code" in choices:
        for column in candidates.get("customer_code", []):   # "Customer" (names) beside "Customer ID"
            if column not in choices["customer_code"].columns and profiles[column].names > 0.5:
                out._set("company_name", [column], True, R_CODE_OF_NAMES, share=_pct(profiles[column].names))
                break
    code = choices.get("customer_code")
    if code and "company_name" not in choices and profiles[code.columns[0]].names > 0.5:
        out._set("company_name", choices.pop("customer_code").columns, True, R_CODE_OF_NAMES,
                 share=_pct(profiles[code.columns[0]].names))
    name = choices.get("company_name")
    if name and "customer_code" not in choices and profiles[name.columns[0]].digits >= KIND:
        out._set("customer_code", choices.pop("company_name").columns, True, R_CODE_OF_NUMBERS)
    phone = choices.get("phone")
    if phone and "customer_code" not in choices and "company_name" not in choices and phone.reason == R_BARE_NUMBERS:
        # No customer column at all, and bare numbers repeated across rows: the customer number, to confirm.
        column = phone.columns[0]
        if profiles[column].distinct < profiles[column].filled:
            out._set("customer_code", [column], False, R_BARE_NUMBERS, **phone.params)
            phone.columns.remove(column)
            if not phone.columns:
                out._drop("phone")


def _from_memory(headers: list[str], out: ColumnPlan, fresh: ColumnPlan, remembered: dict,
                 remembered_columns: list[dict] | None, payments: bool) -> None:
    """The client's last mapping, carried over renamed and reordered columns; new columns from their names."""
    fields = names.fields_for(payments)
    present = set(headers)
    by_norm = {names.norm(h): h for h in headers if h}
    known_before = {c["name"] for c in remembered_columns or []}
    kinds_before = {c["name"]: c.get("kind") for c in remembered_columns or []}
    used: set[str] = set()
    for f, columns in remembered.items():
        if f not in fields:
            continue
        kept = []
        for old in columns:
            if old in present:
                kept.append(old)
                used.add(old)
                continue
            new = by_norm.get(names.norm(old))
            if new and new not in used and new not in known_before:
                kept.append(new)
                used.add(new)
                out.changes.append(Change(C_RENAMED, {"old": old, "new": new}))
                out._set(f, [], True, R_RENAMED, old=old)
                continue
            same = [h for h in headers if h and h not in used and h not in known_before
                    and out.profiles[h].kind == kinds_before.get(old)
                    and out.profiles[h].kind not in ("empty", "text")]
            if len(same) == 1:
                kept.append(same[0])
                used.add(same[0])
                out.changes.append(Change(C_RENAMED, {"old": old, "new": same[0]}))
                out._set(f, [], False, R_SAME_VALUES, old=old)
                continue
            out.changes.append(Change(C_GONE, {"old": old}))
        if kept:
            previous = out.choices.get(f)
            out._set(f, kept, previous.sure if previous else True,
                     previous.reason if previous else R_REMEMBERED, **(previous.params if previous else {}))
        elif f in fresh.choices and not set(fresh.choices[f].columns) & used:
            out.choices[f] = fresh.choices[f]
            used.update(fresh.choices[f].columns)
    if remembered_columns:
        for h in headers:
            if h and h not in known_before and h not in used:
                out.changes.append(Change(C_ADDED, {"new": h}))
                fresh_choice = fresh.choice_of(h)
                if fresh_choice and fresh_choice.field not in out.choices:
                    out.choices[fresh_choice.field] = Choice(fresh_choice.field, [h], fresh_choice.sure,
                                                             fresh_choice.reason, dict(fresh_choice.params))
        renamed = {c.params["new"]: c.params["old"] for c in out.changes if c.message == C_RENAMED}
        now = [renamed.get(h, h) for h in headers if h in known_before or h in renamed]
        before = [c["name"] for c in remembered_columns if c["name"] in now]
        if before != now:
            out.changes.append(Change(C_MOVED))
