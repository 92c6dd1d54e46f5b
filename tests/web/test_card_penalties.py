"""The agent's card shows what each invoice owes beyond itself, and the total "pénalités exigibles à ce jour"."""
from __future__ import annotations

import html
import re
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
import sqlalchemy as sa

from campaigns import clock
from campaigns.models import (Invoice, InvoiceMotive, LegalRate, Motive, PaymentMethod, Promise, PromiseStatus,
                              Role)

NB = "\u00a0"   # money and percentages never break before their sign


def _text(fragment: str) -> str:
    """What a reader sees of some HTML: tags dropped, entities decoded, spaces collapsed (no-break kept)."""
    return re.sub(r"[ \t\r\n]+", " ", html.unescape(re.sub(r"<[^>]+>", "", fragment))).strip()


class Card:
    """The card as the agent reads it: the penalty of each invoice (by number) and the total line."""

    def __init__(self, page: str):
        self.page = page
        rows = re.findall(r"<tr class=\"status-\w+\"><td>([^<]+)</td>.*?<td class=\"num penalty\"[^>]*>(.*?)</td>",
                          page, re.S)
        self.penalties = {number: _text(cell) for number, cell in rows}
        total = re.search(r'<p class="penalties" id="card-penalties">(.*?)</p>', page, re.S)
        self.total = _text(total.group(1)) if total else None


@pytest.fixture
def card(web, app_make, db):
    """Open a debtor's card as its campaign's agent: card(company, invoices, **debtor) -> (Card, debtor)."""
    def open_card(company, invoices, prepare=None, **debtor_fields):
        agent = app_make.user(Role.AGENT, name="Alice Martin")
        campaign = app_make.campaign(agents=[agent], client_company=company)
        debtor = app_make.debtor(campaign, invoices=invoices, company_name="Boulangerie Martin", **debtor_fields)
        db.flush()
        if prepare:
            prepare(debtor, db.scalars(sa.select(Invoice).where(Invoice.debtor_id == debtor.id)
                                       .order_by(Invoice.number)).all())
        db.commit()
        web.login(agent)
        page = web.get(f"/console/campaigns/{campaign.id}/debtors/{debtor.id}", htmx=True)
        assert page.status_code == 200
        return Card(page.text), debtor
    return open_card


def _ecb(db, *rates: tuple[date, str]):
    for starts, rate in rates:
        db.add(LegalRate(kind=LegalRate.ECB_REFI, starts_on=starts, rate=Decimal(rate), source="ECB test"))


def _half_years() -> tuple[date, date]:
    """The start of the current half-year and of the one before."""
    today = clock.today()
    half = date(today.year, 1 if today.month <= 6 else 7, 1)
    return (date(half.year - 1, 7, 1) if half.month == 1 else date(half.year, 1, 1)), half


def test_each_invoice_shows_its_penalties_and_the_total_says_indemnities_and_interest_at_the_terms_rate(
        card, app_make):
    company = app_make.client_company(name="Durand SA", late_interest_rate=Decimal("12"))
    # 1 000 € 73 days late: 100000 × 12/100 × 73/365 = 2400 cents = 24,00 € + 40 € = 64,00 €
    # 500 € 146 days late:   50000 × 12/100 × 146/365 = 2400 cents = 24,00 € + 40 € = 64,00 €
    shown, debtor = card(company, [(100_000, 73), (50_000, 146)])
    assert sorted(shown.penalties.values()) == [f"64,00{NB}€", f"64,00{NB}€"]
    assert shown.total == (f"Pénalités exigibles à ce jour : 128,00{NB}€ "
                           f"(indemnités 2 × 40{NB}€, intérêts 48,00{NB}€ au taux 12,00{NB}%)")
    assert "indemnité 40,00" in shown.page and "intérêts 24,00" in shown.page   # the breakdown, on hovering


def test_with_no_terms_rate_the_card_names_the_legal_rate_and_marks_an_estimated_due_date(card, app_make, db):
    company = app_make.client_company(name="Martin SARL")
    before, half = _half_years()
    _ecb(db, (before, "2.15"), (half, "2.15"))   # ten days may straddle a half-year: the same rate on both sides

    def estimated(_debtor, invoices):
        invoices[0].due_date_estimated = True
    # 10 days at 2,15 + 10 = 12,15 %: 100000 × 12.15/100 × 10/365 = 332.88 cents → 3,33 €; + 40 € = 43,33 €
    shown, _debtor = card(company, [(100_000, 10)], prepare=estimated)
    assert list(shown.penalties.values()) == [f"43,33{NB}€ estimée"]
    assert shown.total == (f"Pénalités exigibles à ce jour : 43,33{NB}€ (indemnité 40{NB}€, intérêts 3,33{NB}€ "
                           f"au taux légal BCE + 10 pts, soit 12,15{NB}%) · en partie sur des échéances estimées")


def test_interest_over_two_half_years_gives_both_legal_rates(card, app_make, db):
    company = app_make.client_company(name="Martin SARL")
    before, half = _half_years()
    _ecb(db, (before, "4.50"), (half, "2.15"))
    today = clock.today()
    late = (today - half).days + 11          # the last 10 days of the half-year before, then this one to today
    # 100000 × 14.50/100 × 10/365 + 100000 × 12.15/100 × (today − half + 1)/365, rounded once, + 40 €
    interest = (Decimal(100_000) * Decimal("14.50") / 100 * 10 / 365
                + Decimal(100_000) * Decimal("12.15") / 100 * ((today - half).days + 1) / 365)
    cents = int(interest.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    euros = f"{cents // 100},{cents % 100:02d}"
    total = cents + 4_000
    shown, _debtor = card(company, [(100_000, late)])
    assert shown.total == (f"Pénalités exigibles à ce jour : {total // 100},{total % 100:02d}{NB}€ "
                           f"(indemnité 40{NB}€, intérêts {euros}{NB}€ au taux légal BCE + 10 pts, "
                           f"soit de 12,15 à 14,50{NB}%)")


def test_waived_penalties_are_struck_out_and_left_out_of_the_total_and_an_offered_waiver_is_dated(
        card, app_make, db):
    company = app_make.client_company(name="Durand SA", late_interest_rate=Decimal("12"))
    until = clock.today() + timedelta(days=5)

    def promises(debtor, invoices):
        kept, pending = invoices   # F…-1 (73 days), F…-2 (146 days)
        for invoice, status, waiver in ((kept, PromiseStatus.KEPT, "granted"),
                                        (pending, PromiseStatus.PENDING, "offered")):
            db.add(Promise(campaign_id=debtor.campaign_id, debtor_id=debtor.id, promised_date=until,
                           amount_cents=invoice.outstanding_cents, method=PaymentMethod.TRANSFER, status=status,
                           penalty_waiver=waiver, penalties_waived_if_paid_by=until, invoices=[invoice]))
    # Each invoice: 24,00 € interest at 12 % (as above) + 40 € = 64,00 €; the kept promise's are waived.
    shown, _debtor = card(company, [(100_000, 73), (50_000, 146)], prepare=promises)
    waived, offered = (shown.penalties[n] for n in sorted(shown.penalties))
    assert waived == f"64,00{NB}€ abandonnées"
    assert offered == f"64,00{NB}€ abandon proposé"
    assert re.search(r"<s><span[^>]*>64,00\xa0€</span></s>", shown.page)
    assert shown.total == (f"Pénalités exigibles à ce jour : 64,00{NB}€ "
                           f"(indemnité 40{NB}€, intérêts 24,00{NB}€ au taux 12,00{NB}%) "
                           f"· 64,00{NB}€ abandonnés · abandonnées si paiement au plus tard le {until:%d/%m/%Y}")


def test_collective_proceedings_stop_the_interest_and_cancel_the_indemnity(card, app_make, db):
    company = app_make.client_company(name="Durand SA", late_interest_rate=Decimal("12"))
    opened = clock.today() - timedelta(days=30)

    def proceedings(debtor, invoices):
        insolvency = db.scalar(sa.select(Motive).where(Motive.code == "insolvency",
                                                       Motive.client_company_id.is_(None)))
        db.add(InvoiceMotive(campaign_id=debtor.campaign_id, debtor_id=debtor.id, invoice_id=invoices[0].id,
                             motive_id=insolvency.id, proceedings_opened_on=opened))
    # Due 73 days ago, issued before the opening 30 days ago: interest for 43 days only, no indemnity:
    # 100000 × 12/100 × 43/365 = 1413.70 cents → 14,14 €
    shown, _debtor = card(company, [(100_000, 73)], prepare=proceedings)
    assert list(shown.penalties.values()) == [f"14,14{NB}€ proc. collective"]
    assert f"le {opened:%d/%m/%Y} ; pas d'indemnité" in html.unescape(shown.page)
    assert shown.total == f"Pénalités exigibles à ce jour : 14,14{NB}€ (intérêts 14,14{NB}€ au taux 12,00{NB}%)"


def test_invoices_in_another_currency_show_no_penalties(card, app_make, db):
    company = app_make.client_company(name="Durand SA", late_interest_rate=Decimal("12"))

    def dollars(_debtor, invoices):
        for invoice in invoices:
            invoice.currency = "USD"
    shown, _debtor = card(company, [(100_000, 73)], prepare=dollars, currency="USD")
    assert list(shown.penalties.values()) == [""]
    assert shown.total is None and "Pénalités exigibles" not in shown.page
    assert f"1\u202f000,00{NB}USD" in shown.page and f"1\u202f000,00{NB}€" not in shown.page


def test_an_invoice_not_yet_due_has_no_penalties_beside_one_past_due(card, app_make):
    company = app_make.client_company(name="Durand SA", late_interest_rate=Decimal("12"))
    # Due in 5 days: nothing; 73 days late: 24,00 € + 40 € (as above)
    shown, _debtor = card(company, [(100_000, -5), (100_000, 73)])
    assert sorted(shown.penalties.values()) == ["", f"64,00{NB}€"]
    assert shown.total.startswith(f"Pénalités exigibles à ce jour : 64,00{NB}€ (indemnité 40{NB}€,")
