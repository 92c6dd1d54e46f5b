"""Check every row of a mapped grid: accept it as an invoice of a debtor account, or reject it with a reason.

Nothing is written here; ``loading`` writes what this module accepted.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import phonenumbers

from ..errors import N_
from ..money import decimal_string
from . import columns, parsing
from ..payment_terms import PaymentTerms
from .header import is_blank, is_heading, is_total, total_kind
from .parsing import Unreadable, text


@dataclass
class Rejection:
    row: int            # 1-based row number in the file
    column: str | None
    reason: str         # already in the reader's language
    raw: list
    duplicate: bool = False
    # What the row named, when it could be read: an update file never takes such an invoice as paid.
    number: str | None = None
    debtor_key: str | None = None


@dataclass
class _Seen:
    """The first row of an invoice, where its record sits, and the outstanding each of its lines gave."""
    row: int
    index: int
    raw: list
    outs: list


def _merge_line(invoices: list, seen: _Seen, amount: int | None, outstanding: int, from_balance: bool) -> None:
    """Fold one more line into its invoice: amounts add up; the outstanding is the balance the lines repeat
    (a balance column), else the sum of the line totals."""
    key, number, inv_date, due, first_amount, _out, cur, row = invoices[seen.index]
    seen.outs.append(outstanding)
    if amount is not None:
        first_amount = (first_amount or 0) + amount
    repeated = from_balance and all(o == seen.outs[0] for o in seen.outs)
    invoices[seen.index] = (key, number, inv_date, due, first_amount, seen.outs[0] if repeated else sum(seen.outs),
                            cur, row)


@dataclass
class DebtorDraft:
    key: str
    customer_code: str | None = None
    company_name: str | None = None
    siren: str | None = None
    contacts: list = field(default_factory=list)
    emails: list = field(default_factory=list)
    phones: dict = field(default_factory=dict)   # e164 or raw -> (raw, e164, label, kind)
    segment: str | None = None
    comment: str | None = None
    total_cents: int = 0
    open_count: int = 0
    oldest_due: date | None = None
    numbers: dict = field(default_factory=dict)  # invoice number -> _Seen


@dataclass
class FileTotals:
    """The file's own total lines, compared with the rows above them (accepted and rejected alike)."""
    grand_total: int | None = None          # cents, from a grand-total line
    grand_row: int | None = None
    rows_cents: int = 0                     # every invoice row's amount that could be read
    unreadable_rows: list[int] = field(default_factory=list)   # rejected rows whose amount could not be read
    subtotals: list[tuple[int, int, int]] = field(default_factory=list)   # (row, file cents, rows' cents)
    outside_rows: list[int] = field(default_factory=list)  # rows below the last subtotal, in none of them
    _section: int = 0
    _section_rows: list[int] = field(default_factory=list)

    @property
    def difference(self) -> int | None:
        """The grand total minus the rows' amounts; None when the file has no grand total."""
        return None if self.grand_total is None else self.grand_total - self.rows_cents

    @property
    def subtotals_off(self) -> list[tuple[int, int, int]]:
        return [s for s in self.subtotals if s[1] != s[2]]

    def as_dict(self) -> dict:
        return {"file_total": None if self.grand_total is None else decimal_string(self.grand_total),
                "rows_total": decimal_string(self.rows_cents),
                "difference": None if self.difference is None else decimal_string(self.difference),
                "unreadable_rows": self.unreadable_rows[:50], "rows_outside_subtotals": self.outside_rows[:50],
                "subtotals_checked": len(self.subtotals),
                "subtotals_off": [{"row": r, "file": decimal_string(f), "rows": decimal_string(c)}
                                  for r, f, c in self.subtotals_off[:50]]}

    def as_record(self) -> dict:
        """The same in cents, kept with the batch's quality."""
        return {"file_total_cents": self.grand_total, "rows_cents": self.rows_cents,
                "difference_cents": self.difference, "unreadable_rows": self.unreadable_rows[:50],
                "rows_outside_subtotals": self.outside_rows[:50],
                "subtotals_checked": len(self.subtotals), "subtotals_off": [list(s) for s in self.subtotals_off[:50]]}

    def add_row(self, cents: int | None, row: int) -> None:
        self._section_rows.append(row)
        if cents is None:
            self.unreadable_rows.append(row)
            return
        self.rows_cents += cents
        self._section += cents

    def add_total(self, kind: str, cents: int | None, row: int) -> None:
        if cents is None:
            return
        if kind == "grand":
            self.grand_total, self.grand_row = cents, row
            if self.subtotals:
                self.outside_rows = list(self._section_rows)
        else:
            self.subtotals.append((row, cents, self._section))
        self._section, self._section_rows = 0, []


@dataclass
class CheckResult:
    header: list[str]
    rows_read: int = 0
    accepted: int = 0
    skipped: int = 0
    rejections: list[Rejection] = field(default_factory=list)
    debtors: dict[str, DebtorDraft] = field(default_factory=dict)
    # (debtor key, number, invoice date, due date, amount cents, outstanding cents, currency, source row)
    invoices: list[tuple] = field(default_factory=list)
    currency: str = "EUR"
    totals: "FileTotals" = None
    lines_merged: int = 0                                   # rows that were further lines of an invoice
    settled: list = field(default_factory=list)             # (row, "settled" | "not_issued"): not loaded
    estimated_rows: set = field(default_factory=set)        # rows whose due date was estimated
    owners: dict = field(default_factory=dict)              # invoice number -> first row (any customer)

    def __post_init__(self):
        if self.totals is None:
            self.totals = FileTotals()

    @property
    def rejected(self) -> int:
        return len(self.rejections)

    @property
    def total_outstanding_cents(self) -> int:
        return sum(d.total_cents for d in self.debtors.values())

    def quality(self) -> dict:
        """Shares of debtors without a valid phone, without an email; duplicate rows."""
        n = len(self.debtors) or 1
        no_phone = sum(1 for d in self.debtors.values() if not any(p[1] for p in d.phones.values()))
        no_email = sum(1 for d in self.debtors.values() if not d.emails)
        duplicates = sum(1 for r in self.rejections if r.duplicate)
        return {"debtors_without_phone": no_phone, "debtors_without_email": no_email,
                "share_without_phone": round(no_phone / n, 4), "share_without_email": round(no_email / n, 4),
                "duplicates": duplicates}

    def as_dict(self) -> dict:
        return {"rows_read": self.rows_read, "accepted": self.accepted, "rejected": self.rejected,
                "skipped": self.skipped, "settled": sum(1 for _, k in self.settled if k == "settled"),
                "not_issued": sum(1 for _, k in self.settled if k == "not_issued"),
                "debtors": len(self.debtors), "invoices": len(self.invoices),
                "total_outstanding": decimal_string(self.total_outstanding_cents), "currency": self.currency,
                "quality": self.quality(), **self.totals.as_dict(),
                "rejections": [{"row": r.row, "column": r.column, "reason": r.reason} for r in self.rejections]}


def _cents(row, *columns_) -> int | None:
    """The first readable amount among these columns of a row (a total line, a rejected row), else None."""
    for i in columns_:
        if i is not None and i < len(row) and text(row[i]):
            try:
                return parsing.amount_cents(row[i])
            except Unreadable:
                return None
    return None


# A status column saying the invoice is no longer owed (settled) or was never issued.
_SETTLED_WORDS = {"payee", "paye", "paid", "soldee", "solde", "reglee", "regle", "lettree", "lettre", "closed",
                  "clos", "close", "cloturee", "in payment", "en paiement", "fully paid", "settled", "acquittee"}
_NOT_ISSUED_WORDS = {"void", "voided", "annulee", "annule", "cancelled", "canceled", "draft", "brouillon",
                     "abandonnee", "deleted"}
_YES = {"1", "oui", "yes", "true", "vrai", "o", "y", "x"}
_NO = {"0", "non", "no", "false", "faux", "n"}


def settled_kind(header: str, value: str) -> str | None:
    """"settled" or "not_issued" when a status cell says the invoice is not owed, else None (open)."""
    word = parsing.normalise_name(value) if value else ""
    if not word:
        return None
    flag = parsing.normalise_name(header)
    if flag in ("is open", "isopen", "open"):
        return "settled" if word in _NO else None
    if flag in ("paye", "is paid", "payee", "paid"):
        return "settled" if word in _YES else None
    if word in _NOT_ISSUED_WORDS:
        return "not_issued"
    if word in _SETTLED_WORDS:
        return "settled"
    return None


MSG_AMOUNT = N_("unreadable amount: “{value}”")
MSG_DUE = N_("invalid due date: {value}")
MSG_DUE_MISSING = N_("missing due date, and no invoice date to estimate it from")
MSG_DATE = N_("invalid invoice date: {value}")
MSG_NUMBER = N_("missing invoice number")
MSG_IDENTITY = N_("missing customer code and company name")
MSG_DUPLICATE = N_("duplicate invoice number (row {row})")
MSG_OTHER_CUSTOMER = N_("invoice number already used by another customer (row {row})")
MSG_AMOUNT_MISSING = N_("missing amount")


def field_columns(header: list[str], mapping: dict) -> dict[str, list[int]]:
    """{field: [column index, ...]} for a mapping of field -> column names."""
    index = {name: i for i, name in enumerate(header)}
    return {f: [index[c] for c in cols if c in index] for f, cols in mapping.items()}


_NATIONAL = re.compile(r"[\s.\-/()\u00a0]")


class _Phones:
    """phonenumbers with a cache: the same number appears on every invoice of a debtor."""

    def __init__(self, region: str = "FR"):
        self.region, self.cache, self.prefixes = region, {}, {}

    def parse(self, raw: str) -> tuple[str | None, str | None]:
        if raw in self.cache:
            return self.cache[raw]
        digits = _NATIONAL.sub("", raw)
        if self.region == "FR" and len(digits) == 10 and digits[0] == "0" and digits[1] != "0" and digits.isdigit():
            # French national numbers: validity and type depend only on the first digits in phonenumbers'
            # metadata, so one full parse per 4-digit prefix decides for every number sharing it.
            prefix = digits[:5]
            if prefix not in self.prefixes:
                valid, _, kind = self._parse(digits)
                self.prefixes[prefix] = (True, kind) if valid else None
            decided = self.prefixes[prefix]
            answer = ("+33" + digits[1:], decided[1]) if decided else (None, None)
            self.cache[raw] = answer
            return answer
        answer = self._parse(raw)[1:]
        answer = (answer[0], answer[1]) if answer[0] else (None, None)
        self.cache[raw] = answer
        return answer

    def _parse(self, raw: str) -> tuple[bool, str | None, str | None]:
        e164 = kind = None
        try:
            number = phonenumbers.parse(raw, self.region)
            if phonenumbers.is_valid_number(number):
                e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
                t = phonenumbers.number_type(number)
                kind = "mobile" if t in (phonenumbers.PhoneNumberType.MOBILE,) else (
                    "landline" if t == phonenumbers.PhoneNumberType.FIXED_LINE else "other")
        except phonenumbers.NumberParseException:
            pass
        return e164 is not None, e164, kind


def check(rows: list, header_index: int, mapping: dict, currency: str = "EUR",
          translate=lambda s: s, more=(), month_first: tuple[bool, bool] | None = None,
          terms: PaymentTerms | None = None) -> CheckResult:
    """Accept or reject every row under the header; group accepted invoices into debtor accounts.

    ``more`` yields further (first row number, rows) chunks of a large file, checked with the same state;
    ``month_first`` then gives the (due date, invoice date) columns' order decided on the whole file.
    """
    header = [text(c) for c in rows[header_index]]
    cols = field_columns(header, mapping)
    result = CheckResult(header=header, currency=currency)
    terms = terms or PaymentTerms()
    tr = {m: translate(m) for m in (MSG_AMOUNT, MSG_DUE, MSG_DUE_MISSING, MSG_DATE, MSG_NUMBER, MSG_IDENTITY,
                                    MSG_DUPLICATE, MSG_OTHER_CUSTOMER, MSG_AMOUNT_MISSING)}

    def one(f):
        c = cols.get(f) or []
        return c[0] if c else None

    i_code, i_name, i_siren = one("customer_code"), one("company_name"), one("siren")
    i_number, i_date, i_due = one("invoice_number"), one("invoice_date"), one("due_date")
    i_amount, i_out, i_cur = one("amount"), one("outstanding"), one("currency")
    i_contact, i_email, i_seg, i_comment = one("contact_name"), one("email"), one("segment"), one("comment")
    i_status = one("status")
    phone_cols = [(i, header[i]) for i in cols.get("phone", [])]
    width = len(header)
    phones = _Phones()
    order = month_first

    def feed(data: list, first_row: int) -> None:
        debtors = result.debtors
        owners = result.owners
        invoices = result.invoices
        rejections = result.rejections
        totals = result.totals
        data = [row if len(row) >= width else list(row) + [""] * (width - len(row)) for row in data]
        n = len(data)

        def column(i):
            return columns.texts([r[i] for r in data]) if i is not None else None

        t_code, t_name, t_number = column(i_code), column(i_name), column(i_number)
        t_out, t_amount, t_due, t_date = column(i_out), column(i_amount), column(i_due), column(i_date)
        us_due = order[0] if order else (t_due is not None and columns.month_first(t_due))
        us_date = order[1] if order else (t_date is not None and columns.month_first(t_date))
        t_contact, t_email = column(i_contact), column(i_email)
        t_phones = [(column(i), label) for i, label in phone_cols]
        fast_out = columns.amounts([r[i_out] for r in data], t_out) if i_out is not None else None
        fast_amount = columns.amounts([r[i_amount] for r in data], t_amount) if i_amount is not None else None
        fast_due = columns.dates([r[i_due] for r in data], t_due, us_due) if i_due is not None else None
        fast_date = columns.dates([r[i_date] for r in data], t_date, us_date) if i_date is not None else None

        for offset in range(n):
            row = data[offset]
            row_number = first_row + offset
            code = t_code[offset] if t_code is not None else ""
            name = t_name[offset] if t_name is not None else ""
            number = t_number[offset] if t_number is not None else ""
            if not number and not code and not name and (is_blank(row) or is_heading(row)):
                result.skipped += 1
                continue
            if not number and is_total(row):
                result.skipped += 1
                totals.add_total(total_kind(row), _cents(row, i_out, i_amount), row_number)
                continue

            def reject(column_index, message, **params):
                totals.add_row(_cents(row, i_out, i_amount), row_number)
                rejections.append(Rejection(row_number, header[column_index] if column_index is not None else None,
                                            tr[message].format(**params), [text(c) for c in row],
                                            number=number[:80] or None, debtor_key=rough_key))

            rough_key = f"code:{code}" if code else (f"name:{parsing.normalise_name(name)}" if name else None)
            if i_status is not None:
                kind = settled_kind(header[i_status], text(row[i_status]))
                if kind:                  # paid or never issued: counted and listed, never called about
                    result.settled.append((row_number, kind))
                    continue
            if not code and not name:
                reject(i_code if i_code is not None else i_name, MSG_IDENTITY)
                continue
            if not number:
                reject(i_number, MSG_NUMBER)
                continue
            use_out = i_out is not None and t_out[offset] != ""
            if not use_out and (i_amount is None or t_amount[offset] == ""):
                reject(i_out if i_out is not None else i_amount, MSG_AMOUNT_MISSING)
                continue
            source, fast, texts_ = (i_out, fast_out, t_out) if use_out else (i_amount, fast_amount, t_amount)
            outstanding = fast[offset]
            if outstanding is None:
                try:
                    outstanding = parsing.amount_cents(row[source])
                except Unreadable:
                    reject(source, MSG_AMOUNT, value=texts_[offset])
                    continue
            amount = None
            if i_amount is not None and t_amount[offset] != "":
                amount = fast_amount[offset]
                if amount is None:
                    try:
                        amount = parsing.amount_cents(row[i_amount])
                    except Unreadable:
                        reject(i_amount, MSG_AMOUNT, value=t_amount[offset])
                        continue
            invoice_date = None
            if i_date is not None and t_date[offset] != "":
                invoice_date = fast_date[offset]
                if invoice_date is None:
                    try:
                        invoice_date = parsing.parse_date(row[i_date], us_date)
                    except Unreadable:
                        reject(i_date, MSG_DATE, value=t_date[offset])
                        continue
            estimated = t_due is None or t_due[offset] == ""
            if estimated:
                if invoice_date is None:   # nothing to estimate it from
                    reject(i_due if i_due is not None else i_date, MSG_DUE_MISSING)
                    continue
                due = terms.due_date(invoice_date)
            else:
                due = fast_due[offset]
                if due is None:
                    try:
                        due = parsing.parse_date(row[i_due], us_due)
                    except Unreadable:
                        reject(i_due, MSG_DUE, value=t_due[offset])
                        continue
            if code:
                key, siren = f"code:{code}", None
            else:
                siren = parsing.siren(row[i_siren]) if i_siren is not None else None
                key = f"siren:{siren}" if siren else f"name:{parsing.normalise_name(name)}"
            debtor = debtors.get(key)
            if debtor is None:
                debtor = debtors[key] = DebtorDraft(key=key, customer_code=code or None)
                if i_siren is not None:
                    debtor.siren = siren or parsing.siren(row[i_siren])
            elif number in debtor.numbers:
                raw = [text(c) for c in row]
                seen = debtor.numbers[number]
                if raw == seen.raw:      # the same row twice: a duplicate
                    totals.add_row(outstanding, row_number)
                    rejections.append(Rejection(row_number, header[i_number],
                                                tr[MSG_DUPLICATE].format(row=seen.row), raw, duplicate=True))
                    continue
                # Another line of the same invoice (one row per invoice line): one invoice.
                before = invoices[seen.index][5]
                _merge_line(invoices, seen, amount, outstanding, use_out)
                change = invoices[seen.index][5] - before
                debtor.total_cents += change
                totals.add_row(change, row_number)
                result.lines_merged += 1
                result.accepted += 1
                continue
            other = owners.get(number)
            if other is not None:        # the same number under another customer: a duplicate, not a line
                totals.add_row(outstanding, row_number)
                rejections.append(Rejection(row_number, header[i_number],
                                            tr[MSG_OTHER_CUSTOMER].format(row=other), [text(c) for c in row],
                                            duplicate=True))
                continue
            owners[number] = row_number
            debtor.numbers[number] = _Seen(row_number, len(invoices), [text(c) for c in row], [outstanding])
            if name and not debtor.company_name:
                debtor.company_name = name[:300]
            if i_contact is not None:
                contact = t_contact[offset]
                if contact and contact not in debtor.contacts:
                    debtor.contacts.append(contact)
            if i_email is not None:
                email = t_email[offset]
                if email and email not in debtor.emails:
                    debtor.emails.append(email)
            if i_seg is not None and not debtor.segment:
                debtor.segment = text(row[i_seg])[:80] or None
            if i_comment is not None and not debtor.comment:
                debtor.comment = text(row[i_comment]) or None
            for t_phone, label in t_phones:
                raw = t_phone[offset]
                if raw and raw not in debtor.phones:
                    e164, kind = phones.parse(raw)
                    if e164 and any(p[1] == e164 for p in debtor.phones.values()):
                        continue
                    debtor.phones[raw] = (raw[:60], e164, label[:80], kind)
            debtor.total_cents += outstanding
            if outstanding > 0:
                debtor.open_count += 1
                if debtor.oldest_due is None or due < debtor.oldest_due:
                    debtor.oldest_due = due
            cur = (text(row[i_cur]).upper()[:3] if i_cur is not None else "") or currency
            invoices.append((key, number[:80], invoice_date, due, amount, outstanding, cur, row_number))
            if estimated:
                result.estimated_rows.add(row_number)
            totals.add_row(outstanding, row_number)
            result.accepted += 1
        result.rows_read += n

    feed(rows[header_index + 1:], header_index + 2)
    for first_row, chunk in more:
        feed(chunk, first_row)
    return result
