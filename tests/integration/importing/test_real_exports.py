"""Receivables files as real tools export them load with no --map, to totals computed apart from our mapper.

The files and their expected figures come from tests/data/erp/make_erp_files.py, which writes each file in
its tool's documented layout and counts its open invoices itself (tests/data/erp/README.md).
"""
from __future__ import annotations

import csv
import json
import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa

from campaigns.importing import service
from campaigns.models import DebtorAccount, ImportKind, Invoice
from campaigns.payment_terms import PaymentTerms

ERP = Path(__file__).resolve().parents[2] / "data" / "erp"
EXPECTED = json.loads((ERP / "expected.json").read_text(encoding="utf-8"))


def load(session, make, tmp_path, name, company=None):
    campaign = make.campaign(client_company=company)
    batch = service.store_upload(session, campaign, name, (ERP / name).read_bytes(), str(tmp_path),
                                 kind=ImportKind.INITIAL)
    batch.doubts = [(c.field, c.columns, c.reason) for c in service.analyse(session, batch).plan.uncertain()]
    result = service.check(session, batch)
    service.apply(session, batch, result=result)
    session.flush()
    return campaign, batch, result


def open_figures(session, campaign):
    """Invoices still owing something (credit notes included), their debtors, and the open total."""
    rows = session.execute(sa.select(Invoice.debtor_id, Invoice.outstanding_cents).where(
        Invoice.campaign_id == campaign.id, Invoice.outstanding_cents != 0)).all()
    return len(rows), len({d for d, _ in rows}), Decimal(sum(c for _, c in rows)) / 100


def second_owner_of_the_shared_number() -> Decimal:
    """In line_items.csv one number is used by two customers: the second one's balance, read with csv."""
    number = EXPECTED["line_items.csv"]["duplicate_invoice_number"]
    with open(ERP / "line_items.csv", encoding="utf-8-sig", newline="") as handle:
        rows = [r for r in csv.DictReader(handle, delimiter=";") if r["Facture"] == number]
    first = rows[0]["Code client"]
    later = [r for r in rows if r["Code client"] != first]
    return Decimal(re.sub(r"\s", "", later[0]["Solde facture"]).replace(",", "."))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_real_export_loads_with_no_help_to_its_own_totals(session, make, tmp_path, name):
    expected = EXPECTED[name]
    campaign, batch, result = load(session, make, tmp_path, name)
    assert not batch.doubts, batch.doubts          # the command line would have asked for a --map
    invoices, debtors, total = open_figures(session, campaign)
    want_invoices, want_total = expected["invoices"], Decimal(expected["open_total"])
    if name == "line_items.csv":     # a number under a second customer is a duplicate, rejected
        want_invoices, want_total = want_invoices - 1, want_total - second_owner_of_the_shared_number()
        assert result.rejected == sum(1 for r in result.rejections if r.duplicate) > 0
    else:
        assert result.rejected == 0, [(r.row, r.reason) for r in result.rejections][:5]
    assert (invoices, total) == (want_invoices, want_total)
    assert debtors == expected["debtors"]
    if "file_total" in expected:       # the file's own total line agrees with its rows
        assert result.totals.difference == 0


def test_one_row_per_invoice_line_makes_one_invoice_with_the_balance_the_lines_repeat(session, make, tmp_path):
    campaign, _batch, result = load(session, make, tmp_path, "line_items.csv")
    assert result.lines_merged > 0
    invoice = session.scalar(sa.select(Invoice).where(Invoice.campaign_id == campaign.id,
                                                      Invoice.number == "F2026-01281"))
    assert invoice.outstanding_cents == 864_561                         # "Solde facture", not 3 x it
    assert invoice.amount_cents == 59_630 + 44_942 + 759_989            # the three line totals


def test_a_file_without_due_dates_gets_them_from_the_payment_terms_and_says_they_are_estimated(
        session, make, tmp_path):
    campaign, batch, _result = load(session, make, tmp_path, "no_due_date.csv")
    invoices = session.scalars(sa.select(Invoice).where(Invoice.campaign_id == campaign.id)).all()
    assert invoices and all(i.due_date_estimated for i in invoices)
    assert all(i.due_date == i.invoice_date + timedelta(days=30) for i in invoices)   # the law's 30 days
    assert batch.quality["estimated_due_dates"] == len(invoices)

    company = make.client_company(payment_terms_kind="eom_then_days", payment_terms_days=45)
    campaign, _batch, _result = load(session, make, tmp_path / "terms", "no_due_date.csv", company=company)
    terms = PaymentTerms("eom_then_days", 45, True)
    for invoice in session.scalars(sa.select(Invoice).where(Invoice.campaign_id == campaign.id)):
        assert invoice.due_date == terms.due_date(invoice.invoice_date)
    assert session.scalar(sa.select(sa.func.count()).select_from(DebtorAccount)
                          .where(DebtorAccount.campaign_id == campaign.id)) > 0


def test_a_us_export_has_its_phone_numbers_read_as_american_ones(session, make, tmp_path):
    from campaigns.models import Phone
    campaign, _batch, _result = load(session, make, tmp_path, "us_invoices_camelcase.csv")
    numbers = session.scalars(sa.select(Phone.e164).join(DebtorAccount).where(
        DebtorAccount.campaign_id == campaign.id)).all()
    assert numbers and all(n and n.startswith("+1") for n in numbers)
    assert not session.scalar(sa.select(sa.func.count()).select_from(DebtorAccount).where(
        DebtorAccount.campaign_id == campaign.id, DebtorAccount.has_valid_phone.is_(False)))


GROUPED = """Aged Receivables Detail
Brightline Supply Co.
As at 30 November 2026

Invoice Date,Invoice Number,Due Date,Total,Due
Harbor View Logistics LLC
15 Oct 2026,INV-0101,14 Nov 2026,"1,000.00","1,000.00"
20 Oct 2026,INV-0107,19 Nov 2026,500.00,250.00
Total Harbor View Logistics LLC,,,"1,500.00","1,250.00"

Summit Ridge Dental Group
02 Sep 2026,INV-0090,02 Oct 2026,"2,400.00","2,400.00"
Total Summit Ridge Dental Group,,,"2,400.00","2,400.00"

Total,,,"3,900.00","3,650.00"
"""


def test_customers_given_as_group_headings_name_the_invoices_under_them(session, make, tmp_path):
    campaign = make.campaign()
    batch = service.store_upload(session, campaign, "aged.csv", GROUPED.encode(), str(tmp_path))
    analysis = service.analyse(session, batch)
    assert analysis.customer_headings and not analysis.plan.uncertain()
    result = service.check(session, batch)
    service.apply(session, batch, result=result)
    session.flush()
    assert result.rejected == 0 and result.totals.difference == 0
    owed = dict(session.execute(sa.select(DebtorAccount.company_name, DebtorAccount.total_outstanding_cents)
                                .where(DebtorAccount.campaign_id == campaign.id)).all())
    assert owed == {"Harbor View Logistics LLC": 125_000, "Summit Ridge Dental Group": 240_000}
