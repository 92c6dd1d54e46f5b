"""The "À mettre en demeure" page and commands: the client company decides who is sent a formal notice; the
manager follows; the JSON lists each debtor with its reasons, balance, penalties and the decision."""
from __future__ import annotations

import json
from decimal import Decimal

import pytest
import sqlalchemy as sa

from campaigns.models import AuditEntry, NoticeDecision, QueueState, Role


@pytest.fixture
def floor(app_make, db):
    company = app_make.client_company(name="Durand SA", late_interest_rate=Decimal("12"))
    campaign = app_make.campaign(client_company=company, name="Relance Durand")
    refused = app_make.debtor(campaign, invoices=[(100_000, 73)], company_name="Boulangerie Martin")
    refused.queue_state = QueueState.REFUSED
    app_make.debtor(campaign, invoices=[(50_000, 10)], company_name="Café du Port")   # nothing to escalate
    client = app_make.user(Role.CLIENT, client_company=company, name="Claire Durand",
                           email="claire@durand.example")
    other = app_make.user(Role.CLIENT, name="Paul Autre", email="paul@autre.example")
    manager = app_make.user(Role.MANAGER)
    db.commit()

    class Floor:
        pass
    f = Floor()
    f.campaign, f.refused, f.client, f.other, f.manager = campaign, refused, client, other, manager
    f.url = f"/campaigns/{campaign.id}/supervision/notices"
    return f


def test_the_client_sees_who_is_proposed_with_the_penalties_and_decides(web, floor, db):
    web.login(floor.client)
    page = web.get(floor.url)
    assert page.status_code == 200
    assert "À mettre en demeure" in page.text and "Boulangerie Martin" in page.text
    assert "Café du Port" not in page.text
    assert "A refusé de payer" in page.text and "Retard ancien" in page.text
    # 40 € indemnity; 1 000 € × 12 % × 73/365 = 24,00 €
    assert "40,00\u00a0€" in page.text and "24,00\u00a0€" in page.text
    assert "En attente de la décision du client" in page.text
    answer = web.post(f"{floor.url}/{floor.refused.id}", {"decision": "decline",
                                                         "comment": "Client historique, on continue"}, htmx=True)
    assert answer.status_code == 200 and "<html" not in answer.text
    assert "Pas de mise en demeure : les appels continuent" in answer.text and "Claire Durand" in answer.text
    db.expire_all()
    decision = db.scalar(sa.select(NoticeDecision))
    assert decision.decision == "declined" and decision.comment == "Client historique, on continue"
    assert db.scalar(sa.select(AuditEntry.action).where(AuditEntry.action == "notice.declined"))
    again = web.post(f"{floor.url}/{floor.refused.id}", {"decision": "approve"})
    assert again.status_code == 303
    assert "Mise en demeure approuvée" in web.get(floor.url).text


def test_the_manager_follows_but_does_not_decide(web, floor, db):
    web.login(floor.manager)
    page = web.get(floor.url)
    assert page.status_code == 200 and "Boulangerie Martin" in page.text
    assert "Envoyer la mise en demeure" not in page.text
    refused = web.post(f"{floor.url}/{floor.refused.id}", {"decision": "approve"}, htmx=True)
    assert refused.status_code == 422 and "Seul un utilisateur de la société cliente" in refused.text
    assert db.scalar(sa.select(sa.func.count()).select_from(NoticeDecision)) == 0


def test_a_client_of_another_company_sees_nothing(web, floor, db):
    web.login(floor.other)
    assert web.get(floor.url).status_code == 404
    assert web.post(f"{floor.url}/{floor.refused.id}", {"decision": "approve"}).status_code == 404


def test_a_decision_without_a_choice_is_refused_with_a_message(web, floor):
    web.login(floor.client)
    answer = web.post(f"{floor.url}/{floor.refused.id}", {"comment": "?"}, htmx=True)
    assert answer.status_code == 422 and "Indiquez si la mise en demeure doit être envoyée" in answer.text


def test_escalation_json_and_approval_from_the_command_line(app, floor, db):
    runner = app.test_cli_runner()
    out = runner.invoke(args=["campaign", "escalation", str(floor.campaign.id), "--json"])
    assert out.exit_code == 0, out.output
    [row] = json.loads(out.output)
    assert row["debtor_id"] == floor.refused.id and row["reasons"] == ["refusal", "overdue"]
    assert (row["outstanding"], row["indemnity"], row["interest"], row["approval"]) == (
        "1000.00", "40.00", "24.00", "pending")
    wrong = runner.invoke(args=["campaign", "approve-notice", str(floor.campaign.id), str(floor.refused.id),
                                "--by", "paul@autre.example"])
    assert wrong.exit_code != 0 and "Only a user of the client company" in wrong.output
    done = runner.invoke(args=["campaign", "approve-notice", str(floor.campaign.id), str(floor.refused.id),
                               "--by", "claire@durand.example", "--comment", "Go"])
    assert done.exit_code == 0, done.output
    row = json.loads(runner.invoke(args=["campaign", "escalation", str(floor.campaign.id), "--json"]).output)[0]
    assert row["approval"] == "approved" and row["comment"] == "Go"
    declined = runner.invoke(args=["campaign", "approve-notice", str(floor.campaign.id), str(floor.refused.id),
                                   "--by", "claire@durand.example", "--decline"])
    assert declined.exit_code == 0
    row = json.loads(runner.invoke(args=["campaign", "escalation", str(floor.campaign.id), "--json"]).output)[0]
    assert row["approval"] == "declined"


def test_the_queue_settings_page_sets_the_escalation_rules(web, floor, db):
    web.login(floor.manager)
    url = f"/rules/campaigns/{floor.campaign.id}"
    page = web.get(url)
    if page.status_code == 404:
        pytest.fail("the queue settings page moved")
    assert "Proposés pour une mise en demeure" in page.text
    bad = web.post(url, {"escalation_shown": "1", "escalation_overdue_days": "soixante"})
    assert bad.status_code == 422 and "Le nombre de jours de retard est un nombre entier" in bad.text
    db.expire_all()
    assert db.get(type(floor.campaign), floor.campaign.id).escalation_rules is None


def test_a_debtor_not_proposed_cannot_be_decided_and_the_client_is_told(web, floor, db, app_make):
    web.login(floor.client)
    cafe = db.scalar(sa.select(type(floor.refused)).where(type(floor.refused).company_name == "Café du Port"))
    answer = web.post(f"{floor.url}/{cafe.id}", {"decision": "approve"}, htmx=True)
    assert answer.status_code == 422
    assert "Ce débiteur n" in answer.text and "pas proposé pour une mise en demeure" in answer.text
    assert db.scalar(sa.select(sa.func.count()).select_from(NoticeDecision)) == 0
