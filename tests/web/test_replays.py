"""A form sent again does not act twice, nor somewhere else: a call's request key belongs to one debtor and
one agent, and an import whose mapping was confirmed and loaded cannot be mapped again."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.factories import WebClient

from campaigns.models import CallAttempt, CampaignStatus, DebtorAccount, ImportBatch, ImportStatus, Role

DATA = Path(__file__).resolve().parents[1] / "data"


def claim(web, url):
    card = web.post(url + "/next", htmx=True)
    assert card.status_code == 200
    return shown(card)


def shown(response):
    return int(response.data.split(b'data-debtor="')[1].split(b'"')[0])


def calls_on(db, debtor_id):
    db.expire_all()
    return db.scalars(sa.select(CallAttempt).where(CallAttempt.debtor_id == debtor_id)).all()


def test_a_request_key_reused_on_another_debtor_is_refused_and_records_nothing_there(web, app_make, db):
    agent = app_make.user(Role.AGENT, name="Alice Martin")
    campaign = app_make.campaign(agents=[agent])
    for name in ("Alpha", "Bravo"):
        app_make.debtor(campaign, invoices=[(120_000, 40)], company_name=f"Société {name}")
    web.login(agent)
    url = f"/console/campaigns/{campaign.id}"
    first = claim(web, url)
    saved = web.post(f"{url}/debtors/{first}/outcome", {"outcome": "no_answer", "request_key": "k1"}, htmx=True)
    assert saved.status_code == 200 and "Appel enregistré" in saved.text
    second = shown(saved)   # the next debtor follows
    assert second != first

    reused = web.post(f"{url}/debtors/{second}/outcome", {"outcome": "busy", "request_key": "k1"}, htmx=True)
    assert reused.status_code == 409
    assert "Ce formulaire a déjà servi pour un autre appel" in reused.text
    assert "Appel enregistré" not in reused.text
    assert calls_on(db, second) == []
    assert [a.result.value for a in calls_on(db, first)] == ["no_answer"]
    # With a fresh key, the same call goes through.
    assert web.post(f"{url}/debtors/{second}/outcome", {"outcome": "busy", "request_key": "k2"},
                    htmx=True).status_code == 200
    assert [a.result.value for a in calls_on(db, second)] == ["busy"]


def test_a_request_key_of_another_agent_is_refused(web, app_make, db):
    alice, bruno = app_make.user(Role.AGENT, name="Alice Martin"), app_make.user(Role.AGENT, name="Bruno Petit")
    campaign = app_make.campaign(agents=[alice, bruno])
    for name in ("Alpha", "Bravo", "Charlie"):
        app_make.debtor(campaign, invoices=[(120_000, 40)], company_name=f"Société {name}")
    url = f"/console/campaigns/{campaign.id}"
    web.login(alice)
    hers = claim(web, url)
    assert web.post(f"{url}/debtors/{hers}/outcome", {"outcome": "no_answer", "request_key": "alice-1"},
                    htmx=True).status_code == 200
    other = WebClient(web.app.test_client(), web.app)
    other.login(bruno)
    his = claim(other, url)
    answer = other.post(f"{url}/debtors/{his}/outcome", {"outcome": "voicemail", "request_key": "alice-1"},
                        htmx=True)
    assert answer.status_code == 409 and "Rechargez la fiche" in answer.text
    assert calls_on(db, his) == []


@pytest.fixture
def jobs_run_at_once():
    """huey's immediate mode: the background load runs inside the confirming request."""
    from app.worker import huey
    huey.immediate = True
    yield
    huey.immediate = False


def test_posting_the_mapping_of_a_loaded_import_again_is_refused_and_the_import_stays_loaded(
        web, app_make, db, jobs_run_at_once):
    web.login(app_make.user(Role.MANAGER))
    campaign = app_make.campaign(status=CampaignStatus.DRAFT)
    name = "sage_balance_cp1252.csv"
    mapping_url = web.post(f"/manage/campaigns/{campaign.id}/imports", content_type="multipart/form-data",
                           data={"file": (io.BytesIO((DATA / name).read_bytes()), name), "kind": "initial"}
                           ).headers["Location"]
    form = {f"col-{i}": f for i, f in enumerate(
        ["customer_code", "company_name", "siren", "contact_name", "phone", "phone", "email", "invoice_number",
         "invoice_date", "due_date", "amount", "outstanding", "segment"])}
    batch_url = web.post(mapping_url, data=form).headers["Location"]
    assert web.post(f"{batch_url}/confirm").status_code == 303
    assert "5 débiteurs et 12 factures" in web.get(batch_url, htmx=True).get_data(as_text=True)
    batch = db.scalar(sa.select(ImportBatch))
    db.expire_all()
    assert db.get(ImportBatch, batch.id).status is ImportStatus.APPLIED

    again = web.post(mapping_url, data={**form, "col-11": "amount", "col-10": "outstanding"})
    assert again.status_code == 303 and again.headers["Location"].endswith(batch_url.split("://")[-1][-20:])
    page = web.get(again.headers["Location"]).get_data(as_text=True)
    assert "Ce fichier est déjà chargé" in page
    db.expire_all()
    assert db.get(ImportBatch, batch.id).status is ImportStatus.APPLIED
    assert db.scalar(sa.select(sa.func.count()).select_from(DebtorAccount)) == 5
