"""Regenerate the ERP-style receivables exports in tests/data/erp/ (committed; run by hand).

    .venv/bin/python tests/data/erp/make_erp_files.py

Each file imitates the export of a real accounting / invoicing tool (SAP FBL5N, Xero, QuickBooks, Odoo,
Sage 100, Dolibarr, a plain US export, a per-line invoicing export, a file without due dates, then EBP, Cegid,
Pennylane, Sellsy, Zoho Invoice, FreshBooks, Wave and Invoice2go). The data
is drawn from a fixed random seed, so the output is identical on every run (the xlsx is made byte-stable
too). expected.json is computed here, from the generated records themselves (integer cents), never by
reading the files back.

Standard library + openpyxl only.
"""
from __future__ import annotations

import csv
import io
import json
import math
import random
import re
import zipfile
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = 20261130
AS_OF = date(2026, 11, 30)
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

FRENCH = [
    "Boulangerie Martin", "Garage du Centre", "Transports Lefèvre", "Pharmacie des Lilas", "Menuiserie Roux SARL",
    "Dupont SA", "Cœur de Loire SARL", "L’Atelier du Bois", "BTP Leroy et Fils", "Imprimerie Gauthier",
    "Hôtel Le Relais", "Cabinet Mercier Avocats", "Électricité Bernard", "Fromagerie Chevalier",
    "Clinique vétérinaire Saint-Roch", "SCI Les Tilleuls", "Plomberie Girard", "Restaurant La Bonne Table",
    "Agence Horizon Voyages", "Librairie Durand", "Ateliers Mécaniques de Bretagne", "Pépinières Fontaine",
    "Cave Lambert & Fils", "Laboratoire Morel", "Société Nouvelle Petit", "Ambulances Rousseau",
    "Maison Perrin Traiteur", "Groupe Arnaud Industrie", "Optique Blanc", "Scierie Faure",
]
AMERICAN = [
    "Harbor View Logistics LLC", "Summit Ridge Dental Group", "Pinecrest Property Management",
    "Blue Heron Marketing Inc.", "Redwood Valley Farms", "Lakeside Auto Repair", "Keystone Mechanical Corp.",
    "Maple Street Bakery", "Granite State Builders", "Silverline Software Inc.", "Coastal Breeze Hotels",
    "Ironwood Manufacturing Co.", "Brookfield Family Medicine", "Northstar Freight Inc.", "Golden Gate Printing",
    "Prairie Wind Energy LLC", "Riverbend Veterinary Clinic", "Empire Office Supply", "Cascade Plumbing & Heating",
    "Liberty Legal Partners LLP", "Sunset Boulevard Catering", "Oak & Anchor Furniture", "Copper Canyon Outfitters",
    "Evergreen Landscaping", "Bayside Medical Supply", "Hudson Yards Media", "Magnolia Event Rentals",
    "Twin Pines Construction", "Atlas Engineering Group", "Crescent City Coffee Roasters",
]
AREA_CODES = ["212", "312", "415", "617", "713", "206", "303", "404", "512", "602", "305", "615"]
SURNAMES = ["Moreau", "Lefebvre", "Garnier", "Chevalier", "Lambert", "Bonnet", "François", "Mercier"]
FIRST_NAMES = ["Marie", "Jean", "Sophie", "Pierre", "Claire", "Nicolas", "Julie", "Thomas"]

# --------------------------------------------------------------------------------------------- helpers


def cents_amount(rng: random.Random, low=5000, high=2500000) -> int:
    """A log-uniform amount in cents between 50.00 and 25,000.00 (small invoices are more common)."""
    return int(round(math.exp(rng.uniform(math.log(low), math.log(high)))))


def invoice_date(rng: random.Random) -> date:
    """An invoice date in 2026, no later than AS_OF, skewed towards recent months."""
    back = rng.randint(0, 95) if rng.random() < 0.6 else rng.randint(96, 320)
    return max(AS_OF - timedelta(days=back), date(2026, 1, 5))


def due_after(rng: random.Random, day: date) -> date:
    return day + timedelta(days=rng.choice([30, 30, 30, 45, 45, 60]))


def two(cents: int) -> str:
    """The canonical form used in expected.json: '12345.67'."""
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"


def en_amount(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100:,}.{abs(cents) % 100:02d}"


def fr_amount(cents: int, thousands: str = "") -> str:
    sign = "-" if cents < 0 else ""
    units = f"{abs(cents) // 100:,}".replace(",", thousands)
    return f"{sign}{units},{abs(cents) % 100:02d}"


def fr_date(d: date) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def us_date(d: date) -> str:
    return f"{d.month:02d}/{d.day:02d}/{d.year}"


def xero_date(d: date) -> str:
    return f"{d.day} {MONTHS[d.month - 1][:3]} {d.year}"


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", name.lower().replace("&", "and"))


def number_by_date(rng: random.Random, records, date_index: int, start: int, gap=(1, 1)) -> list[int]:
    """Sequence numbers handed out in date order, as a ledger does (gaps for invoices of other customers)."""
    order = sorted(range(len(records)), key=lambda i: records[i][date_index])
    numbers, n = [0] * len(records), start
    for i in order:
        n += rng.randint(*gap)
        numbers[i] = n
    return numbers


def write_csv(name: str, table, *, sep=",", encoding="utf-8", newline="\r\n", quoting=csv.QUOTE_MINIMAL):
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=sep, lineterminator=newline, quoting=quoting)
    writer.writerows(table)
    (HERE / name).write_bytes(buf.getvalue().encode(encoding))


def stats(open_items, rows: int, **extra) -> dict:
    """open_items: (debtor key, invoice key, open cents) for every invoice row or line."""
    invoices = {}
    for debtor, invoice, cents in open_items:
        invoices[(debtor, invoice)] = cents     # lines of one invoice repeat the same open amount
    invoices = {k: v for k, v in invoices.items() if v != 0}
    out = {"rows": rows, "invoices": len(invoices), "debtors": len({d for d, _ in invoices}),
           "open_total": two(sum(invoices.values()))}
    out.update(extra)
    return out


# ------------------------------------------------------------------------------------------ 1. SAP FBL5N


def make_sap(rng: random.Random) -> dict:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    names = rng.sample(FRENCH, 14) + rng.sample(AMERICAN, 4)
    customers = [(f"{c:010d}", n) for c, n in zip(rng.sample(range(100000, 200000), len(names)), names)]
    header = ["Company Code", "Customer", "Name 1", "Document Type", "Document Number", "Document Date",
              "Posting Date", "Net due date", "Amount in doc. curr.", "Document currency",
              "Amount in local currency", "Local currency", "Assignment", "Reference"]
    records = []
    for code, name in customers:
        for _ in range(rng.randint(1, 6)):
            issued = invoice_date(rng)
            records.append(["FR01", code, name, "RV", "", issued, issued + timedelta(days=rng.choice([0, 0, 1, 2])),
                            due_after(rng, issued), cents_amount(rng), "", ""])
    for record, doc_no in zip(records, number_by_date(rng, records, 5, 1800004400, (1, 37))):
        billing = 90000000 + doc_no - 1800000000          # SD billing document behind the FI document
        record[4], record[9], record[10] = str(doc_no), f"{billing:010d}", f"FR26{billing % 1000000:06d}"
    # two credit memos (DG, own number range) still open on customers that also hold invoices
    memos = []
    for code, name in rng.sample(customers, 2):
        issued = invoice_date(rng)
        memos.append(["FR01", code, name, "DG", "", issued, issued, issued, -cents_amount(rng, 5000, 250000), "", ""])
    for record, doc_no in zip(memos, number_by_date(rng, memos, 5, 1600000120, (1, 9))):
        record[4], record[9], record[10] = str(doc_no), f"{doc_no - 1600000000 + 70000000:010d}", f"AV26{doc_no % 1000000:06d}"
    records += memos
    records.sort(key=lambda r: (r[1], r[5], r[4]))

    book = Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for cc, code, name, dtype, number, issued, posted, due, cents, assignment, reference in records:
        sheet.append([cc, code, name, dtype, number, issued, posted, due, cents / 100, "EUR", cents / 100,
                      "EUR", assignment, reference])
        row = sheet.max_row
        for col in (2, 5, 13, 14):          # customer, document number, assignment, reference: text cells
            sheet.cell(row, col).number_format = "@"
        for col in (6, 7, 8):
            sheet.cell(row, col).number_format = "DD.MM.YYYY"
        for col in (9, 11):
            sheet.cell(row, col).number_format = "#,##0.00"
    for col, width in zip("ABCDEFGHIJKLMN", (8, 12, 32, 8, 14, 12, 12, 12, 16, 8, 16, 8, 14, 14)):
        sheet.column_dimensions[col].width = width
    save_stable_xlsx(book, HERE / "sap_fbl5n.xlsx")
    return stats([(r[1], r[4], r[8]) for r in records], len(records))


def save_stable_xlsx(book, path: Path):
    """openpyxl stamps the save time into docProps/core.xml and the zip entries; pin both."""
    from datetime import datetime
    book.properties.creator = "SAP"
    book.properties.created = datetime(2026, 11, 30, 8, 0, 0)
    raw = io.BytesIO()
    book.save(raw)
    src = zipfile.ZipFile(io.BytesIO(raw.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2026-11-30T08:00:00Z", data)
            fixed = zipfile.ZipInfo(info.filename, date_time=(2026, 11, 30, 8, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, data)
    path.write_bytes(out.getvalue())


# ------------------------------------------------------------------------------------------ 2. Xero


def make_xero(rng: random.Random) -> dict:
    contacts = sorted(rng.sample(AMERICAN, 12))
    header = ["Contact", "Invoice Date", "Due Date", "Invoice Number", "Reference", "Total", "Paid", "Credited", "Due"]
    table = [["Aged Receivables Detail"], ["Brightline Supply Co."], [f"As at {AS_OF.day} {MONTHS[AS_OF.month - 1]} {AS_OF.year}"],
             [], header]
    items, rows = [], 0
    grand = [0, 0, 0, 0]
    credit_contacts = set(rng.sample(contacts, 3))
    ledger = {}
    for contact in contacts:
        lines = ledger[contact] = []
        for _ in range(rng.randint(2, 5)):
            issued = invoice_date(rng)
            total = cents_amount(rng)
            paid = credited = 0
            roll = rng.random()
            if roll < 0.2:
                paid = int(total * rng.choice([0.25, 0.3, 0.5]))
            elif roll < 0.28:
                credited = min(total - 100, cents_amount(rng, 5000, 150000))
            ref = rng.choice(["", "", f"PO {rng.randint(1000, 9999)}", f"WO-{rng.randint(100, 999)}"])
            lines.append([issued, due_after(rng, issued), "INV", ref, total, paid, credited])
        if contact in credit_contacts:
            issued = invoice_date(rng)
            lines.append([issued, issued, "CN", "Returned goods", -cents_amount(rng, 5000, 200000), 0, 0])
    for prefix, start in (("INV", 100), ("CN", 7)):
        lines = [line for contact in contacts for line in ledger[contact] if line[2] == prefix]
        for line, n in zip(lines, number_by_date(rng, lines, 0, start, (1, 3))):
            line[2] = f"{prefix}-{n:04d}"
    for contact in contacts:
        lines = sorted(ledger[contact])
        sums = [0, 0, 0, 0]
        for issued, due, inv, ref, total, paid, credited in lines:
            left = total - paid - credited
            table.append([contact, xero_date(issued), xero_date(due), inv, ref, en_amount(total), en_amount(paid),
                          en_amount(credited), en_amount(left)])
            items.append((contact, inv, left))
            rows += 1
            for i, v in enumerate((total, paid, credited, left)):
                sums[i] += v
        table.append([f"Total {contact}", "", "", "", ""] + [en_amount(v) for v in sums])
        table.append([])
        grand = [g + s for g, s in zip(grand, sums)]
    table.append(["Total", "", "", "", ""] + [en_amount(v) for v in grand])
    write_csv("xero_aged_receivables_detail.csv", table, encoding="utf-8")
    result = stats(items, rows, file_total=en_amount(grand[3]))
    assert result["open_total"] == two(grand[3])
    return result


# ------------------------------------------------------------------------------------------ 3. QuickBooks


QB_BUCKETS = ["Current", "1 - 30 days past due", "31 - 60 days past due", "61 - 90 days past due",
              "91 or more days past due"]


def qb_bucket(due: date) -> str:
    late = (AS_OF - due).days
    if late <= 0:
        return QB_BUCKETS[0]
    return QB_BUCKETS[min((late - 1) // 30 + 1, 4)]


def make_quickbooks(rng: random.Random) -> dict:
    customers = rng.sample(AMERICAN, 15)
    invoices = []
    for _ in range(44):
        issued = invoice_date(rng)
        amount = cents_amount(rng)
        open_balance = amount if rng.random() < 0.8 else amount - int(amount * rng.choice([0.2, 0.4, 0.5]))
        invoices.append([issued, "Invoice", "", rng.choice(customers), due_after(rng, issued), amount, open_balance])
    for invoice, n in zip(invoices, number_by_date(rng, invoices, 0, 1040, (1, 4))):
        invoice[2] = str(n)
    money = lambda c: f"${en_amount(c)}" if c >= 0 else f"-${en_amount(-c)}"
    table = [["Brightline Supply Co."], ["A/R Aging Detail"],
             [f"As of {MONTHS[AS_OF.month - 1]} {AS_OF.day}, {AS_OF.year}"], [],
             ["Date", "Transaction Type", "Num", "Customer", "Due Date", "Amount", "Open Balance"]]
    grand = [0, 0]
    for bucket in QB_BUCKETS:
        chosen = sorted((i for i in invoices if qb_bucket(i[4]) == bucket), key=lambda i: (i[0], i[2]))
        assert chosen, f"empty bucket {bucket}: change the data"
        table.append([bucket, "", "", "", "", "", ""])
        for issued, kind, num, customer, due, amount, open_balance in chosen:
            table.append([us_date(issued), kind, num, customer, us_date(due), en_amount(amount), en_amount(open_balance)])
        sums = [sum(i[5] for i in chosen), sum(i[6] for i in chosen)]
        table.append([f"Total for {bucket}", "", "", "", "", money(sums[0]), money(sums[1])])
        table.append([])
        grand = [g + s for g, s in zip(grand, sums)]
    table.append(["TOTAL", "", "", "", "", money(grand[0]), money(grand[1])])
    table += [[], [], [f"Accrual Basis {qb_stamp()}"]]
    write_csv("quickbooks_ar_aging_detail.csv", table, encoding="utf-8")
    result = stats([(i[3], i[2], i[6]) for i in invoices], len(invoices), file_total=money(grand[1]))
    assert result["open_total"] == two(grand[1])
    return result


def qb_stamp() -> str:
    run = AS_OF + timedelta(days=1)
    return f"{WEEKDAYS[run.weekday()]}, {MONTHS[run.month - 1]} {run.day:02d}, {run.year} 09:14 AM GMT-05:00"


# ------------------------------------------------------------------------------------------ 4. Odoo


def odoo_float(cents: int) -> str:
    """Odoo's CSV export writes monetary fields as Python floats: 1200.0, 1234.5, 0.0."""
    return repr(cents / 100)


def make_odoo(rng: random.Random) -> dict:
    partners = []
    for name in rng.sample(FRENCH, 14):
        # Odoo shows a contact person of a company as "Company, Person"
        person = f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"
        partners.append(f"{name}, {person}" if rng.random() < 0.3 else name)
    invoices = []
    for _ in range(52):
        issued = invoice_date(rng)
        total = cents_amount(rng)
        roll = rng.random()
        if roll < 0.15:
            due_amount, status = 0, "Paid"
        elif roll < 0.19:
            due_amount, status = 0, "In Payment"
        elif roll < 0.32:
            due_amount, status = total - int(total * rng.choice([0.3, 0.5])), "Partially Paid"
        else:
            due_amount, status = total, "Not Paid"
        invoices.append([rng.choice(partners), issued, due_after(rng, issued), total, due_amount, status])
    invoices.sort(key=lambda i: i[1])
    table = [["Partner", "Number", "Invoice/Bill Date", "Due Date", "Total", "Amount Due", "Status"]]
    items = []
    for seq, (partner, issued, due, total, due_amount, status) in enumerate(invoices, start=31):
        number = f"INV/2026/{seq:05d}"
        table.append([partner, number, issued.isoformat(), due.isoformat(), odoo_float(total), odoo_float(due_amount),
                      status])
        items.append((partner, number, 0 if status == "Paid" else due_amount))
    table.reverse()                      # Odoo lists the newest invoice first
    table.insert(0, table.pop())
    write_csv("odoo_invoices.csv", table, encoding="utf-8", newline="\n", quoting=csv.QUOTE_ALL)
    return stats(items, len(invoices))


# ------------------------------------------------------------------------------------------ 5. Sage 100


GENERIC_WORDS = {"SA", "SARL", "SCI", "ET", "FILS", "DE", "DU", "DES", "LE", "LA", "LES", "L", "SOCIETE", "NOUVELLE",
                 "GROUPE", "MAISON", "CABINET", "AGENCE", "ATELIERS", "ATELIER", "RESTAURANT",
                 "AVOCATS", "TRAITEUR", "INDUSTRIE"}


def make_sage(rng: random.Random) -> dict:
    names = sorted(rng.sample(FRENCH, 12))
    table = [["Balance âgée clients"] + [""] * 8, ["SARL Relance Démo - Exercice du 01/01/2026 au 31/12/2026"] + [""] * 8,
             [f"Date de tirage : {fr_date(AS_OF)}"] + [""] * 8, [""] * 9,
             ["Compte tiers", "Intitulé", "N° pièce", "Date pièce", "Échéance", "Libellé", "Débit", "Crédit", "Solde"]]
    items, rows = [], 0
    grand = [0, 0]
    ledger = {}
    credit_names = set(rng.sample(names, 4))
    for name in names:
        plain = name.upper().translate(str.maketrans("ÉÈÊÀÔÛÎŒ’", "EEEAOUIO "))
        words = [w for w in re.findall(r"[A-Z]+", plain) if w not in GENERIC_WORDS]
        account = f"411{words[-1]}"[:13]
        assert account not in ledger
        ledger[account] = (name, [])
        for _ in range(rng.randint(2, 5)):
            issued = invoice_date(rng)
            ledger[account][1].append([issued, "FA", due_after(rng, issued), "Facture n°", cents_amount(rng), 0])
        if name in credit_names:
            issued = invoice_date(rng)
            ledger[account][1].append([issued, "AV", issued, "Avoir n°", 0, cents_amount(rng, 5000, 300000)])
    for prefix, start in (("FA", 2300), ("AV", 40)):
        lines = [line for _, entries in ledger.values() for line in entries if line[1] == prefix]
        for line, n in zip(lines, number_by_date(rng, lines, 0, start, (1, 6))):
            line[1] = f"{prefix}{n:05d}"
            line[3] += f"{prefix}{n:05d}" + (" - remise commerciale" if prefix == "AV" else "")
    for account, (name, lines) in sorted(ledger.items()):
        lines.sort()
        debit = sum(l[4] for l in lines)
        credit = sum(l[5] for l in lines)
        for issued, piece, due, label, d, c in lines:
            table.append([account, name.upper(), piece, fr_date(issued), fr_date(due), label,
                          fr_amount(d, " ") if d else "", fr_amount(c, " ") if c else "", fr_amount(d - c, " ")])
            items.append((account, piece, d - c))
            rows += 1
        table.append([f"Total {account}", "", "", "", "", "", fr_amount(debit, " "), fr_amount(credit, " "),
                      fr_amount(debit - credit, " ")])
        grand = [grand[0] + debit, grand[1] + credit]
    table.append([""] * 9)
    table.append(["Total général", "", "", "", "", "", fr_amount(grand[0], " "), fr_amount(grand[1], " "),
                  fr_amount(grand[0] - grand[1], " ")])
    write_csv("sage100_balance_agee.csv", table, sep=";", encoding="cp1252")
    result = stats(items, rows, file_total=fr_amount(grand[0] - grand[1], " "))
    assert result["open_total"] == two(grand[0] - grand[1])
    return result


# ------------------------------------------------------------------------------------------ 6. Dolibarr


def make_dolibarr(rng: random.Random) -> dict:
    companies = list(zip(sorted(rng.sample(range(3, 240), 16)), rng.sample(FRENCH, 16)))
    invoices = []
    for _ in range(58):
        issued = invoice_date(rng)
        ttc = cents_amount(rng)
        ht = int((Decimal(ttc) / Decimal("1.2")).quantize(Decimal(1), ROUND_HALF_UP))
        socid, name = rng.choice(companies)
        invoices.append([issued, socid, name, due_after(rng, issued), ht, ttc, 1 if rng.random() < 0.25 else 0])
    invoices.sort(key=lambda i: i[0])
    raw = lambda c: f"{c // 100}.{c % 100:02d}000000"   # Dolibarr exports double(24,8) columns as stored
    table = [["ref", "socid", "nom", "datef", "date_lim_reglement", "total_ht", "total_ttc", "paye"]]
    items = []
    for seq, (issued, socid, name, due, ht, ttc, paid) in enumerate(invoices, start=17):
        ref = f"FA{issued.year % 100:02d}{issued.month:02d}-{seq:04d}"
        table.append([ref, str(socid), name, issued.isoformat(), due.isoformat(), raw(ht), raw(ttc), str(paid)])
        items.append((socid, ref, 0 if paid else ttc))
    write_csv("dolibarr_factures.csv", table, encoding="utf-8", newline="\n", quoting=csv.QUOTE_ALL)
    return stats(items, len(invoices))


# ------------------------------------------------------------------------------------------ 7. US camelCase


def make_us(rng: random.Random) -> dict:
    customers = []
    for i, name in enumerate(rng.sample(AMERICAN, 16)):
        phone = f"({rng.choice(AREA_CODES)}) 555-01{rng.randint(0, 99):02d}"
        mailbox = rng.choice(["ap", "billing", "accounts.payable", "finance"])
        customers.append((f"C{1001 + i * 7}", name, phone, f"{mailbox}@{slug(name)}.example.com"))
    invoices = []
    for _ in range(50):
        issued = invoice_date(rng)
        amount = cents_amount(rng)
        roll = rng.random()
        balance = 0 if roll < 0.12 else amount - int(amount * 0.5) if roll < 0.22 else amount
        invoices.append((issued, rng.choice(customers), due_after(rng, issued), amount, balance))
    numbers = number_by_date(rng, invoices, 0, 20260310, (1, 4))
    invoices = sorted(((*inv, n) for inv, n in zip(invoices, numbers)), key=lambda i: (i[1][0], i[0]))
    table = [["customerID", "customerName", "invoiceNumber", "InvoiceDate", "DueDate", "InvoiceAmount", "balanceDue",
              "phoneNumber", "email"]]
    items = []
    for issued, (cid, name, phone, mail), due, amount, balance, n in invoices:
        number = f"INV-{n}"
        table.append([cid, name, number, us_date(issued), us_date(due), two(amount), two(balance), phone, mail])
        items.append((cid, number, balance))
    write_csv("us_invoices_camelcase.csv", table, encoding="utf-8")
    return stats(items, len(invoices))


# ------------------------------------------------------------------------------------------ 8. line items


DESIGNATIONS = [("Maintenance annuelle chaudière", 18000, 42000, False), ("Prestation de conseil (jour)", 55000, 120000, False),
                ("Main d’œuvre (heure)", 4500, 7500, True), ("Fourniture papier A4 (carton)", 2200, 3900, False),
                ("Transport et livraison", 4500, 25000, False), ("Location nacelle (jour)", 18000, 32000, False),
                ("Pièces détachées", 1500, 60000, False), ("Formation sécurité (session)", 80000, 190000, False),
                ("Déplacement technicien", 4500, 9000, False), ("Abonnement logiciel (mois)", 4900, 29900, False)]


def make_line_items(rng: random.Random) -> dict:
    clients = [(n, f"CL{c:03d}") for n, c in zip(rng.sample(FRENCH, 12), rng.sample(range(100, 1000), 12))]
    invoices = []
    for _ in range(36):
        issued = invoice_date(rng)
        lines = []
        for _ in range(rng.randint(1, 4)):
            label, low, high, hourly = rng.choice(DESIGNATIONS)
            qty = Decimal(rng.randint(2, 16)) / 2 if hourly else Decimal(rng.randint(1, 6))
            unit = rng.randint(low, high)
            ttc = int((qty * unit * Decimal("1.2")).quantize(Decimal(1), ROUND_HALF_UP))
            lines.append((label, qty, unit, ttc))
        total = sum(l[3] for l in lines)
        roll = rng.random()
        balance = 0 if roll < 0.15 else total - int(total * rng.choice([0.3, 0.5])) if roll < 0.3 else total
        invoices.append([rng.choice(clients), "", issued, due_after(rng, issued), lines, balance])
    for invoice, n in zip(invoices, number_by_date(rng, invoices, 2, 1200, (1, 5))):
        invoice[1] = f"F2026-{n:05d}"
    # a genuine duplicate: two different customers hold an open invoice with the same number
    first = next(i for i in invoices if i[5] != 0)
    second = next(i for i in invoices if i[5] != 0 and i[0] != first[0] and i is not first)
    second[1] = first[1]
    invoices.sort(key=lambda i: (i[0][0], i[2], i[1]))
    table = [["Client", "Code client", "Facture", "Date", "Échéance", "Désignation", "Quantité", "Prix unitaire HT",
              "Total ligne TTC", "Solde facture"]]
    items = []
    for (client, code), inv, issued, due, lines, balance in invoices:
        for label, qty, unit, ttc in lines:
            table.append([client, code, inv, fr_date(issued), fr_date(due), label, str(qty.normalize()).replace(".", ","),
                          fr_amount(unit, "\u00a0"), fr_amount(ttc, "\u00a0"), fr_amount(balance, "\u00a0")])
            items.append((code, inv, balance))
    write_csv("line_items.csv", table, sep=";", encoding="utf-8")
    return stats(items, len(items), duplicate_invoice_number=first[1])


# ------------------------------------------------------------------------------------------ 9. no due date


def make_no_due_date(rng: random.Random) -> dict:
    clients = [(f"C{c}", n) for c, n in zip(rng.sample(range(1000, 10000), 13), rng.sample(FRENCH, 13))]
    invoices = []
    for _ in range(40):
        amount = cents_amount(rng)
        roll = rng.random()
        left = 0 if roll < 0.15 else amount - int(amount * rng.choice([0.25, 0.5])) if roll < 0.27 else amount
        invoices.append([rng.choice(clients), invoice_date(rng), amount, left, ""])
    for invoice, n in zip(invoices, number_by_date(rng, invoices, 1, 260050, (1, 3))):
        invoice[4] = str(n)
    invoices.sort(key=lambda i: (i[0][0], i[1]))
    table = [["Code client", "Raison sociale", "N° facture", "Date facture", "Montant TTC", "Reste à payer"]]
    items = []
    for (code, name), issued, amount, left, number in invoices:
        table.append([code, name, number, fr_date(issued), fr_amount(amount), fr_amount(left)])
        items.append((code, number, left))
    write_csv("no_due_date.csv", table, sep=";", encoding="utf-8-sig")   # Excel "CSV UTF-8": BOM
    return stats(items, len(invoices))


# ------------------------------------------------------------------------------------------ 10-17. small tools
# Each has its own random stream (SEED + k), so that adding one never changes the files above.


def open_roll(rng: random.Random, total: int) -> tuple[int, str]:
    """(open cents, what happened): mostly unpaid, some partly paid, some paid."""
    roll = rng.random()
    if roll < 0.15:
        return 0, "paid"
    if roll < 0.30:
        return total - int(total * rng.choice([0.25, 0.4, 0.5])), "partial"
    return total, "open"


def make_ebp(rng: random.Random) -> dict:
    """EBP Gestion Commerciale, list of sales documents exported to CSV (Excel-style French CSV)."""
    clients = [(f"CL{c:05d}", n) for c, n in zip(rng.sample(range(1, 3000), 14), rng.sample(FRENCH, 14))]
    invoices = []
    for _ in range(46):
        issued = invoice_date(rng)
        total = cents_amount(rng)
        left, _what = open_roll(rng, total)
        invoices.append([rng.choice(clients), issued, due_after(rng, issued), total, left,
                         rng.choice(["Virement", "Chèque", "LCR", "Prélèvement", "Virement"])])
    invoices.sort(key=lambda i: i[1])
    table = [["N° document", "Date", "Code client", "Nom client", "Date d'échéance", "Mode de règlement",
              "Total TTC", "Reste à régler"]]
    items = []
    for seq, ((code, name), issued, due, total, left, mode) in enumerate(invoices, start=1204):
        number = f"FA{seq:08d}"                         # EBP numbers documents FA00001204
        table.append([number, fr_date(issued), code, name, fr_date(due), mode, fr_amount(total, " "),
                      fr_amount(left, " ")])
        items.append((code, number, left))
    write_csv("ebp_documents_vente.csv", table, sep=";", encoding="cp1252")
    return stats(items, len(invoices))


def make_cegid(rng: random.Random) -> dict:
    """Cegid (Loop / Business) customer due-date list exported to Excel: real date and number cells."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    clients = [(f"411{c:06d}", n) for c, n in zip(rng.sample(range(100, 999999), 12), rng.sample(FRENCH, 12))]
    header = ["Code tiers", "Libellé tiers", "Référence", "Date pièce", "Date échéance", "Mode paiement",
              "Montant TTC", "Montant réglé", "Reste dû", "Devise"]
    records = []
    for code, name in clients:
        for _ in range(rng.randint(2, 5)):
            issued = invoice_date(rng)
            total = cents_amount(rng)
            left, _what = open_roll(rng, total)
            records.append([code, name, "", issued, due_after(rng, issued), rng.choice(["VIR", "CHQ", "LCR"]),
                            total, total - left, left, "EUR"])
    for record, n in zip(records, number_by_date(rng, records, 3, 26000, (1, 4))):
        record[2] = f"FC{n:06d}"
    records.sort(key=lambda r: (r[0], r[3]))
    book = Workbook()
    sheet = book.active
    sheet.title = "Echéancier"
    sheet.append([f"Échéancier clients au {fr_date(AS_OF)}"])
    sheet.append([])
    sheet.append(header)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for code, name, ref, issued, due, mode, total, paid, left, cur in records:
        sheet.append([code, name, ref, issued, due, mode, total / 100, paid / 100, left / 100, cur])
        row = sheet.max_row
        sheet.cell(row, 1).number_format = "@"
        for col in (4, 5):
            sheet.cell(row, col).number_format = "DD/MM/YYYY"
        for col in (7, 8, 9):
            sheet.cell(row, col).number_format = "#,##0.00"
    save_stable_xlsx(book, HERE / "cegid_echeancier.xlsx")
    return stats([(r[0], r[2], r[8]) for r in records], len(records))


def make_pennylane(rng: random.Random) -> dict:
    """Pennylane, customer invoices exported to CSV (French columns, a status in words, drafts included)."""
    names = rng.sample(FRENCH, 13)
    invoices = []
    for _ in range(48):
        issued = invoice_date(rng)
        due = due_after(rng, issued)
        ttc = cents_amount(rng)
        ht = int((Decimal(ttc) / Decimal("1.2")).quantize(Decimal(1), ROUND_HALF_UP))
        left, what = open_roll(rng, ttc)
        status = {"paid": "Payée", "partial": "Partiellement payée"}.get(what) or (
            "En retard" if due < AS_OF else "À venir")
        if rng.random() < 0.06:
            left, status = ttc, "Brouillon"             # a draft has no number yet in Pennylane
        invoices.append([rng.choice(names), issued, due, ht, ttc, left, status])
    invoices.sort(key=lambda i: i[1])
    table = [["Numéro de facture", "Client", "Date de facture", "Date d'échéance", "Montant HT", "Montant TTC",
              "Reste à payer", "Statut", "Devise"]]
    items, seq = [], 310
    for name, issued, due, ht, ttc, left, status in invoices:
        if status == "Brouillon":
            number = f"Brouillon {rng.randint(1000, 9999)}"
        else:
            seq += 1
            number = f"F-2026-{seq:04d}"
        table.append([number, name, fr_date(issued), fr_date(due), fr_amount(ht), fr_amount(ttc), fr_amount(left),
                      status, "EUR"])
        items.append((name, number, 0 if status == "Brouillon" else left))
    write_csv("pennylane_factures.csv", table, sep=";", encoding="utf-8")
    return stats(items, len(invoices))


def make_sellsy(rng: random.Random) -> dict:
    """Sellsy, invoice list exported to CSV (Excel-flavoured: UTF-8 with BOM, `;`)."""
    names = rng.sample(FRENCH, 12)
    invoices = []
    for _ in range(44):
        issued = invoice_date(rng)
        due = due_after(rng, issued)
        ttc = cents_amount(rng)
        left, what = open_roll(rng, ttc)
        status = {"paid": "Payée", "partial": "Partiellement payée"}.get(what) or (
            "Retard" if due < AS_OF else "Due")
        if rng.random() < 0.05:
            status = "Annulée"
        invoices.append([issued, rng.choice(names), due, ttc, left, status])
    invoices.sort(key=lambda i: i[0])
    table = [["Numéro", "Date", "Tiers", "Échéance", "Montant TTC", "Reste à payer", "Statut", "Devise"]]
    items = []
    for seq, (issued, name, due, ttc, left, status) in enumerate(invoices, start=87):
        number = f"FAC-{issued.year}{issued.month:02d}-{seq:05d}"
        table.append([number, fr_date(issued), name, fr_date(due), fr_amount(ttc, "\u00a0") + " €",
                      fr_amount(left, "\u00a0") + " €", status, "EUR"])
        items.append((name, number, 0 if status == "Annulée" else left))
    write_csv("sellsy_factures.csv", table, sep=";", encoding="utf-8-sig")
    return stats(items, len(invoices))


def make_zoho(rng: random.Random) -> dict:
    """Zoho Invoice / Books, invoices exported to CSV: an internal Invoice ID beside the Invoice Number."""
    customers = [(str(460000000000000 + rng.randrange(10 ** 9)), n) for n in rng.sample(AMERICAN, 14)]
    invoices = []
    for _ in range(50):
        issued = invoice_date(rng)
        due = due_after(rng, issued)
        total = cents_amount(rng)
        left, what = open_roll(rng, total)
        status = {"paid": "Paid", "partial": "Partially Paid"}.get(what) or ("Overdue" if due < AS_OF else "Sent")
        if rng.random() < 0.05:
            status = "Draft"
        elif rng.random() < 0.04:
            status, left = "Void", 0
        invoices.append([issued, rng.choice(customers), due, total, left, status])
    invoices.sort(key=lambda i: i[0])
    table = [["Invoice Date", "Invoice ID", "Invoice Number", "Invoice Status", "Customer ID", "Customer Name",
              "Due Date", "Currency Code", "Exchange Rate", "Total", "Balance"]]
    items = []
    for seq, (issued, (cid, name), due, total, left, status) in enumerate(invoices, start=1):
        number = f"INV-{seq + 120:06d}"
        table.append([issued.isoformat(), str(4600000000000 + seq * 7919), number, status, cid, name,
                      due.isoformat(), "USD", "1.00", f"{total / 100:.2f}", f"{left / 100:.2f}"])
        items.append((cid, number, 0 if status in ("Draft", "Void") else left))
    write_csv("zoho_invoices.csv", table, encoding="utf-8")
    return stats(items, len(invoices))


def make_freshbooks(rng: random.Random) -> dict:
    """FreshBooks, invoices exported to CSV (lower-case statuses, US dates)."""
    orgs = rng.sample(AMERICAN, 13)
    invoices = []
    for _ in range(42):
        issued = invoice_date(rng)
        due = due_after(rng, issued)
        amount = cents_amount(rng)
        left, what = open_roll(rng, amount)
        status = {"paid": "paid", "partial": "partial"}.get(what) or rng.choice(["sent", "viewed", "overdue"])
        if rng.random() < 0.06:
            status = "draft"
        invoices.append([rng.choice(orgs), issued, due, amount, left, status])
    invoices.sort(key=lambda i: i[1])
    table = [["Organization", "Invoice #", "Date Issued", "Due Date", "Status", "Currency", "Amount", "Paid",
              "Outstanding"]]
    items = []
    for seq, (org, issued, due, amount, left, status) in enumerate(invoices, start=51):
        number = f"{seq:07d}"                              # FreshBooks: 0000051
        table.append([org, number, us_date(issued), us_date(due), status, "USD", en_amount(amount),
                      en_amount(amount - left), en_amount(left)])
        items.append((org, number, 0 if status == "draft" else left))
    write_csv("freshbooks_invoices.csv", table, encoding="utf-8")
    return stats(items, len(invoices))


def make_wave(rng: random.Random) -> dict:
    """Wave, invoices exported to CSV (statuses Draft / Unsent / Sent / Viewed / Overdue / Partial / Paid)."""
    customers = rng.sample(AMERICAN, 12)
    invoices = []
    for _ in range(40):
        issued = invoice_date(rng)
        due = due_after(rng, issued)
        total = cents_amount(rng)
        left, what = open_roll(rng, total)
        status = {"paid": "Paid", "partial": "Partial"}.get(what) or (
            "Overdue" if due < AS_OF else rng.choice(["Sent", "Viewed", "Unsent"]))
        if rng.random() < 0.05:
            status = "Draft"
        invoices.append([rng.choice(customers), issued, due, total, left, status])
    invoices.sort(key=lambda i: i[1])
    table = [["Invoice Number", "Customer", "Invoice Date", "Due Date", "Status", "Currency", "Total",
              "Amount Due"]]
    items = []
    for seq, (customer, issued, due, total, left, status) in enumerate(invoices, start=1):
        number = str(seq)                                 # Wave numbers invoices 1, 2, 3...
        table.append([number, customer, issued.isoformat(), due.isoformat(), status, "USD",
                      "$" + en_amount(total), "$" + en_amount(left)])
        items.append((customer, number, 0 if status == "Draft" else left))
    write_csv("wave_invoices.csv", table, encoding="utf-8")
    return stats(items, len(invoices))


def make_invoice2go(rng: random.Random) -> dict:
    """Invoice2go, invoices exported to CSV: dates written "Oct 15, 2026", money with a $."""
    clients = rng.sample(AMERICAN, 11)
    invoices = []
    for _ in range(38):
        issued = invoice_date(rng)
        due = due_after(rng, issued)
        total = cents_amount(rng)
        left, what = open_roll(rng, total)
        status = {"paid": "Paid", "partial": "Partially paid"}.get(what) or ("Overdue" if due < AS_OF else "Unpaid")
        invoices.append([rng.choice(clients), issued, due, total, left, status])
    invoices.sort(key=lambda i: i[1])
    table = [["Invoice #", "Client", "Date", "Due Date", "Status", "Total", "Paid", "Balance Due"]]
    items = []
    words = lambda d: f"{MONTHS[d.month - 1][:3]} {d.day}, {d.year}"
    for seq, (client, issued, due, total, left, status) in enumerate(invoices, start=1001):
        number = f"{seq:04d}"
        table.append([number, client, words(issued), words(due), status, f"${en_amount(total)}",
                      f"${en_amount(total - left)}", f"${en_amount(left)}"])
        items.append((client, number, left))
    write_csv("invoice2go_invoices.csv", table, encoding="utf-8")
    return stats(items, len(invoices))


TOOLS = [("ebp_documents_vente.csv", make_ebp), ("cegid_echeancier.xlsx", make_cegid),
         ("pennylane_factures.csv", make_pennylane), ("sellsy_factures.csv", make_sellsy),
         ("zoho_invoices.csv", make_zoho), ("freshbooks_invoices.csv", make_freshbooks),
         ("wave_invoices.csv", make_wave), ("invoice2go_invoices.csv", make_invoice2go)]


# ------------------------------------------------------------------------------------------ main


def main():
    rng = random.Random(SEED)
    expected = {
        "sap_fbl5n.xlsx": make_sap(rng),
        "xero_aged_receivables_detail.csv": make_xero(rng),
        "quickbooks_ar_aging_detail.csv": make_quickbooks(rng),
        "odoo_invoices.csv": make_odoo(rng),
        "sage100_balance_agee.csv": make_sage(rng),
        "dolibarr_factures.csv": make_dolibarr(rng),
        "us_invoices_camelcase.csv": make_us(rng),
        "line_items.csv": make_line_items(rng),
        "no_due_date.csv": make_no_due_date(rng),
    }
    for k, (name, make) in enumerate(TOOLS, start=1):
        expected[name] = make(random.Random(SEED + k))
    for name, facts in expected.items():
        size = (HERE / name).stat().st_size
        assert 20 <= facts["rows"] <= 120, (name, facts["rows"])
        assert size < 60_000, (name, size)
    (HERE / "expected.json").write_text(json.dumps(expected, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
