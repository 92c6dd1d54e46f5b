"""The agent's levers on penalties: a promise made with "pénalités abandonnées si paiement au plus tard le …",
and the opening date asked when the debtor says it is under collective proceedings."""
from __future__ import annotations

import html
from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa

from campaigns import clock, penalties
from campaigns.models import InvoiceMotive, Promise, Role


def _desk(app_make, db):
    agent = app_make.user(Role.AGENT, name="Alice Martin")
    company = app_make.client_company(name="Durand SA", late_interest_rate=Decimal("12"))
    campaign = app_make.campaign(agents=[agent], client_company=company)
    debtor = app_make.debtor(campaign, invoices=[(100_000, 73)], company_name="Boulangerie Martin")
    db.commit()
    return agent, campaign, debtor


def _card(web, campaign):
    url = f"/console/campaigns/{campaign.id}"
    card = web.post(url + "/next", htmx=True)
    debtor_id = int(card.data.split(b'data-debtor="')[1].split(b'"')[0])
    return f"{url}/debtors/{debtor_id}/outcome"


def test_a_promise_with_a_penalty_waiver_is_recorded_as_offered(web, app_make, db):
    agent, campaign, debtor = _desk(app_make, db)
    web.login(agent)
    outcome = _card(web, campaign)
    day = (clock.today(campaign) + timedelta(days=5)).strftime("%d/%m/%Y")
    too_early = (clock.today(campaign) + timedelta(days=2)).strftime("%d/%m/%Y")
    form = {"outcome": "contact", "promise_on": "1", "promise_date": day, "promise_amount": "1000,00",
            "promise_method": "virement", "request_key": "p1"}
    refused = web.post(outcome, form | {"promise_waive_until": too_early}, htmx=True)
    assert refused.status_code == 422
    assert "Les pénalités peuvent être abandonnées pour un paiement au plus tard" in refused.text
    saved = web.post(outcome, form | {"promise_waive_until": day}, htmx=True)
    assert saved.status_code == 200 and "Appel enregistré" in saved.text
    db.expire_all()
    promise = db.scalar(sa.select(Promise))
    assert promise.penalty_waiver == "offered" and promise.penalties_waived_if_paid_by.strftime("%d/%m/%Y") == day
    owed = penalties.for_debtors(db, campaign, [debtor.id])[debtor.id]
    assert owed.offered_until == promise.penalties_waived_if_paid_by and owed.total_cents == 6400


def test_collective_proceedings_need_their_opening_date_and_cancel_the_indemnity(web, app_make, db):
    agent, campaign, debtor = _desk(app_make, db)
    web.login(agent)
    outcome = _card(web, campaign)
    form = {"outcome": "contact", "motive_on": "1", "motive_1_code": "insolvency", "request_key": "m1"}
    missing = web.post(outcome, form, htmx=True)
    assert missing.status_code == 422 and "Indiquez la date d'ouverture de la procédure" in html.unescape(missing.text)
    opened = clock.today(campaign) - timedelta(days=30)
    saved = web.post(outcome, form | {"motive_1_opened": opened.strftime("%d/%m/%Y")}, htmx=True)
    assert saved.status_code == 200, saved.text[:300]
    db.expire_all()
    assert db.scalar(sa.select(InvoiceMotive.proceedings_opened_on)) == opened
    owed = penalties.for_debtors(db, campaign, [debtor.id])[debtor.id]
    # The invoice arose before the opening: no indemnity, interest for the 43 days up to the opening only:
    # 100000 × 12 % × 43/365 = 1413.70 cents
    assert owed.indemnity_cents == 0 and owed.interest_cents == 1414
