"""Someone of company B puts company A's ids into URLs of B's own campaign: nothing of A comes back.

The route table tries A's URLs as they are; here the ids are mixed: B's campaign id (which B may see)
with A's debtor, dispute, import batch or export token, and searches for A's names, numbers and invoices.
"""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from campaigns.models import AuditEntry, DebtorAccount, InvoiceMotive, MotiveStatus, Phone, Role

from tests.factories import WebClient

from .conftest import A_MARKER, EXPORT_TOKEN


def _leaks(response) -> bool:
    return A_MARKER in response.get_data()


@pytest.fixture
def b_manager_url(world):
    return f"/campaigns/{world.campaign_b_id}/supervision"


def test_an_agent_of_another_campaign_cannot_open_a_debtor_of_campaign_a_through_their_own(web, world, db):
    web.login(world.users["agent_b"])
    mine = f"/console/campaigns/{world.campaign_b_id}/debtors/{world.ids['debtor_id']}"
    for method, url in (("GET", mine), ("POST", mine + "/open"), ("POST", mine + "/lease"),
                        ("POST", mine + "/release"), ("POST", mine + "/outcome")):
        response = web.get(url) if method == "GET" else web.post(url, data={"result": "right_party"})
        assert response.status_code == 404, (method, url)
        assert not _leaks(response)
    debtor = db.get(DebtorAccount, world.ids["debtor_id"])
    db.refresh(debtor)
    assert debtor.leased_by_id is None


def test_skipping_a_debtor_of_campaign_a_from_campaign_b_does_not_release_it(web, world, db, app_make, app):
    agent_a = world.users["agent"]
    other = WebClient(app.test_client(), app)          # agent A stays logged in (a logout gives its cards back)
    other.login(agent_a)
    other.post(f"/console/campaigns/{world.ids['campaign_id']}/debtors/{world.ids['promised_debtor_id']}/open")
    web.login(world.users["agent_b"])
    response = web.post(f"/console/campaigns/{world.campaign_b_id}/next",
                        data={"held": str(world.ids["promised_debtor_id"])})
    assert response.status_code in (200, 303) and not _leaks(response)
    held = db.get(DebtorAccount, world.ids["promised_debtor_id"])
    db.refresh(held)
    assert held.leased_by_id == agent_a.id


def test_searching_for_a_name_a_phone_or_an_invoice_of_company_a_finds_nothing(web, world, db):
    invoice_number = db.scalar(sa.text("SELECT number FROM invoices WHERE debtor_id = :d"),
                               {"d": world.ids["debtor_id"]})
    phone = db.scalar(sa.select(Phone.raw).where(Phone.debtor_id == world.ids["debtor_id"]))
    web.login(world.users["agent_b"])
    for q in ("Alpha", "Litige", invoice_number, phone):
        for htmx in (False, True):
            response = web.get("/console/search", query_string={"q": q}, htmx=htmx)
            assert response.status_code == 200
            page = response.get_data(as_text=True)
            assert "Alpha Litige" not in page and "Alpha Promesse" not in page, q
    web.post("/logout")
    web.login(world.users["agent"])  # the same searches by A's own agent find the debtor
    for q in ("Litige", invoice_number, phone):
        assert "Alpha Litige SAS" in web.get("/console/search", query_string={"q": q}).get_data(as_text=True), q


def test_a_manager_cannot_resolve_a_dispute_of_campaign_a_through_campaign_b(web, world, db, app_make):
    web.login(world.users["manager"])
    response = web.post(f"/campaigns/{world.campaign_b_id}/supervision/disputes/{world.ids['motive_id']}/resolve",
                        data={"resolution": "wrong campaign"})
    assert response.status_code == 404
    assert db.get(InvoiceMotive, world.ids["motive_id"]).status is MotiveStatus.OPEN


def test_a_manager_cannot_give_a_number_to_a_debtor_of_campaign_a_through_campaign_b(web, world, db):
    web.login(world.users["manager"])
    response = web.post(f"/campaigns/{world.campaign_b_id}/supervision/wrong-numbers/{world.ids['debtor_id']}",
                        data={"phone": "01 45 00 00 00"})
    assert response.status_code == 404
    assert db.scalar(sa.select(sa.func.count()).select_from(Phone).where(
        Phone.debtor_id == world.ids["debtor_id"])) == 1


def test_an_import_batch_of_campaign_a_is_not_reachable_under_campaign_b(web, world):
    web.login(world.users["manager"])
    base = f"/manage/campaigns/{world.campaign_b_id}/imports/{world.ids['batch_id']}"
    for method, url in (("GET", base), ("GET", base + "/rejected.xlsx"), ("GET", base + "/mapping"),
                        ("POST", base + "/mapping"), ("POST", base + "/confirm"), ("POST", base + "/retry")):
        response = web.get(url) if method == "GET" else web.post(url)
        assert response.status_code == 404, (method, url)


def test_client_b_cannot_download_a_recap_of_company_a_with_its_token(web, world, b_manager_url):
    web.login(world.users["client_b"])
    for url in (f"{b_manager_url}/recap/background/{EXPORT_TOKEN}/file",
                f"/campaigns/{world.ids['campaign_id']}/supervision/recap/background/{EXPORT_TOKEN}/file",
                f"/campaigns/{world.ids['campaign_id']}/supervision/recap.xlsx",
                f"/campaigns/{world.ids['campaign_id']}/supervision/enriched.xlsx"):
        response = web.get(url)
        assert response.status_code == 404, url
        assert not _leaks(response)


def test_client_a_downloads_its_own_recap_written_in_the_background(web, world):
    web.login(world.users["client_a"])
    response = web.get(f"/campaigns/{world.ids['campaign_id']}/supervision/recap/background/{EXPORT_TOKEN}/file")
    assert response.status_code == 200 and response.data == b"Alpha recap workbook"


@pytest.mark.parametrize("token", ["../../secret_key", "..%2F..%2Fsecret_key", "0123456789ABCDEF", "1" * 17])
def test_a_crafted_export_token_reaches_no_file(web, world, token):
    web.login(world.users["client_a"])
    response = web.get(f"/campaigns/{world.ids['campaign_id']}/supervision/recap/background/{token}/file")
    assert response.status_code == 404


def test_client_users_and_agents_never_see_the_rejected_rows_of_an_import(web, world):
    url = f"/manage/campaigns/{world.ids['campaign_id']}/imports/{world.ids['batch_id']}/rejected.xlsx"
    for name in ("client_a", "client_b", "agent", "agent_b"):
        web.login(world.users[name])
        assert web.get(url).status_code == 403, name
        web.post("/logout")


def test_a_client_whose_company_has_no_campaign_sees_an_empty_list(web, world, app_make):
    lonely = app_make.user(Role.CLIENT)
    web.login(lonely)
    page = web.get("/").get_data(as_text=True)
    assert "Campagne" not in page or ("Alpha" not in page and "Bravo" not in page)


def test_guessing_ids_leaves_no_audit_entry_behind(web, world, db):
    before = db.scalar(sa.select(sa.func.count()).select_from(AuditEntry))
    web.login(world.users["client_b"])
    web.post(f"/campaigns/{world.ids['campaign_id']}/supervision/recap/background")
    web.get(f"/campaigns/{world.ids['campaign_id']}/supervision/recap.xlsx")
    assert db.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == before
