"""Crafted file names stay harmless, and requests past the limits get a clear answer in French, not a crash."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.manage.imports import original_name
from campaigns.models import CampaignStatus, DebtorAccount, ImportBatch, Role

CSV = ("Code client;Raison sociale;Téléphone;N° facture;Date échéance;Montant\n"
       "C1;Dupont SA;01 42 68 53 00;F1;01/02/2026;120,50\n")
TRICKS = {
    "../../etc/passwd.csv": "passwd.csv",
    "/etc/passwd.csv": "passwd.csv",
    "clients\x00.csv": "clients.csv",
    "clients.c\x00sv": "clients.csv",
    "\u202eclients.csv": "clients.csv",
    "..": "fichier",
    "a" * 5_000 + ".csv": "a" * 251 + ".csv",
}


def upload(web, campaign, name, content=CSV.encode(), htmx=False):
    return web.post(f"/manage/campaigns/{campaign.id}/imports", htmx=htmx,
                    data={"file": (io.BytesIO(content), name), "kind": "initial"}, content_type="multipart/form-data")


@pytest.mark.parametrize("sent, kept", list(TRICKS.items()), ids=lambda v: repr(v)[:30])
def test_a_crafted_file_name_is_stored_inside_the_upload_folder_and_kept_harmless(web, app_make, db, app, sent, kept):
    web.login(app_make.user(Role.MANAGER))
    campaign = app_make.campaign(status=CampaignStatus.DRAFT)
    response = upload(web, campaign, sent)
    assert response.status_code == 303, response.get_data(as_text=True)[:300]
    batch = db.scalar(sa.select(ImportBatch).where(ImportBatch.campaign_id == campaign.id))
    folder = Path(app.config["UPLOAD_FOLDER"]).resolve()
    stored = Path(batch.stored_path).resolve()
    assert stored.is_relative_to(folder) and stored.read_bytes() == CSV.encode()
    assert batch.file_name == kept
    page = web.get(response.headers["Location"])
    assert page.status_code == 200 and kept[:60] in page.get_data(as_text=True)


def test_a_windows_path_keeps_only_the_file_name():
    # What an old browser sends raw (the test client's multipart encoder would eat the backslashes).
    assert original_name("C:\\Users\\Nadia\\..\\..\\Windows\\clients.csv") == "clients.csv"
    assert original_name("..\\..\\boot.ini.csv") == "boot.ini.csv"
    assert original_name("\\\\server\\share\\x.xlsx") == "x.xlsx"


def test_the_original_name_keeps_its_extension_when_it_is_cut():
    assert original_name("x" * 300 + ".xlsx") == "x" * 250 + ".xlsx"
    assert len(original_name("y" * 300)) == 255


@pytest.fixture
def small_app(app):
    """The app with a 1 MB upload limit (MAX_UPLOAD_MB), as create_app derives MAX_CONTENT_LENGTH from it."""
    app.config["MAX_UPLOAD_MB"] = 1
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024 + 64 * 1024
    return app


def test_an_upload_over_the_limit_gets_a_413_page_in_french_and_nothing_is_stored(web, app_make, db, small_app):
    web.login(app_make.user(Role.MANAGER))
    campaign = app_make.campaign(status=CampaignStatus.DRAFT)
    big = CSV.encode() + b"C2;Durand;;F2;01/02/2026;1\n" * 60_000
    response = upload(web, campaign, "gros.csv", big)
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "Le fichier dépasse la limite de 1 Mo." in html and "<html" in html
    assert db.scalar(sa.select(sa.func.count()).select_from(ImportBatch)) == 0
    assert db.scalar(sa.select(sa.func.count()).select_from(DebtorAccount)) == 0


def test_an_htmx_upload_over_the_limit_gets_the_message_alone(web, app_make, small_app):
    web.login(app_make.user(Role.MANAGER))
    campaign = app_make.campaign(status=CampaignStatus.DRAFT)
    response = upload(web, campaign, "gros.csv", b"x" * 2_000_000, htmx=True)
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "Le fichier dépasse la limite de 1 Mo." in html and "<html" not in html and 'role="alert"' in html


def test_a_file_just_under_the_http_limit_but_over_the_upload_limit_is_refused_clearly(web, app_make, small_app):
    web.login(app_make.user(Role.MANAGER))
    campaign = app_make.campaign(status=CampaignStatus.DRAFT)
    response = upload(web, campaign, "presque.csv", CSV.encode() + b"x;" * 510_000 + b"\n")
    assert response.status_code == 303   # back to the campaign page, with the reason
    page = web.get(response.headers["Location"]).get_data(as_text=True)
    assert "Le fichier dépasse la limite de 1 Mo." in page


def test_an_oversized_form_post_gets_a_413_in_french(web, app_make, app):
    web.login(app_make.user(Role.MANAGER))
    # Werkzeug keeps at most MAX_FORM_MEMORY_SIZE (500 kB) of a multipart form's text fields in memory.
    response = web.post("/manage/campaigns/new", data={"new_client": "Acme", "name": "x" * 700_000},
                        content_type="multipart/form-data")
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "Un champ du formulaire est trop long" in html


def test_a_request_body_over_the_limit_that_is_not_a_file_gets_a_413_in_french(web, app_make, small_app):
    web.login(app_make.user(Role.MANAGER))
    response = web.post("/manage/campaigns/new", data={"new_client": "Acme", "name": "x" * 1_200_000})
    assert response.status_code == 413
    assert "trop volumineux pour être reçu" in response.get_data(as_text=True)


def test_a_huge_form_post_is_refused_before_it_is_read_even_without_a_file_limit_in_sight(web, app_make, app):
    """Only uploads may be large: a 2 MB urlencoded post (far under the 100 MB upload limit) is refused with a 413,
    before anything reads it, even on the login page that anyone can reach."""
    assert app.config["MAX_UPLOAD_MB"] >= 100
    response = web.post("/login", data={"email": "a@b.fr", "password": "x" * 2_000_000})
    assert response.status_code == 413
    assert "trop volumineux pour être reçu" in response.get_data(as_text=True)
    web.login(app_make.user(Role.MANAGER))
    response = web.post("/manage/campaigns/new", data={"new_client": "Acme", "name": "x" * 1_100_000})
    assert response.status_code == 413
