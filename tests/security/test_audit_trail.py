"""Who did what: every change people make through the app leaves an audit entry naming them,
and nothing in the app can rewrite or delete those entries."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from campaigns.models import AuditEntry, User
from tests.factories import WebClient

from .conftest import ROLE_NAMES
from .test_route_roles import routes, url_for_rule


def entries(db, action, **where):
    db.expire_all()
    query = sa.select(AuditEntry).where(AuditEntry.action == action)
    for name, value in where.items():
        query = query.where(getattr(AuditEntry, name) == value)
    return list(db.scalars(query))


def test_an_admin_creating_and_disabling_an_account_is_recorded(web, world, db):
    admin = world.users["admin"]
    web.login(admin)
    assert web.post("/admin/users", data={"email": "nouveau@example.fr", "name": "Nouveau", "role": "agent",
                                          "client_company_id": "0", "password": "bonjour-2026!"}).status_code == 303
    created = db.scalar(sa.select(User).where(User.email == "nouveau@example.fr"))
    assert [e.user_id for e in entries(db, "user.create", entity_id=created.id)] == [admin.id]
    web.post(f"/admin/users/{created.id}/active")
    assert [e.user_id for e in entries(db, "user.disable", entity_id=created.id)] == [admin.id]


def test_a_manager_creating_staffing_starting_and_tuning_a_campaign_is_recorded(web, world, db):
    from tests.web.queue.test_rules_form import form
    manager = world.users["manager"]
    web.login(manager)
    response = web.post("/manage/campaigns/new", data={"new_client": "Client Charlie", "name": "Relance Charlie",
                                                       "start": date.today().isoformat(),
                                                       "end": (date.today() + timedelta(days=30)).isoformat()})
    campaign_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    web.post(f"/manage/campaigns/{campaign_id}/agents", data={"agent_ids": [str(world.users["agent"].id)]})
    web.post(f"/manage/campaigns/{campaign_id}/status/start")
    web.post(f"/rules/campaigns/{campaign_id}", data=form())
    for action in ("campaign.create", "campaign.agents", "campaign.start", "campaign.queue_settings"):
        assert [e.user_id for e in entries(db, action, campaign_id=campaign_id)] == [manager.id], action
    assert entries(db, "client.create")[0].user_id == manager.id


def _work(web, world, debtor_key, data):
    url = f"/console/campaigns/{world.ids['campaign_id']}/debtors/{world.ids[debtor_key]}"
    web.post(url + "/open")
    response = web.post(url + "/outcome", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)[:1500]


def test_an_agent_recording_a_promise_is_named_on_the_call_and_on_the_promise(web, world, db, app_make):
    agent = world.users["agent"]
    web.login(agent)
    _work(web, world, "promised_debtor_id", {
        "outcome": "contact", "promise_on": "1", "promise_method": "cheque",
        "promise_date": (date.today() + timedelta(days=5)).strftime("%d/%m/%Y"), "promise_amount": "500,00"})
    debtor_id = world.ids["promised_debtor_id"]
    calls = [e for e in entries(db, "call.recorded", user_id=agent.id) if e.details["debtor_id"] == debtor_id]
    promises = [e for e in entries(db, "promise.create", user_id=agent.id) if e.details["debtor_id"] == debtor_id]
    assert len(calls) == 2 and len(promises) == 2  # the fixture's promise, then this one replacing it
    assert promises[-1].details["amount_cents"] == 50_000 and promises[-1].details["replaces"]


def test_an_agent_recording_a_motive_and_a_new_number_is_recorded(web, world, db):
    agent = world.users["agent"]
    web.login(agent)
    _work(web, world, "promised_debtor_id", {
        "outcome": "contact", "motive_on": "1", "motive_1_code": "documents.invoice_not_received",
        "motive_1_documents": "Duplicata"})
    motives = [e for e in entries(db, "motive.create", user_id=agent.id)
               if e.details["debtor_id"] == world.ids["promised_debtor_id"]]
    assert motives and all(e.campaign_id == world.ids["campaign_id"] for e in motives)
    _work(web, world, "debtor_id", {"outcome": "wrong_number", "new_phone": "01 45 67 89 10"})
    wrong = [e for e in entries(db, "call.recorded", user_id=agent.id) if e.details.get("phone_added")]
    assert [e.details["debtor_id"] for e in wrong] == [world.ids["debtor_id"]]
    assert "01 45" not in str(wrong[0].details)  # no personal data kept in the audit log


def test_a_manager_resolving_a_dispute_giving_a_number_and_taking_over_is_recorded(web, world, db, app_make, app):
    manager = world.users["manager"]
    web.login(manager)
    base = f"/campaigns/{world.ids['campaign_id']}/supervision"
    web.post(f"{base}/disputes/{world.ids['motive_id']}/resolve", data={"resolution": "Avoir émis"})
    assert [e.user_id for e in entries(db, "dispute.resolve", entity_id=world.ids["motive_id"])] == [manager.id]
    web.post(f"{base}/wrong-numbers/{world.ids['debtor_id']}", data={"phone": "01 45 67 89 11"})
    assert [e.user_id for e in entries(db, "debtor.phone_added", entity_id=world.ids["debtor_id"])] == [manager.id]
    agent = WebClient(app.test_client(), app)          # still at work: a logout would give the debtor back
    agent.login(world.users["agent"])
    agent.post(f"/console/campaigns/{world.ids['campaign_id']}/debtors/{world.ids['debtor_id']}/open")
    web.post(f"/console/campaigns/{world.ids['campaign_id']}/debtors/{world.ids['debtor_id']}/open",
             data={"takeover": "1"})
    assert [e.user_id for e in entries(db, "console.take_over", entity_id=world.ids["debtor_id"])] == [manager.id]


def test_closing_exporting_the_final_recap_and_purging_are_recorded(web, world, db):
    manager = world.users["manager"]
    web.login(manager)
    campaign_id = world.ids["campaign_id"]
    web.post(f"/manage/campaigns/{campaign_id}/status/close", {"confirmed": "1"})
    assert web.get(f"/campaigns/{campaign_id}/supervision/recap.xlsx").status_code == 200
    web.post(f"/campaigns/{campaign_id}/supervision/purge")
    for action in ("campaign.close", "campaign.purge_personal_data"):
        assert [e.user_id for e in entries(db, action, campaign_id=campaign_id)] == [manager.id], action


def _snapshot(db):
    db.expire_all()
    return {e.id: (e.at, e.user_id, e.action, e.entity_type, e.entity_id, e.campaign_id, e.details)
            for e in db.scalars(sa.select(AuditEntry))}


@pytest.mark.parametrize("role_name", [r for r in ROLE_NAMES if r != "anonymous"])
def test_no_route_rewrites_or_deletes_an_audit_entry(app, web, world, db, role_name):
    """Every route of the URL map, called by each role with A's ids, leaves the earlier entries as they were."""
    before = _snapshot(db)
    assert before
    web.login(world.users[role_name])
    for rule, _view in sorted(routes(app), key=lambda rv: rv[0].rule):
        url = url_for_rule(rule, world)
        for method in sorted(rule.methods & {"GET", "POST"}):
            if method == "GET":
                web.get(url)
            else:
                web.post(url, data={"id": "1", "action": "delete", "details": "{}"})
        if rule.endpoint == "auth.logout":
            web.login(world.users[role_name])
    after = _snapshot(db)
    assert {k: after.get(k) for k in before} == before


def test_the_audit_log_is_append_only_in_the_domain_too(db, world):
    """A bug that updates or deletes an entry fails loudly instead of rewriting history."""
    entry = db.scalars(sa.select(AuditEntry)).first()
    entry.action = "rewritten"
    with pytest.raises(Exception, match="append-only"):
        db.flush()
    db.rollback()
    db.delete(db.scalars(sa.select(AuditEntry)).first())
    with pytest.raises(Exception, match="append-only"):
        db.flush()
    db.rollback()


def test_a_promise_judged_broken_by_the_job_worker_is_recorded_without_a_person(db, world):
    from datetime import datetime, timezone

    from campaigns import promises
    from campaigns.models import DebtorAccount
    debtor = db.get(DebtorAccount, world.ids["promised_debtor_id"])
    later = datetime.now(timezone.utc) + timedelta(days=30)
    assert promises.judge_debtor(db, debtor, now=later) == 1
    db.commit()
    judged = [e for e in entries(db, "promise.broken") if e.details["debtor_id"] == debtor.id]
    assert len(judged) == 1 and judged[0].user_id is None
