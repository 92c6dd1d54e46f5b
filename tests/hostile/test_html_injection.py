"""Markup typed into any field comes back escaped on every page that shows it, with and without htmx."""
from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from campaigns.models import (CampaignStatus, DebtorAccount, ImportBatch, ImportKind, ImportRejection, ImportStatus,
                              Role)
from tests.integration.supervision_data import Recorder

PAYLOAD = "<script>window.__pwned=1</script><img src=x onerror=window.__pwned=1>"
RAW = ("<script>window.__pwned", "<img src=x", "onerror=window")
ESCAPED = "&lt;script&gt;window.__pwned=1&lt;/script&gt;"


def assert_escaped(response, expect_payload=True):
    html = response.get_data(as_text=True)
    assert response.status_code in (200, 422), (response.status_code, html[:300])
    for raw in RAW[:2]:
        assert raw not in html
    assert "onerror=window" not in html.replace("&lt;img src=x onerror=window", "")
    if expect_payload:
        assert ESCAPED in html or ESCAPED.replace("&lt;/script&gt;", "") in html, "the payload is not shown at all"


@pytest.fixture
def poisoned(app_make, db, app, tmp_path):
    """A campaign where every text a client, an agent or a manager can type holds the payload."""
    agent = app_make.user(Role.AGENT, name=PAYLOAD[:120])
    manager = app_make.user(Role.MANAGER, name=PAYLOAD[:120])
    admin = app_make.user(Role.ADMIN)
    company = app_make.client_company(name=PAYLOAD)
    campaign = app_make.campaign(client_company=company, agents=[agent], name=PAYLOAD[:200])
    debtor = app_make.debtor(campaign, invoices=[(120_000, 30), (50_000, 20)], company_name=PAYLOAD,
                             contact_names=PAYLOAD, customer_code="C<b>1</b>", last_note=PAYLOAD,
                             segment=PAYLOAD[:80])
    rec = Recorder(db)
    first, second = rec.invoices(debtor)
    first.number = PAYLOAD[:80]
    rec.attempt(db.get(DebtorAccount, debtor.id), agent, notes=PAYLOAD)
    rec.motive(second, "dispute.price", agent, disputed=20_000, details=PAYLOAD, documents=PAYLOAD)
    stored = tmp_path / "poisoned.csv"
    stored.write_bytes(f"Code client;Raison sociale;{PAYLOAD}\nC1;{PAYLOAD};x\n".encode())
    batch = ImportBatch(campaign_id=campaign.id, kind=ImportKind.INITIAL, status=ImportStatus.CHECKED,
                        file_name=PAYLOAD, stored_path=str(stored), sha256="3" * 64, size_bytes=10,
                        rows_read=1, accepted=0, rejected=1, skipped=0, quality={}, mapping={})
    db.add(batch)
    db.flush()
    db.add(ImportRejection(batch_id=batch.id, row_number=2, column=PAYLOAD, reason=PAYLOAD, raw=[PAYLOAD, "x"]))
    db.commit()
    return {"agent": agent, "manager": manager, "admin": admin, "campaign": campaign, "debtor": debtor,
            "batch": batch, "company": company}


def test_the_manager_pages_escape_names_file_names_and_rejected_rows(web, poisoned):
    web.login(poisoned["manager"])
    campaign, batch = poisoned["campaign"].id, poisoned["batch"].id
    assert_escaped(web.get("/"))
    assert_escaped(web.get(f"/manage/campaigns/{campaign}"))
    assert_escaped(web.get(f"/manage/campaigns/{campaign}/imports/{batch}"))
    assert_escaped(web.get(f"/manage/campaigns/{campaign}/imports/{batch}", htmx=True), expect_payload=False)
    assert_escaped(web.get(f"/manage/campaigns/{campaign}/imports/{batch}/mapping"))
    assert_escaped(web.get(f"/manage/campaigns/{campaign}/imports/{batch}/mapping",
                           query_string={"sheet": PAYLOAD}), expect_payload=False)
    assert_escaped(web.get("/manage/campaigns/new"))


def test_the_dashboard_and_the_disputes_list_escape_what_agents_typed(web, poisoned):
    web.login(poisoned["manager"])
    base = f"/campaigns/{poisoned['campaign'].id}/supervision"
    assert_escaped(web.get(base + "/"))
    assert_escaped(web.get(base + "/", htmx=True))
    assert_escaped(web.get(base + "/disputes", htmx=True))
    assert_escaped(web.get(base + "/wrong-numbers", htmx=True), expect_payload=False)


def test_the_console_card_escapes_the_debtor_its_invoices_and_its_history(web, poisoned):
    web.login(poisoned["agent"])
    campaign = poisoned["campaign"].id
    assert_escaped(web.get("/console/"))
    card = web.post(f"/console/campaigns/{campaign}/next", htmx=True)
    assert_escaped(card)
    assert_escaped(web.get(f"/console/campaigns/{campaign}/debtors/{poisoned['debtor'].id}"))
    assert_escaped(web.get("/console/search", query_string={"q": "script"}), expect_payload=False)
    assert_escaped(web.get("/console/search", query_string={"q": PAYLOAD}), expect_payload=False)


def test_the_account_list_escapes_user_names(web, poisoned):
    web.login(poisoned["admin"])
    assert_escaped(web.get("/admin/users"))


def test_an_uploaded_file_with_markup_in_its_name_and_cells_is_shown_escaped(web, app_make, db):
    manager = app_make.user(Role.MANAGER)
    web.login(manager)
    campaign = app_make.campaign(status=CampaignStatus.DRAFT)
    content = (f"Code client;Raison sociale;Téléphone;N° facture;Date échéance;Montant;{PAYLOAD}\n"
               f"C1;{PAYLOAD};01 42 68 53 00;F1;01/02/2026;120,50;x\n").encode()
    response = web.post(f"/manage/campaigns/{campaign.id}/imports",
                        data={"file": (io.BytesIO(content), PAYLOAD + ".csv")}, content_type="multipart/form-data")
    assert response.status_code == 303
    assert_escaped(web.get(response.headers["Location"]))
    stored = db.scalar(sa.select(ImportBatch).where(ImportBatch.campaign_id == campaign.id))
    assert stored.file_name == "script><img src=x onerror=window.__pwned=1>.csv"   # no folders: after the last "/"
    page = web.get(f"/manage/campaigns/{campaign.id}")
    assert_escaped(page, expect_payload=False)
    assert "script&gt;&lt;img src=x onerror=window.__pwned=1&gt;.csv" in page.get_data(as_text=True)
