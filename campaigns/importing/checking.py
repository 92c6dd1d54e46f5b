"""Check every row of a mapped grid: accept it as an invoice of a debtor account, or reject it with a reason.

Nothing is written here; ``loading`` writes what this module accepted.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from operator import itemgetter

from .. import currencies, debtor_profile, phones
from ..errors import N_
from ..money import decimal_string
from ..payment_terms import PaymentTerms
from . import columns, customers, parsing
from .header import heading_text, is_blank, is_heading, is_total, total_kind
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


@dataclass(slots=True)       # a million of them in a large file: no per-object dict
class InvoiceDraft:
    """An accepted invoice, before it is written: its lines folded in when the file has one row per line."""
    debtor_key: str
    number: str
    invoice_date: date | None
    due_date: date
    amount_cents: int | None
    outstanding_cents: int
    currency: str
    row: int                                   # the file row of its first line
    due_estimated: bool = False                # no due date in the file: invoice date + payment terms
    fingerprint: int = 0                       # of the first line's cells: the same row again is a duplicate
    lines: list | None = field(default=None, repr=False)  # the outstanding each line gave, from a second line on
    from_balance: bool = True                  # read from a balance column (repeated on each line), not a total

    def add_line(self, amount: int | None, outstanding: int) -> int:
        """Fold one more line in; returns how much the invoice's outstanding changed. Amounts add up; the
        outstanding is the balance the lines repeat (a balance column), else the sum of the line totals."""
        before = self.outstanding_cents
        if self.lines is None:
            self.lines = [before]
        self.lines.append(outstanding)
        if amount is not None:
            self.amount_cents = (self.amount_cents or 0) + amount
        repeated = self.from_balance and all(o == self.lines[0] for o in self.lines)
        self.outstanding_cents = self.lines[0] if repeated else sum(self.lines)
        return self.outstanding_cents - before


@dataclass(slots=True)
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
    siret: str | None = None
    address: str | None = None
    language: str | None = None                  # ISO 639-1; None: the default (French)
    company_size: str | None = None              # debtor_profile.SIZES
    total_cents: int = 0
    open_count: int = 0
    oldest_due: date | None = None
    numbers: dict = field(default_factory=dict)  # invoice number -> InvoiceDraft
    currency: str = currencies.MAIN              # an account holds one currency (currencies.account_key)


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
class Settled:
    """A row saying its invoice is not owed: paid (a status word, a paid flag, a zero balance) or never issued
    (a draft, a voided invoice). Counted and listed, never loaded; in a complete balance, a paid invoice."""
    row: int
    kind: str                      # "settled" | "not_issued"
    debtor_key: str | None = None
    number: str | None = None


@dataclass
class FileWarning:
    """Something the manager should look at before loading, though no row was rejected for it."""
    message: str          # English msgid, {placeholders}
    params: dict = field(default_factory=dict)
    row: int | None = None
    column: str | None = None

    def as_dict(self) -> dict:
        return {"message": self.message, "params": self.params, "row": self.row, "column": self.column}

    def text(self, translate=lambda s: s, money=decimal_string) -> str:
        return said(self.message, self.params, translate, money)


def said(message: str, params: dict, translate=lambda s: s, money=decimal_string) -> str:
    """A warning in words: ``*_cents`` params are money, written by ``money`` under their name without it."""
    plain = {(k[:-6] if k.endswith("_cents") else k): (money(v) if k.endswith("_cents") else v)
             for k, v in params.items()}
    return translate(message).format(**plain)


W_ABOVE_AMOUNT = N_("outstanding {outstanding} above the invoice's amount {amount}")
W_ZERO_AMOUNT = N_("an amount of zero with {outstanding} outstanding")
W_NEGATIVE = N_("negative balance {outstanding}: a credit note or an overpayment")
MAX_WARNINGS = 500   # kept with the batch; the count says how many there were


W_ODD_LINES = N_("Lines not in the file's encoding (UTF-8), read as Windows-1252: {lines}. Check their accents.")


def lines_list(numbers: list[int], limit: int = 20) -> str:
    shown = ", ".join(str(n) for n in numbers[:limit])
    return shown + (" …" if len(numbers) > limit else "")


@dataclass
class CheckResult:
    header: list[str]
    rows_read: int = 0
    accepted: int = 0
    skipped: int = 0
    rejections: list[Rejection] = field(default_factory=list)
    debtors: dict[str, DebtorDraft] = field(default_factory=dict)
    invoices: list[InvoiceDraft] = field(default_factory=list)
    currency: str = "EUR"
    totals: "FileTotals" = None
    lines_merged: int = 0                                   # rows that were further lines of an invoice
    settled: list[Settled] = field(default_factory=list)    # not loaded
    owners: dict = field(default_factory=dict)              # invoice number -> first row (any customer)
    warnings: list[FileWarning] = field(default_factory=list)
    warnings_count: int = 0                                 # all of them (only the first MAX_WARNINGS are kept)
    join: object = None                                     # customers.Join, when a customers table was joined
    ledger: object = None                                   # ledger.LedgerReport, when the file was a ledger

    def __post_init__(self):
        if self.totals is None:
            self.totals = FileTotals()

    def count_settled(self, kind: str) -> int:
        return sum(1 for s in self.settled if s.kind == kind)

    @property
    def estimated(self) -> int:
        """Invoices whose due date was estimated from their invoice date and the payment terms."""
        return sum(1 for inv in self.invoices if inv.due_estimated)

    @property
    def rejected(self) -> int:
        return len(self.rejections)

    @property
    def by_currency(self) -> dict[str, tuple[int, int]]:
        """{currency: (invoices, outstanding cents)}, the main currency first: amounts are never summed across."""
        out = {self.currency: [0, 0]}
        for invoice in self.invoices:
            slot = out.setdefault(invoice.currency, [0, 0])
            slot[0] += 1
            slot[1] += invoice.outstanding_cents
        return {c: tuple(v) for c, v in out.items() if v[0] or c == self.currency}

    @property
    def total_outstanding_cents(self) -> int:
        """The outstanding in the campaign's currency (the others are in ``by_currency``)."""
        return self.by_currency[self.currency][1]

    @property
    def other_currencies(self) -> list[str]:
        return [c for c in self.by_currency if c != self.currency]

    def quality(self) -> dict:
        """Shares of debtors without a valid phone, without an email; duplicate rows."""
        n = len(self.debtors) or 1
        no_phone = sum(1 for d in self.debtors.values() if not any(p[1] for p in d.phones.values()))
        no_email = sum(1 for d in self.debtors.values() if not d.emails)
        duplicates = sum(1 for r in self.rejections if r.duplicate)
        # Accounts in credit (a customer who paid twice, a credit note alone): in the file's total, though
        # there is nothing to collect; the amount placed leaves them apart (campaigns.supervision.figures).
        credit = [d.total_cents for d in self.debtors.values() if d.total_cents < 0]
        return {"debtors_without_phone": no_phone, "debtors_without_email": no_email,
                "share_without_phone": round(no_phone / n, 4), "share_without_email": round(no_email / n, 4),
                "duplicates": duplicates, "credit_debtors": len(credit),
                "credit_cents": sum(credit) if len(self.by_currency) <= 1 else None}

    def as_dict(self) -> dict:
        return {"rows_read": self.rows_read, "accepted": self.accepted, "rejected": self.rejected,
                "skipped": self.skipped, "settled": self.count_settled("settled"),
                "not_issued": self.count_settled("not_issued"),
                "debtors": len(self.debtors), "invoices": len(self.invoices),
                "total_outstanding": decimal_string(self.total_outstanding_cents), "currency": self.currency,
                "currencies": {c: {"invoices": n, "total_outstanding": decimal_string(cents)}
                               for c, (n, cents) in self.by_currency.items()},
                "quality": self.quality(), **self.totals.as_dict(),
                "warnings": [{"row": w.row, "column": w.column, "reason": w.text()} for w in self.warnings],
                "customers": self.join.as_dict() if self.join else None,
                "rejections": [{"row": r.row, "column": r.column, "reason": r.reason} for r in self.rejections]}


def fingerprint(row: list) -> int:
    """A row's cells as one number (not its texts: a million of those would hold most of the memory)."""
    return hash(tuple(row))


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
MSG_DATE_RANGE = N_("implausible date: {value} (before 1990 or more than ten years ahead)")
MSG_CURRENCY = N_("unknown currency: “{value}” (write its ISO code, such as EUR, USD or CAD)")
EARLIEST = date(1990, 1, 1)


def field_columns(header: list[str], mapping: dict) -> dict[str, list[int]]:
    """{field: [column index, ...]} for a mapping of field -> column names."""
    index = {name: i for i, name in enumerate(header)}
    return {f: [index[c] for c in cols if c in index] for f, cols in mapping.items()}


MSG_WIDE = N_("{count} fields instead of {expected}: a separator inside a value that is not in quotes?")
MSG_NARROW = N_("{count} fields instead of {expected}: the line is cut short ({reason})")
_MESSAGES = (MSG_AMOUNT, MSG_DUE, MSG_DUE_MISSING, MSG_DATE, MSG_NUMBER, MSG_IDENTITY, MSG_DUPLICATE,
             MSG_OTHER_CUSTOMER, MSG_AMOUNT_MISSING, MSG_WIDE, MSG_NARROW, MSG_DATE_RANGE, MSG_CURRENCY)


class Layout:
    """Where each field sits in a row: one column index per field (None when unmapped), several for phones."""

    SINGLE = ("customer_code", "company_name", "siren", "contact_name", "email", "invoice_number", "invoice_date",
              "due_date", "amount", "outstanding", "currency", "segment", "comment", "status", "siret", "language",
              "company_size")

    def __init__(self, header: list[str], mapping: dict):
        cols = field_columns(header, mapping)
        self.header, self.width = header, len(header)
        self.at = {f: (cols.get(f) or [None])[0] for f in self.SINGLE}
        self.phones = [(i, header[i]) for i in cols.get("phone", [])]
        self.address = cols.get("address", [])
        # No customer column: the headings above each group of rows name its customer (checked by the caller).
        self.headings = not cols.get("customer_code") and not cols.get("company_name")
        # INSEE's headcount band codes ("12" is 20 to 49 employees, not twelve).
        self.insee_bands = self.at["company_size"] is not None and "tranche" in header[self.at["company_size"]].lower()
        # Anything for ``_Checker.profile`` to read (most files have none of these columns).
        self.profiled = bool(self.address) or any(self.at[f] is not None for f in ("siret", "language", "company_size"))

    def name(self, index: int | None) -> str | None:
        return self.header[index] if index is not None else None


class _Chunk:
    """A block of rows with its mapped columns read at once (texts, and amounts and dates on the fast path).

    ``cell[field][offset]`` is a row's clean text for a field: "" where the field is not mapped."""

    def __init__(self, layout: Layout, data: list, month_first: tuple[bool, bool] | None):
        width = layout.width
        self.lengths = list(map(len, data))
        self.usual = max(set(self.lengths), key=self.lengths.count) if self.lengths else width   # the common length
        self.rows = [row if len(row) >= width else list(row) + [""] * (width - len(row)) for row in data]
        at = layout.at
        blank = [""] * len(self.rows)                 # one list for every field the file does not have
        self.cell = {f: blank if i is None else self._texts(i) for f, i in at.items()}
        self.phones = [(self._texts(i), label) for i, label in layout.phones]
        self.month_first = {}
        for position, f in enumerate(("due_date", "invoice_date")):
            mapped = at[f] is not None
            self.month_first[f] = month_first[position] if month_first else mapped and columns.month_first(self.cell[f])
        self.fast = {}
        for f in ("outstanding", "amount"):
            if at[f] is not None:
                self.fast[f] = columns.amounts(self._cells(at[f]), self.cell[f])
        for f in ("due_date", "invoice_date"):
            if at[f] is not None:
                self.fast[f] = columns.dates(self._cells(at[f]), self.cell[f], self.month_first[f])

    def _cells(self, i: int) -> list:
        return list(map(itemgetter(i), self.rows))

    def _texts(self, i: int) -> list[str]:
        return columns.texts(self._cells(i))


class _Rejected(Exception):
    def __init__(self, column: int | None, message: str, **params):
        self.column, self.message, self.params = column, message, params


@dataclass
class _Row:
    """What one accepted row says."""
    number: str
    code: str
    name: str
    amount: int | None
    outstanding: int
    from_balance: bool
    invoice_date: date | None
    due: date
    estimated: bool
    currency: str


class _Checker:
    """The state of a check across the chunks of one file."""

    def __init__(self, header, mapping, currency, translate, month_first, terms, ragged):
        self.layout = Layout(header, mapping)
        self.result = CheckResult(header=header, currency=currency)
        self.terms, self.month_first, self.ragged = terms or PaymentTerms(), month_first, ragged
        self.messages = {m: translate(m) for m in _MESSAGES}
        self.latest = date.today() + timedelta(days=3653)     # ten years ahead
        self.phone_region: str | None = None
        self.heading: str | None = None       # the last group heading (Layout.headings)

    def feed(self, data: list, first_row: int) -> None:
        chunk = _Chunk(self.layout, data, self.month_first)
        if self.phone_region is None:      # decided on the first rows: France unless most numbers are not French
            self.phone_region = phones.region_of([v for texts_, _label in chunk.phones for v in texts_])
        for offset in range(len(data)):
            self.one(chunk, offset, first_row + offset)
        self.result.rows_read += len(data)

    def one(self, chunk: _Chunk, offset: int, row_number: int) -> None:
        result, at, row = self.result, self.layout.at, chunk.rows[offset]
        cell = chunk.cell
        code, name, number = cell["customer_code"][offset], cell["company_name"][offset], cell["invoice_number"][offset]
        if not number and not code and not name and (is_blank(row) or is_heading(row)):
            if self.layout.headings and not is_blank(row):
                self.heading = heading_text(row)[:300]
            result.skipped += 1
            return
        if self.layout.headings and not is_total(row):
            name = self.heading or ""
        if not number and is_total(row):
            result.skipped += 1
            result.totals.add_total(total_kind(row), _cents(row, at["outstanding"], at["amount"]), row_number)
            return
        if at["status"] is not None:
            kind = settled_kind(self.layout.header[at["status"]], cell["status"][offset])
            if kind:                  # paid or never issued: counted and listed, never called about
                result.settled.append(Settled(row_number, kind, self.key(row, code, name, self.soft_currency(chunk, offset)),
                                              number[:80] or None))
                return
        try:
            read = self.read(chunk, offset, code, name, number)
        except _Rejected as no:
            self.reject(chunk, offset, row_number, no)
            return
        if read.from_balance and read.outstanding == 0 and read.number not in self.open_numbers(row, read):
            # A zero balance: paid. (A further line of an open invoice repeating its balance is not.)
            result.settled.append(Settled(row_number, "settled", self.key(row, code, name, read.currency), number[:80]))
            return
        self.file(chunk, offset, row_number, read)

    def key(self, row: list, code: str, name: str, currency: str) -> str | None:
        """The debtor grouping key a row names (as ``file`` makes it), or None."""
        at = self.layout.at
        if code:
            key = f"code:{code}"
        else:
            siren = parsing.siren(row[at["siren"]]) if at["siren"] is not None else None
            key = f"siren:{siren}" if siren else (f"name:{parsing.normalise_name(name)}" if name else None)
        return key and currencies.account_key(key, currency, self.result.currency)

    def currency(self, chunk: _Chunk, offset: int) -> str:
        """The row's currency: the one its cell names, the campaign's when the file has none."""
        written = chunk.cell["currency"][offset]
        if not written:
            return self.result.currency
        code = currencies.code_of(written)
        if code is None:
            raise _Rejected(self.layout.at["currency"], MSG_CURRENCY, value=written[:20])
        return code

    def soft_currency(self, chunk: _Chunk, offset: int) -> str:
        """The same for a row that is not loaded (to find its account): the campaign's when unreadable."""
        try:
            return self.currency(chunk, offset)
        except _Rejected:
            return self.result.currency

    def open_numbers(self, row: list, read: "_Row") -> dict:
        debtor = self.result.debtors.get(self.key(row, read.code, read.name, read.currency))
        return debtor.numbers if debtor else {}

    def read(self, chunk: _Chunk, offset: int, code: str, name: str, number: str) -> _Row:
        """The row's fields, or the first reason it cannot be an invoice."""
        at, width = self.layout.at, self.layout.width
        length = chunk.lengths[offset]
        if self.ragged and length > width and (length != chunk.usual or any(text(c) for c in chunk.rows[offset][width:])):
            raise _Rejected(None, MSG_WIDE, count=chunk.lengths[offset], expected=width)
        if not code and not name:
            raise _Rejected(at["customer_code"] if at["customer_code"] is not None else at["company_name"],
                            MSG_IDENTITY)
        if not number:
            raise _Rejected(at["invoice_number"], MSG_NUMBER)
        cell = chunk.cell
        from_balance = cell["outstanding"][offset] != ""
        if not from_balance and cell["amount"][offset] == "":
            raise _Rejected(at["outstanding"] if at["outstanding"] is not None else at["amount"], MSG_AMOUNT_MISSING)
        outstanding = self.amount(chunk, offset, "outstanding" if from_balance else "amount")
        currency = self.currency(chunk, offset)
        amount = self.amount(chunk, offset, "amount") if cell["amount"][offset] != "" else None
        invoice_date = self.date(chunk, offset, "invoice_date", MSG_DATE) if cell["invoice_date"][offset] else None
        estimated = cell["due_date"][offset] == ""
        if estimated:
            if invoice_date is None:   # nothing to estimate it from
                raise _Rejected(at["due_date"] if at["due_date"] is not None else at["invoice_date"], MSG_DUE_MISSING)
            due = self.terms.due_date(invoice_date)
        else:
            due = self.date(chunk, offset, "due_date", MSG_DUE)
        return _Row(number, code, name, amount, outstanding, from_balance, invoice_date, due, estimated, currency)

    def amount(self, chunk: _Chunk, offset: int, f: str) -> int:
        cents = chunk.fast[f][offset]
        if cents is None:
            try:
                cents = parsing.amount_cents(chunk.rows[offset][self.layout.at[f]])
            except Unreadable:
                raise _Rejected(self.layout.at[f], MSG_AMOUNT, value=chunk.cell[f][offset]) from None
        return cents

    def date(self, chunk: _Chunk, offset: int, f: str, message: str) -> date:
        value = chunk.fast[f][offset]
        if value is None:
            try:
                value = parsing.parse_date(chunk.rows[offset][self.layout.at[f]], chunk.month_first[f])
            except Unreadable:
                raise _Rejected(self.layout.at[f], message, value=chunk.cell[f][offset]) from None
        if not EARLIEST <= value <= self.latest:
            raise _Rejected(self.layout.at[f], MSG_DATE_RANGE, value=chunk.cell[f][offset])
        return value

    def reject(self, chunk: _Chunk, offset: int, row_number: int, no: _Rejected) -> None:
        at, row = self.layout.at, chunk.rows[offset]
        cell = chunk.cell
        code, name, number = cell["customer_code"][offset], cell["company_name"][offset], cell["invoice_number"][offset]
        message = self.messages[no.message].format(**no.params)
        if self.ragged and chunk.lengths[offset] < self.layout.width and no.message != MSG_WIDE:
            message = self.messages[MSG_NARROW].format(count=chunk.lengths[offset], expected=self.layout.width,
                                                       reason=message)
        self.result.totals.add_row(_cents(row, at["outstanding"], at["amount"]), row_number)
        rough_key = f"code:{code}" if code else (f"name:{parsing.normalise_name(name)}" if name else None)
        rough_key = rough_key and currencies.account_key(rough_key, self.soft_currency(chunk, offset),
                                                         self.result.currency)
        self.result.rejections.append(Rejection(row_number, self.layout.name(no.column), message,
                                                [text(c) for c in row], number=number[:80] or None,
                                                debtor_key=rough_key))

    def duplicate(self, row_number: int, message: str, raw: list, cents: int, **params) -> None:
        self.result.totals.add_row(cents, row_number)
        self.result.rejections.append(Rejection(row_number, self.layout.name(self.layout.at["invoice_number"]),
                                                self.messages[message].format(**params), raw, duplicate=True))

    def file(self, chunk: _Chunk, offset: int, row_number: int, read: _Row) -> None:
        """File an accepted row under its debtor: a new invoice, a further line of one, or a duplicate."""
        result, at, row = self.result, self.layout.at, chunk.rows[offset]
        key = self.key(row, read.code, read.name, read.currency)
        debtor = result.debtors.get(key)
        if debtor is None:
            debtor = result.debtors[key] = DebtorDraft(key=key, customer_code=read.code or None,
                                                       currency=read.currency)
            if at["siren"] is not None:
                debtor.siren = parsing.siren(row[at["siren"]])
        elif read.number in debtor.numbers:
            invoice = debtor.numbers[read.number]
            if fingerprint(row) == invoice.fingerprint:       # the same row twice: a duplicate
                self.duplicate(row_number, MSG_DUPLICATE, [text(c) for c in row], read.outstanding, row=invoice.row)
                return
            change = invoice.add_line(read.amount, read.outstanding)   # another line of the same invoice
            debtor.total_cents += change
            result.totals.add_row(change, row_number)
            result.lines_merged += 1
            result.accepted += 1
            return
        other = result.owners.get(read.number)
        if other is not None:        # the same number under another customer: a duplicate, not a line
            self.duplicate(row_number, MSG_OTHER_CUSTOMER, [text(c) for c in row], read.outstanding, row=other)
            return
        result.owners[read.number] = row_number
        self.describe(debtor, chunk, offset, read, row_number)
        invoice = InvoiceDraft(key, read.number[:80], read.invoice_date, read.due, read.amount, read.outstanding,
                               read.currency, row_number, read.estimated, fingerprint(row), None,
                               read.from_balance)
        debtor.numbers[read.number] = invoice
        result.invoices.append(invoice)
        debtor.total_cents += read.outstanding
        if read.outstanding > 0:
            debtor.open_count += 1
            if debtor.oldest_due is None or read.due < debtor.oldest_due:
                debtor.oldest_due = read.due
        result.totals.add_row(read.outstanding, row_number)
        result.accepted += 1

    def plausible(self) -> None:
        """Loaded, with a word: more open than invoiced, open on a zero invoice, a negative balance (judged on
        whole invoices, once their lines are folded in)."""
        at = self.layout.at
        for invoice in self.result.invoices:
            out, amount = invoice.outstanding_cents, invoice.amount_cents
            if out < 0:
                self.warn(W_NEGATIVE, invoice.row, at["outstanding"] if invoice.from_balance else at["amount"],
                          outstanding_cents=out)
            elif amount == 0 and out > 0:
                self.warn(W_ZERO_AMOUNT, invoice.row, at["amount"], outstanding_cents=out)
            elif amount is not None and invoice.from_balance and out > amount > 0:
                self.warn(W_ABOVE_AMOUNT, invoice.row, at["outstanding"], outstanding_cents=out, amount_cents=amount)

    def warn(self, message: str, row: int, column: int | None, **params) -> None:
        self.result.warnings_count += 1
        if len(self.result.warnings) < MAX_WARNINGS:
            self.result.warnings.append(FileWarning(message, params, row, self.layout.name(column)))

    def describe(self, debtor: DebtorDraft, chunk: _Chunk, offset: int, read: _Row, row_number: int) -> None:
        """What the row tells of its debtor: name, contacts, e-mails, phones, segment, comment (first seen wins)."""
        cell = chunk.cell
        if read.name and not debtor.company_name:
            debtor.company_name = read.name[:300]
        contact = cell["contact_name"][offset]
        if contact and contact not in debtor.contacts:
            debtor.contacts.append(contact)
        email = cell["email"][offset]
        if email and email not in debtor.emails:
            debtor.emails.append(email)
        if not debtor.segment:
            debtor.segment = cell["segment"][offset][:80] or None
        if not debtor.comment:
            debtor.comment = cell["comment"][offset] or None
        if self.layout.profiled:
            self.profile(debtor, chunk, offset, row_number)
        for texts_, label in chunk.phones:
            raw = texts_[offset]
            if raw and raw not in debtor.phones:
                e164, kind = phones.normalise(raw, self.phone_region)
                if e164 and any(p[1] == e164 for p in debtor.phones.values()):
                    continue
                debtor.phones[raw] = (raw[:60], e164, label[:80], kind)

    def profile(self, debtor: DebtorDraft, chunk: _Chunk, offset: int, row_number: int) -> None:
        """SIRET, address, language and company size (debtor_profile), with a warning for what is unreadable."""
        at, cell, layout = self.layout.at, chunk.cell, self.layout
        raw = cell["siret"][offset]
        if raw and not debtor.siret:
            debtor.siret = debtor_profile.siret(raw)
            if debtor.siret is None:
                self.warn(customers.W_SIRET, row_number, at["siret"], value=raw[:40])
            elif not debtor.siren:
                debtor.siren = debtor.siret[:9]
        if layout.address and not debtor.address:
            row = chunk.rows[offset]
            debtor.address = debtor_profile.address([text(row[i]) for i in layout.address])
        raw = cell["language"][offset]
        if raw and not debtor.language:
            debtor.language = debtor_profile.language(raw)
            if debtor.language is None:
                self.warn(customers.W_LANGUAGE, row_number, at["language"], value=raw[:40])
        raw = cell["company_size"][offset]
        if raw and not debtor.company_size:
            debtor.company_size = debtor_profile.company_size(raw, layout.insee_bands)
            if debtor.company_size is None:
                self.warn(customers.W_SIZE, row_number, at["company_size"], value=raw[:40])


def check(rows: list, header_index: int, mapping: dict, currency: str = "EUR",
          translate=lambda s: s, more=(), month_first: tuple[bool, bool] | None = None,
          terms: PaymentTerms | None = None, ragged: bool = False) -> CheckResult:
    """Accept or reject every row under the header; group accepted invoices into debtor accounts.

    ``more`` yields further (first row number, rows) chunks of a large file, checked with the same state;
    ``month_first`` then gives the (due date, invoice date) columns' order decided on the whole file.
    ``ragged`` says the rows come from a text file, where a row's number of fields means something.
    """
    header = [text(c) for c in rows[header_index]]
    checker = _Checker(header, mapping, currency, translate, month_first, terms, ragged)
    checker.feed(rows[header_index + 1:], header_index + 2)
    for first_row, chunk in more:
        checker.feed(chunk, first_row)
    checker.plausible()
    return checker.result
