"""A manager keeps the client company's settings; every field is checked; the client's users read them."""
from __future__ import annotations

import html
import re
from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from campaigns import clock
from campaigns.models import AuditEntry, ClientCompany, LegalRate, Role

GOOD = {"legal_name": "Fournitures Durand SAS", "address": "12 rue des Lilas\nBâtiment B", "postal_code": "69003",
        "city": "Lyon", "siren": "732 829 320", "siret": "732 829 320 00074",
        "iban": "FR76 3000 6000 0112 3456 7890 189", "bic": "BNPAFRPP", "payment_terms_kind": "eom_then_days",
        "payment_terms_days": "45", "late_interest_rate": "12,5", "reply_to_email": "compta@durand.fr"}


def setup(app_make, db, legal="3.00"):
    company = app_make.client_company(name="Durand")
    campaign = app_make.campaign(client_company=company)
    today = clock.today(campaign)
    db.add(LegalRate(kind=LegalRate.LEGAL_INTEREST, starts_on=date(today.year, 1 if today.month <= 6 else 7, 1),
                     rate=Decimal(legal), source="test"))
    db.commit()
    return company, campaign, f"/campaigns/{campaign.id}/client/"


def test_a_manager_saves_every_setting_and_reads_it_back(web, app_make, db):
    company, campaign, url = setup(app_make, db)
    web.login(app_make.user(Role.MANAGER))
    response = web.post(url, GOOD)
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    db.expire_all()
    saved = db.get(ClientCompany, company.id)
    assert (saved.siren, saved.siret, saved.iban, saved.bic) == (
        "732829320", "73282932000074", "FR7630006000011234567890189", "BNPAFRPP")
    assert (saved.payment_terms_kind, saved.payment_terms_days, saved.late_interest_rate) == (
        "eom_then_days", 45, Decimal("12.500"))
    assert saved.address == "12 rue des Lilas\nBâtiment B"
    page = web.get(url).get_data(as_text=True)
    assert "FR76 3000 6000 0112 3456 7890 189" in page and "12,5" in page
    [entry] = db.scalars(sa.select(AuditEntry).where(AuditEntry.action == "client.settings")).all()
    assert "iban" in entry.details["fields"]


def test_a_wrong_iban_a_wrong_siren_key_and_a_rate_below_the_floor_are_each_refused_and_nothing_is_saved(
        web, app_make, db):
    company, campaign, url = setup(app_make, db, legal="3.00")
    web.login(app_make.user(Role.MANAGER))
    bad = {**GOOD, "iban": "FR76 3000 6000 0112 3456 7890 188", "siren": "732 829 321",
           "siret": "", "late_interest_rate": "8,9"}
    response = web.post(url, bad)
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    assert "La clé de cet IBAN est fausse" in page and "La clé de ce SIREN est fausse" in page
    assert "trois fois le taux d'intérêt légal (3 %), soit 9 %" in page
    assert 'value="FR76 3000 6000 0112 3456 7890 188"' in page        # what was typed stays in the form
    db.expire_all()
    assert db.get(ClientCompany, company.id).iban is None


def test_terms_beyond_the_law_and_a_logo_that_is_not_an_image_are_refused(web, app_make, db):
    _company, _campaign, url = setup(app_make, db)
    web.login(app_make.user(Role.MANAGER))
    import io
    response = web.post(url, {**GOOD, "payment_terms_kind": "net", "payment_terms_days": "75",
                              "logo": (io.BytesIO(b"%PDF-1.4 not an image"), "logo.png")},
                        content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "au plus 60 jours" in page and "PNG ou JPEG" in page


def test_the_clients_own_user_reads_the_settings_but_cannot_change_them(web, app_make, db):
    company, _campaign, url = setup(app_make, db)
    company.iban = "FR7630006000011234567890189"
    db.commit()
    web.login(app_make.user(Role.CLIENT, client_company=company))
    page = web.get(url).get_data(as_text=True)
    assert "FR76 3000 6000 0112 3456 7890 189" in page and "readonly" in page
    assert "Enregistrer les paramètres" not in page
    assert web.post(url, GOOD).status_code == 403


def test_without_the_half_years_legal_rate_the_floor_cannot_be_checked_and_the_page_says_so(web, app_make, db):
    company = app_make.client_company(name="Sans taux")
    campaign = app_make.campaign(client_company=company)
    web.login(app_make.user(Role.MANAGER))
    page = html.unescape(web.post(f"/campaigns/{campaign.id}/client/", GOOD).get_data(as_text=True))
    assert "flask rates add" in page and re.search(r"n'est pas encore enregistré", page)
