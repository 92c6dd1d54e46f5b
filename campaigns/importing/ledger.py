"""A FEC (Fichier des Écritures Comptables, art. A47 A-1 LPF) read as the open receivables it holds.

The client's accounting software exports its whole ledger; what a call campaign needs is each customer's
unmatched items. From the ledger:
- the customer lines are those of the customer accounts (411…, or the client's own prefixes); every other
  account (sales, VAT, bank) is left out and counted;
- the lines whose matching code (EcritureLet) balances to zero, matched up to the ledger's date, are settled
  and left out; a matching code that does not balance is a partial match: its lines stay, and it is listed;
- per customer, the unmatched debits are invoices (PieceRef, PieceDate); unmatched credits (payments, credit
  notes) are netted and allocated to the oldest invoices first; opening entries (à-nouveaux) are items too;
- a customer whose net balance is a credit is kept as such (nothing to call; the figures count it apart).
Checks an accountant makes: every entry (JournalCode + EcritureNum) balances, and so does the file; the
customer accounts' balance equals the open items derived.

The result is a receivables grid (customer code, name, invoice number, invoice date, amount, outstanding)
that the import reads like any client file; due dates are then estimated from the client's payment terms.
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime

import pandas as pd

from ..errors import N_, DomainError

REQUIRED = {"journalcode", "ecriturenum", "ecrituredate", "comptenum", "pieceref", "ecriturelet"}
HEADER = ["Code client", "Raison sociale", "N° facture", "Date facture", "Montant", "Reste dû"]
OPENING_JOURNALS = {"an", "ran", "ano", "anouv", "a-nouveaux", "an0"}
CUSTOMER_PREFIXES = ("411",)
USED = REQUIRED | {"debit", "credit", "sens", "montant", "compauxnum", "compauxlib", "comptelib", "piecedate",
                   "ecriturelib", "datelet"}


def _key(cell) -> str:
    text = unicodedata.normalize("NFKD", str(cell or "")).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z]", "", text.lower())


def is_fec(header: list) -> bool:
    """A FEC's header: its compulsory columns, with Debit/Credit or the Sens + Montant pair."""
    keys = {_key(c) for c in header}
    return REQUIRED <= keys and ({"debit", "credit"} <= keys or {"sens", "montant"} <= keys)


@dataclass
class LedgerReport:
    """What the reading of the ledger found, for the manager to check."""
    ledger_date: date | None = None
    lines: int = 0
    customer_lines: int = 0
    other_lines: int = 0
    matched_codes: int = 0
    matched_lines: int = 0
    partial_matches: list[tuple[str, str, int]] = field(default_factory=list)   # (customer, code, cents left)
    credit_customers: list[tuple[str, int]] = field(default_factory=list)
    customer_balance_cents: int = 0
    open_items_cents: int = 0
    allocations: list[tuple[str, str, int]] = field(default_factory=list)      # (customer, invoice, cents)
    # The invoices (customer, number) whose lines were matched in full, and the day of the match (DateLet,
    # else the entry's): a later ledger of the client says "paid" by that, not by leaving them out.
    matched_invoices: dict[tuple[str, str], date] = field(default_factory=dict)


def ledger_date(file_name: str, latest: date | None) -> date | None:
    """The date in the file name (``…FECAAAAMMJJ``), else the latest entry's."""
    match = re.search(r"FEC(\d{8})", file_name or "", re.I)
    if match:
        try:
            return datetime.strptime(match.group(1), "%Y%m%d").date()
        except ValueError:
            pass
    return latest


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    return frame[name].fillna("").astype(str).str.strip() if name in frame else pd.Series("", index=frame.index)


def _cents_of(values: pd.Series, rows: pd.Series) -> pd.Series:
    """Exact cents of amounts written 1234,56 / 1 234.56 / -12: whole and fraction read apart as integers,
    never through a float."""
    text = values.str.replace(r"[\s\u00a0\u202f]", "", regex=True)
    comma = text.str.contains(",", regex=False)
    if comma.any():
        text = text.where(~comma, text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False))
    negative = text.str.startswith("-")
    parts = text.str.lstrip("-").str.partition(".")
    whole, fraction = parts[0], parts[2]
    bad = text.ne("") & ~(whole.str.isdigit() & (fraction.eq("") | (fraction.str.isdigit() & fraction.str.len().le(2))))
    if bad.any():
        at = bad.idxmax()
        raise DomainError(N_("Line {row} of the ledger: “{value}” is neither an amount nor a date."), field="file",
                          row=int(rows[at]), value=values[at])
    cents = whole.where(whole.ne(""), "0").astype("int64") * 100 + fraction.str.ljust(2, "0").astype("int64")
    return cents.where(~negative, -cents)


def _dates_of(values: pd.Series, rows: pd.Series) -> pd.Series:
    parsed = pd.to_datetime(values, format="%Y%m%d", errors="coerce")
    other = parsed.isna() & values.ne("")
    if other.any():
        parsed = parsed.where(~other, pd.to_datetime(values.where(other), format="%d/%m/%Y", errors="coerce"))
        bad = parsed.isna() & values.ne("")
        if bad.any():
            at = bad.idxmax()
            raise DomainError(N_("Line {row} of the ledger: “{value}” is neither an amount nor a date."),
                              field="file", row=int(rows[at]), value=values[at])
    return parsed


def receivables_from_frame(frame: pd.DataFrame, file_name: str = "", first_row: int = 2,
                           prefixes: tuple[str, ...] = CUSTOMER_PREFIXES, rows: pd.Series | None = None,
                           balanced: bool = True) -> tuple[list[list], LedgerReport]:
    """The FEC (a frame of text cells under its header) as a receivables grid, and what was found."""
    frame = frame.rename(columns={c: _key(c) for c in frame.columns})
    frame = frame.loc[:, ~frame.columns.duplicated()]
    if rows is None:
        rows = pd.Series(range(first_row, first_row + len(frame)), index=frame.index)
    journal, entry, account = _column(frame, "journalcode"), _column(frame, "ecriturenum"), _column(frame, "comptenum")
    filled = journal.ne("") | entry.ne("") | account.ne("")         # blank lines are no entries
    if not filled.all():
        frame, rows, journal, entry, account = frame[filled], rows[filled], journal[filled], entry[filled], account[filled]
    if "debit" in frame:
        cents = _cents_of(_column(frame, "debit"), rows) - _cents_of(_column(frame, "credit"), rows)
    else:
        amount = _cents_of(_column(frame, "montant"), rows)
        cents = amount.where(_column(frame, "sens").str.upper().str.startswith("D"), -amount)
    report = LedgerReport(lines=len(frame))
    totals = cents.groupby([journal, entry], sort=False).sum() if balanced else pd.Series(dtype="int64")
    if (totals != 0).any():
        (bad_journal, bad_entry), difference = next((k, v) for k, v in totals.items() if v != 0)
        at = ((journal == bad_journal) & (entry == bad_entry)).idxmax()
        raise DomainError(N_("The ledger does not balance: entry {entry} of journal {journal} (line {row}) has "
                             "debits and credits that differ by {difference}."), field="file", entry=bad_entry,
                          journal=bad_journal, row=int(rows[at]), difference=f"{abs(int(difference)) / 100:.2f}")
    on = _dates_of(_column(frame, "ecrituredate"), rows)
    latest = on.max()
    report.ledger_date = ledger_date(file_name, latest.date() if pd.notna(latest) else None)
    customer = account.str.startswith(prefixes)
    report.customer_lines = int(customer.sum())
    report.other_lines = report.lines - report.customer_lines
    c = pd.DataFrame({"row": rows[customer], "journal": journal[customer], "entry": entry[customer],
                      "account": account[customer], "cents": cents[customer], "on": on[customer],
                      "who": _column(frame, "compauxnum")[customer], "aux_name": _column(frame, "compauxlib")[customer],
                      "account_name": _column(frame, "comptelib")[customer], "piece": _column(frame, "pieceref")[customer],
                      "piece_date": _dates_of(_column(frame, "piecedate")[customer], rows[customer]),
                      "label": _column(frame, "ecriturelib")[customer], "let": _column(frame, "ecriturelet")[customer],
                      "let_on": _dates_of(_column(frame, "datelet")[customer], rows[customer])})
    c["who"] = c["who"].where(c["who"].ne(""), c["account"])
    report.customer_balance_cents = int(c["cents"].sum())
    as_of = pd.Timestamp(report.ledger_date) if report.ledger_date else None
    lettered = c["let"].ne("") & (c["let_on"].isna() | (c["let_on"] <= as_of if as_of is not None else True))
    groups = c[lettered].groupby(["who", "let"], sort=True)["cents"].agg(["sum", "size"])
    settled_codes = groups[groups["sum"] == 0]
    report.matched_codes, report.matched_lines = len(settled_codes), int(settled_codes["size"].sum())
    report.partial_matches = [(who, code, int(total)) for (who, code), total in groups[groups["sum"] != 0]["sum"].items()]
    if len(settled_codes):
        settled = pd.MultiIndex.from_frame(c[["who", "let"]]).isin(settled_codes.index) & lettered.to_numpy()
        paid = c[settled & (c["cents"] > 0).to_numpy() & c["piece"].ne("").to_numpy()]
        when = paid["let_on"].fillna(paid["on"])
        report.matched_invoices = {(who, piece): day.date() for who, piece, day in
                                   zip(paid["who"], paid["piece"], when) if pd.notna(day)}
        c = c[~settled]
    return _items(c, report)


def _items(c: pd.DataFrame, report: LedgerReport) -> tuple[list[list], LedgerReport]:
    """Per customer: its open debits, less its open credits allocated to the oldest first (vectorised: a
    ledger of a million lines has tens of thousands of customers)."""
    day = (report.ledger_date or date.today()).strftime("%d/%m/%Y")
    names = c["aux_name"].where(c["aux_name"].ne(""), c["account_name"]).replace("", pd.NA)
    name_of = names.groupby(c["who"]).first()
    net = c.groupby("who")["cents"].sum()
    credit_of = (-c["cents"].clip(upper=0)).groupby(c["who"]).sum()
    in_credit = net[net < 0]
    report.credit_customers = [(who, int(cents)) for who, cents in in_credit.items()]
    debits = c[(c["cents"] > 0) & ~c["who"].isin(in_credit.index)].copy()
    debits["when"] = debits["piece_date"].fillna(debits["on"])
    debits = debits.sort_values(["who", "when", "row"])
    before = debits.groupby("who")["cents"].cumsum() - debits["cents"]
    taken = (debits["who"].map(credit_of).fillna(0).astype("int64") - before).clip(lower=0)
    taken = taken.where(taken < debits["cents"], debits["cents"])
    debits["left"] = debits["cents"] - taken
    opening = debits["journal"].str.lower().isin(OPENING_JOURNALS) | debits["label"].map(_key).str.contains("nouveau")
    fallback = (debits["journal"] + "-" + debits["entry"]).where(~opening, "Solde à nouveau")
    debits["number"] = debits["piece"].where(debits["piece"].ne(""), fallback)
    for who, number, cents in zip(debits["who"][taken > 0], debits["number"][taken > 0], taken[taken > 0]):
        report.allocations.append((who, number, int(cents)))
    open_ = debits[debits["left"] > 0]
    when = open_["when"].dt.strftime("%d/%m/%Y").fillna(day)
    rows = [[who, name_of.get(who) if pd.notna(name_of.get(who)) else who, number, w, _euros(int(total)), _euros(int(left))]
            for who, number, w, total, left in zip(open_["who"], open_["number"], when, open_["cents"], open_["left"])]
    rows += [[who, name_of.get(who) if pd.notna(name_of.get(who)) else who, "Solde créditeur", day, _euros(cents),
              _euros(cents)] for who, cents in report.credit_customers]
    rows.sort(key=lambda r: r[0])
    report.open_items_cents = int(open_["left"].sum()) + sum(cents for _, cents in report.credit_customers)
    if report.open_items_cents != report.customer_balance_cents:
        raise DomainError(N_("The customer accounts' balance ({balance}) differs from the open items derived "
                             "({items})."), field="file", balance=_euros(report.customer_balance_cents),
                          items=_euros(report.open_items_cents))
    return [HEADER] + rows, report


def _euros(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    units, rest = divmod(abs(cents), 100)
    return f"{sign}{units},{rest:02d}"


def receivables(rows: list[list], file_name: str = "", prefixes: tuple[str, ...] = CUSTOMER_PREFIXES
                ) -> tuple[list[list], LedgerReport]:
    """The FEC's rows (header first, as a workbook gives them) as a receivables grid."""
    header = [str(c or "").strip() for c in rows[0]]
    width = len(header)
    body = [[("" if v is None else str(v)) for v in (list(r) + [""] * (width - len(r)))[:width]] for r in rows[1:]]
    return receivables_from_frame(pd.DataFrame(body, columns=header), file_name, prefixes=prefixes)


def receivables_from_text(data: bytes, encoding: str, separator: str, file_name: str = "",
                          prefixes: tuple[str, ...] = CUSTOMER_PREFIXES):
    """A FEC text file read whole by pandas (text cells), then derived."""
    frame = pd.read_csv(io.BytesIO(data), sep=separator, dtype=str, keep_default_na=False, na_filter=False,
                        encoding=encoding, encoding_errors="replace", engine="c", quoting=csv.QUOTE_MINIMAL,
                        usecols=lambda name: _key(name) in USED)
    return receivables_from_frame(frame, file_name, prefixes=prefixes)


# A customer ledger ("grand livre clients", "extrait de compte") as Sage, EBP or Cegid print it: a heading line
# per customer, its lines (date, piece, label, debit, credit, matching code, running balance), a total line.
LEDGER_COLUMNS = {"date": ("date", "dateecriture", "datepiece", "datedepiece"),
                  "piece": ("piece", "npiece", "numeropiece", "pieceref", "reference", "ref", "nfacture", "facture"),
                  "label": ("libelle", "libellede", "libelleecriture", "designation"),
                  "debit": ("debit", "montantdebit", "debiteur"), "credit": ("credit", "montantcredit", "crediteur"),
                  "let": ("lettrage", "let", "codelettrage", "lettre")}
# A column naming the customer on each line: then it is a receivables list, not a ledger printed by customer.
CUSTOMER_KEYS = {"compauxnum", "comptenum", "codeclient", "client", "raisonsociale", "nomclient", "compte",
                 "comptetiers", "tiers", "codetiers", "customer", "customercode", "customername", "compteclient"}
_CUSTOMER_LINE = re.compile(r"^(?:compte|client|tiers)?\s*:?\s*([0-9A-Z][0-9A-Z._-]{1,30})\s*(?:[-–:|]\s*|\s{2,}|\s)(.+)$", re.I)
_TOTAL = re.compile(r"^(?:total|sous[- ]?total|solde|cumul|report|a reporter|totaux)", re.I)


def _plain_cell(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, datetime):
        return cell.strftime("%d/%m/%Y")
    if isinstance(cell, date):
        return cell.strftime("%d/%m/%Y")
    if isinstance(cell, float):
        return "" if cell != cell else f"{cell:.2f}"
    return str(cell).strip()


def customer_ledger_header(rows: list[list]) -> tuple[int, dict[str, int]] | None:
    """The header row of a customer ledger and where each of its columns is, or None."""
    for index, row in enumerate(rows[:30]):
        keys = [_key(_plain_cell(c)) for c in row]
        found = {}
        for name, variants in LEDGER_COLUMNS.items():
            at = next((i for i, k in enumerate(keys) if k in variants), None)
            if at is not None:
                found[name] = at
        if {"date", "piece", "debit", "credit", "let"} <= set(found) and not CUSTOMER_KEYS & set(keys):
            return index, found
    return None


def receivables_from_customer_ledger(rows: list[list], file_name: str = "") -> tuple[list[list], LedgerReport]:
    """A customer ledger's lines, under each customer's heading, derived like a FEC's (its entries are one
    side only: no balance per entry)."""
    header_index, at = customer_ledger_header(rows)
    records, who, name = [], None, None
    for n, row in enumerate(rows[header_index + 1:], start=header_index + 2):
        cells = [_plain_cell(c) for c in row]

        def cell(key):
            i = at.get(key)
            return cells[i] if i is not None and i < len(cells) else ""
        first = next((c for c in cells if c), "")
        if not first:
            continue
        if _TOTAL.match(_plain(first)):
            continue
        if not cell("debit") and not cell("credit"):
            heading = _CUSTOMER_LINE.match(" ".join(c for c in cells if c))
            if heading:
                who, name = heading.group(1), heading.group(2).strip()
            continue
        if who is None:
            continue
        records.append({"journalcode": "", "ecriturenum": str(n), "ecrituredate": cell("date"), "comptenum": "411",
                        "compauxnum": who, "compauxlib": name, "comptelib": "", "pieceref": cell("piece"),
                        "piecedate": cell("date"), "ecriturelib": cell("label"), "debit": cell("debit"),
                        "credit": cell("credit"), "ecriturelet": cell("let"), "datelet": "", "_row": n})
    if not records:
        raise DomainError(N_("No customer line found under the ledger's header."), field="file")
    frame = pd.DataFrame(records)
    source_rows = frame.pop("_row")
    return receivables_from_frame(frame, file_name, rows=source_rows, balanced=False)


def _plain(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
