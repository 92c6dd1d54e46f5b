"""A safe close: confirmed first, reopened until the purge, and one final recap kept per close."""
from __future__ import annotations

import hashlib

import sqlalchemy as sa

from campaigns.models import Campaign, CampaignStatus, FinalRecap, Role


def test_close_then_reopen_then_close_again_gives_two_final_recaps_the_first_superseded(web, app_make, db):
    campaign = app_make.campaign(name="Relance T4")
    app_make.debtor(campaign, company_name="Roux SARL")
    web.login(app_make.user(Role.MANAGER))
    manage = f"/manage/campaigns/{campaign.id}"
    dashboard = f"/campaigns/{campaign.id}/supervision/"

    page = web.get(manage).get_data(as_text=True)
    assert "Clôturer la campagne…" in page and 'action="/manage/campaigns/%d/status/close"' % campaign.id not in page
    unconfirmed = web.post(f"{manage}/status/close")
    assert unconfirmed.headers["Location"].endswith(f"{manage}/close")          # to the confirmation page
    db.expire_all()
    assert db.get(Campaign, campaign.id).status is CampaignStatus.ACTIVE
    assert "arrête aussitôt les appels" in web.get(f"{manage}/close").get_data(as_text=True)

    web.post(f"{manage}/status/close", {"confirmed": "1"})
    first = web.get(f"{dashboard}recap.xlsx")
    again = web.get(f"{dashboard}recap.xlsx")
    assert first.status_code == 200 and hashlib.sha256(first.data).digest() == hashlib.sha256(again.data).digest()
    db.expire_all()
    assert db.scalar(sa.select(sa.func.count()).select_from(FinalRecap)) == 1   # written once, kept

    assert web.post(f"{manage}/status/reopen").status_code == 303
    db.expire_all()
    assert db.get(Campaign, campaign.id).status is CampaignStatus.PAUSED
    [superseded] = db.scalars(sa.select(FinalRecap)).all()
    assert superseded.superseded_at is not None
    assert "remplacé le" in web.get(dashboard).get_data(as_text=True)
    kept = web.get(f"{dashboard}recap.xlsx?final={superseded.id}")
    assert kept.status_code == 200 and kept.data == first.data and "remplace" in kept.headers["Content-Disposition"]

    web.post(f"{manage}/status/start")
    web.post(f"{manage}/status/close", {"confirmed": "1"})
    second = web.get(f"{dashboard}recap.xlsx")
    assert second.status_code == 200
    db.expire_all()
    recaps = db.scalars(sa.select(FinalRecap).order_by(FinalRecap.id)).all()
    assert len(recaps) == 2 and recaps[0].superseded_at and recaps[1].superseded_at is None
    page = web.get(dashboard).get_data(as_text=True)
    assert page.count("Récapitulatif final du") == 2


def test_after_the_purge_the_campaign_cannot_be_reopened_and_its_kept_recaps_are_gone(web, app_make, db):
    campaign = app_make.campaign()
    app_make.debtor(campaign)
    web.login(app_make.user(Role.MANAGER))
    manage = f"/manage/campaigns/{campaign.id}"
    web.post(f"{manage}/status/close", {"confirmed": "1"})
    web.get(f"/campaigns/{campaign.id}/supervision/recap.xlsx")
    assert web.post(f"/campaigns/{campaign.id}/supervision/purge").status_code == 303
    db.expire_all()
    [recap] = db.scalars(sa.select(FinalRecap)).all()
    assert recap.path is None
    web.post(f"{manage}/status/reopen")
    db.expire_all()
    assert db.get(Campaign, campaign.id).status is CampaignStatus.CLOSED
    assert "ne peut pas être rouverte" in web.get(manage).get_data(as_text=True) or \
        "ne peut plus être rouverte" in web.get(manage).get_data(as_text=True)
