"""NUL bytes and 10,000-character values in every field the settings, update and closing pages added:
each answers a 4xx with a message or saves a clean value, never a 500."""
from __future__ import annotations

import io

import pytest

from campaigns.models import ClientCompany, Role

HOSTILE = ["a\x00b", "x" * 10_000, "\r\n<script>", "-1", "99999999999999999999"]
SETTINGS = ["legal_name", "address", "postal_code", "city", "siren", "siret", "iban", "bic", "payment_terms_kind",
            "payment_terms_days", "late_interest_rate", "reply_to_email", "new_motive_parent", "new_motive_fr",
            "new_motive_en", "motive-other-label_fr", "motive-other-label_en", "motive-other-order"]


@pytest.mark.parametrize("value", HOSTILE, ids=["nul", "long", "crlf", "negative", "huge"])
def test_every_settings_field_refuses_or_cleans_a_hostile_value(web, app_make, db, value):
    company = app_make.client_company(name="Durand")
    campaign = app_make.campaign(client_company=company)
    web.login(app_make.user(Role.MANAGER))
    url = f"/campaigns/{campaign.id}/client/"
    for name in SETTINGS:
        response = web.post(url, {name: value, "motives_shown": "1", "motive-other-label_fr": "Autre",
                                  "motive-other-active": "1"} | {name: value})
        assert response.status_code in (303, 400, 422), (name, response.status_code)
        if response.status_code == 422:
            assert "field-error" in response.get_data(as_text=True), name
        if response.status_code == 400:  # refused at the edge, before the form: the page says why
            assert "renvoyez" in response.get_data(as_text=True).lower() or "trop" in response.get_data(
                as_text=True), name
    db.expire_all()
    saved = db.get(ClientCompany, company.id)
    for column in ("legal_name", "address", "postal_code", "city", "reply_to_email"):
        assert "\x00" not in (getattr(saved, column) or "")


def test_update_pages_take_hostile_paging_typed_counts_and_recap_ids(web, app_make, db):
    campaign = app_make.campaign()
    web.login(app_make.user(Role.MANAGER))
    text = "Code client;Raison sociale;N° facture;Échéance;Reste dû\nA1;Alpha;F1;01/06/2026;100,00\n"
    response = web.post(f"/manage/campaigns/{campaign.id}/imports", content_type="multipart/form-data",
                        data={"file": (io.BytesIO(text.encode()), "f.csv"), "kind": "payments"})
    assert response.status_code == 303           # refused with a message: no receivables yet
    dashboard = f"/campaigns/{campaign.id}/supervision/recap.xlsx"
    for final in ("abc", "9" * 30, "-1", "1\x00"):
        assert web.get(f"{dashboard}?final={final}").status_code in (200, 400, 404)
