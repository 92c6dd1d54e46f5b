"""Writing typed cells fast and safely: French formats, text that can never run as a formula."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
# Text starting with one of these would be read as a formula (or DDE) by a spreadsheet.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
MAX_CELL_TEXT = 32_767

# The number formats are stored in Excel's neutral syntax; Excel and LibreOffice show them with the
# reader's separators, i.e. "12 480,00 €" on a French system.
MONEY = '#,##0.00\\ "€";-#,##0.00\\ "€"'
DATE = "dd/mm/yyyy"
DATETIME = "dd/mm/yyyy hh:mm"
PERCENT = "0.0%"

WORKBOOK_OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,   # a string is never turned into a formula...
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "default_date_format": DATE,
}


def is_risky(text: str) -> bool:
    return text.startswith(FORMULA_TRIGGERS)


class Formats:
    """The workbook's shared formats."""

    def __init__(self, workbook):
        add = workbook.add_format
        self.header = add({"bold": True, "bg_color": "#DCE6F1", "border": 1, "text_wrap": True, "valign": "top"})
        self.title = add({"bold": True, "font_size": 14})
        self.section = add({"bold": True, "font_size": 11, "bottom": 1})
        self.bold = add({"bold": True})
        self.money = add({"num_format": MONEY})
        self.money_bold = add({"num_format": MONEY, "bold": True})
        self.date = add({"num_format": DATE, "align": "center"})
        self.datetime = add({"num_format": DATETIME, "align": "center"})
        self.percent = add({"num_format": PERCENT})
        self.integer = add({"num_format": "0"})
        # ...and risky text is also flagged as literal text, so editing the cell keeps it text.
        self.quoted = add({"quote_prefix": True})
        self.text = None
        self._add, self._money_in = add, {}

    def money_in(self, currency: str):
        """The money format of another currency than the euro: "12 480,00 USD"."""
        if currency == "EUR":
            return self.money
        if currency not in self._money_in:
            code = "".join(ch for ch in currency if ch.isalpha())[:3]
            self._money_in[currency] = self._add({"num_format": f'#,##0.00\\ "{code}";-#,##0.00\\ "{code}"'})
        return self._money_in[currency]


def to_local(value: datetime) -> datetime:
    """A UTC timestamp as the naive Europe/Paris time a spreadsheet shows."""
    return value.astimezone(PARIS).replace(tzinfo=None)


class SheetWriter:
    """Writes rows of plain values into one worksheet, column by column with the right call and format.

    ``columns`` is a list of (header, kind, width); kinds: text, money (integer cents), date, datetime,
    int, percent. Call ``rows()`` once per row, in order (the workbook keeps only the current row).
    """

    def __init__(self, workbook, formats: Formats, name: str, columns, header_row: int = 0):
        self.ws = workbook.add_worksheet(name)
        self.formats = formats
        self.columns = columns
        self.row = header_row
        self.first = header_row
        ws = self.ws
        ws.set_landscape()
        ws.set_paper(9)  # A4
        ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(header_row)
        ws.freeze_panes(header_row + 1, 0)
        ws.set_footer("&L&A&RPage &P / &N")
        for i, (_, kind, width) in enumerate(columns):
            ws.set_column(i, i, width)
        self.writers = [self._writer(kind) for _, kind, _ in columns]

    def _writer(self, kind):
        ws, f = self.ws, self.formats
        if kind == "money":   # cents, or (cents, currency) for an amount in another currency than the euro
            fmt = f.money

            def money(r, c, v):
                if isinstance(v, tuple):
                    v, currency = v
                    if v is not None:
                        ws.write_number(r, c, v / 100, f.money_in(currency))
                elif v is not None:
                    ws.write_number(r, c, v / 100, fmt)
            return money
        if kind == "date":
            fmt = f.date
            return lambda r, c, v: ws.write_datetime(r, c, v, fmt) if v is not None else None
        if kind == "datetime":
            fmt = f.datetime
            return lambda r, c, v: ws.write_datetime(r, c, to_local(v), fmt) if v is not None else None
        if kind == "int":
            return lambda r, c, v: ws.write_number(r, c, v) if v is not None else None
        if kind == "percent":
            fmt = f.percent
            return lambda r, c, v: ws.write_number(r, c, v, fmt) if v is not None else None
        return self.text

    def text(self, r, c, value):
        if value is None or value == "":
            return
        value = str(value)[:MAX_CELL_TEXT]
        if value.startswith(FORMULA_TRIGGERS):
            self.ws.write_string(r, c, value, self.formats.quoted)
        else:
            self.ws.write_string(r, c, value)

    def header(self):
        self.ws.set_row(self.row, 30)
        for c, (title, _, _) in enumerate(self.columns):
            self.ws.write_string(self.row, c, title, self.formats.header)
        self.row += 1

    def write(self, values):
        r = self.row
        for c, (writer, value) in enumerate(zip(self.writers, values)):
            writer(r, c, value)
        self.row += 1

    def finish(self):
        """Autofilter over the whole table (at least the header row)."""
        self.ws.autofilter(self.first, 0, max(self.row - 1, self.first), len(self.columns) - 1)
