"""The agent's card shows what each invoice owes beyond itself, and the total "pénalités exigibles à ce jour"."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from campaigns import clock
from campaigns.models import Invoice, LegalRate, Role


def _open_card(web, app_make, db, company, invoices):
    agent = app_make.user(Role.AGENT, name="Alice Martin")
    campaign = app_make.campaign(agents=[agent], client_company=company)
    debtor = app_make.debtor(campaign, invoices=invoices, company_name="Boulangerie Martin")
    db.commit()
    web.login(agent)
    card = web.post(f"/console/campaigns/{campaign.id}/next", htmx=True)
    assert card.status_code == 200
    return card.text, debtor


def test_the_card_shows_each_invoices_penalties_and_the_total_at_the_terms_rate(web, app_make, db):
    company = app_make.client_company(name="Durand SA", late_interest_rate=Decimal("12"))
    # 1 000 € 73 days late: 100000 × 12 % × 73/365 = 2400 cents + 40 €; 500 € 146 days late: 2400 cents + 40 €
    text, _debtor = _open_card(web, app_make, db, company, [(100_000, 73), (50_000, 146)])
    assert text.count("64,00\u00a0€") >= 2
    assert "Pénalités exigibles à ce jour : 128,00\u00a0€" in text
    assert "2 indemnités de 40 €" in text and "intérêts 48,00\u00a0€ au taux de 12,00 %" in text
    assert "taux BCE" not in text


def test_with_no_terms_rate_the_law_s_default_is_said_and_an_estimated_due_date_is_marked(web, app_make, db):
    company = app_make.client_company(name="Martin SARL")
    today = clock.today()
    half = date(today.year, 1 if today.month <= 6 else 7, 1)
    before = date(half.year - 1, 7, 1) if half.month == 1 else date(half.year, 1, 1)
    for starts in (before, half):   # the ten days may straddle a half-year: the same rate on both sides
        db.add(LegalRate(kind=LegalRate.ECB_REFI, starts_on=starts, rate=Decimal("2.15"), source="ECB test"))
    db.commit()
    text, debtor = _open_card(web, app_make, db, company, [(100_000, 10)])
    db.execute(sa.update(Invoice).where(Invoice.debtor_id == debtor.id).values(due_date_estimated=True))
    db.commit()
    # 10 days at 12.15 %: 100000 × 12.15 % × 10/365 = 332.88 cents → 3,33 €; + 40 €
    page = web.get(f"/console/campaigns/{debtor.campaign_id}", htmx=True).text
    assert "Pénalités exigibles à ce jour : 43,33\u00a0€" in page
    assert "au taux de 12,15 % (taux BCE + 10 points)" in page
    assert "en partie sur des échéances estimées" in page
