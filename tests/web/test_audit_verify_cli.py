"""``flask audit verify``: the manager (or the creditor's lawyer) checks that the contact log is intact, and
finds which event was rewritten when it is not; the head printed on a formal notice is found in its chain."""
from __future__ import annotations

import io
from datetime import timedelta

import sqlalchemy as sa
from pypdf import PdfReader

from campaigns import clock, escalation, evidence, notices
from campaigns.models import AuditEntry, CallAttempt, ChainLink, ContactResult, QueueState, Role


def a_called_debtor(db, app_make):
    company = app_make.client_company(name="Durand", legal_name="Fournitures Durand SAS",
                                      address="12 rue des Lilas", postal_code="69003", city="Lyon", siren="552100554")
    campaign = app_make.campaign(client_company=company)
    agent = app_make.user(Role.AGENT, name="Sonia Benali")
    debtor = app_make.debtor(campaign, company_name="Garage Lopez", address="3 chemin des Vignes\n13100 Aix")
    for days, result, notes in ((3, ContactResult.NO_ANSWER, None),
                                (2, ContactResult.REFUSAL, "Refuse de payer, conteste le délai")):
        db.add(CallAttempt(campaign_id=campaign.id, debtor_id=debtor.id, agent_id=agent.id, result=result,
                           phone_dialled="+33142685300", notes=notes, started_at=clock.now() - timedelta(days=days)))
    db.commit()
    return campaign, debtor


def verify(app, *args):
    return app.test_cli_runner().invoke(args=["audit", "verify", *map(str, args)])


def test_an_intact_campaign_verifies_and_prints_its_head(app, db, app_make):
    campaign, debtor = a_called_debtor(db, app_make)
    result = verify(app, campaign.id)
    assert result.exit_code == 0, result.output
    assert f"campaign {campaign.id}" in result.output and "2 events in 1 chain(s)" in result.output
    assert f"Intact. Head: {evidence.campaign_head(db, campaign.id)}" in result.output


def test_a_rewritten_note_is_named_with_its_call_and_the_command_fails(app, db, app_make):
    campaign, debtor = a_called_debtor(db, app_make)
    refusal = db.scalars(sa.select(CallAttempt).where(CallAttempt.result == ContactResult.REFUSAL)).one()
    with db.get_bind().begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(sa.text("SET LOCAL session_replication_role = replica"))
        connection.execute(sa.text("UPDATE call_attempts SET notes = 'Paiera vendredi' WHERE id = :id"),
                           {"id": refusal.id})
    result = verify(app, campaign.id, "--debtor", debtor.id)
    assert result.exit_code == 1
    assert f"BROKEN campaign:{campaign.id}/debtor:{debtor.id}, event 2: call #{refusal.id}" in result.output
    assert "its content was changed (number dialled / notes)" in result.output
    assert "1 alteration(s) found." in result.output


def test_the_head_printed_on_a_formal_notice_is_found_in_the_debtors_chain(app, db, app_make):
    campaign, debtor = a_called_debtor(db, app_make)
    client = app_make.user(Role.CLIENT, client_company=campaign.client_company)
    manager = app_make.user(Role.MANAGER)
    debtor.queue_state = QueueState.REFUSED
    db.commit()
    escalation.decide(db, campaign, debtor.id, client, approve=True)
    notice = notices.issue(db, campaign, debtor.id, manager)
    db.commit()
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(notice.pdf)).pages)
    flat = "".join(text.split())
    # the letter prints where the chain stood when its annex was drawn up: just before "notice.issued"
    issued = db.scalar(sa.select(AuditEntry.id).where(AuditEntry.action == "notice.issued"))
    seq = db.scalar(sa.select(ChainLink.seq).where(ChainLink.kind == "audit", ChainLink.event_id == issued))
    printed = db.scalar(sa.select(ChainLink.hash).where(
        ChainLink.chain == f"campaign:{campaign.id}/debtor:{debtor.id}", ChainLink.seq == seq - 1))
    assert "Intégritédurelevé" in flat and f"lachaînecompte{seq - 1}événements" in flat
    assert f"flaskauditverify{campaign.id}--debtor{debtor.id}--head{printed}" in flat
    result = verify(app, campaign.id, "--debtor", debtor.id, "--head", printed)
    assert result.exit_code == 0, result.output
    assert f"head {printed[:16]}… closed event {seq - 1} of campaign:{campaign.id}/debtor:{debtor.id}" in result.output
    assert verify(app, campaign.id, "--head", "f" * 64).exit_code == 1


def test_an_unknown_campaign_is_said_plainly(app):
    result = verify(app, 999_999)
    assert result.exit_code != 0 and "No campaign 999999." in result.output
