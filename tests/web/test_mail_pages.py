"""What the manager and the agent see of the e-mails: the campaign's messages with the server's answer, the
addresses refused for good, each message as it went out, the card's history and the debtor's "no e-mail"."""
from __future__ import annotations

import email
import html
from datetime import date, datetime, timedelta, timezone
from email import policy

import sqlalchemy as sa

from campaigns import mail, queue
from campaigns.models import (AuditEntry, ContactResult, DebtorAccount, MessageStatus, OutboundMessage,
                              PaymentMethod, Role)
from campaigns.outcomes import OutcomeInput, PromiseInput, record_outcome
from tests.integration.test_mail_outbox import SENDER, smtp, transport  # noqa: F401  (smtp: a fixture)


def promise_saved(db, app_make, emails):
    agent = app_make.user(Role.AGENT)
    company = app_make.client_company(legal_name="Fournitures Durand SAS")
    campaign = app_make.campaign(client_company=company, agents=[agent])
    debtor = app_make.debtor(campaign, invoices=[(120_000, 40)], emails=emails, company_name="Garage Lopez")
    now = datetime.now(timezone.utc)
    queue.open_debtor(db, debtor.id, agent.id, now=now)
    record_outcome(db, debtor.id, agent.id, OutcomeInput(result=ContactResult.RIGHT_PARTY, promise=PromiseInput(
        promised_date=date.today() + timedelta(days=7), amount_cents=120_000, method=PaymentMethod.TRANSFER)),
        now=now)
    db.commit()
    return campaign, debtor, agent


def test_the_manager_sees_each_message_with_the_servers_answer_and_the_addresses_to_replace(web, app_make, db, smtp):
    campaign, debtor, _ = promise_saved(db, app_make, "compta@garage-lopez.fr, ancien@garage-lopez.fr")
    smtp.refuse.add("ancien@garage-lopez.fr")
    assert mail.send_due(db, transport(smtp.url), SENDER).sent == 1
    web.login(app_make.user(Role.MANAGER))

    dashboard = web.get(f"/campaigns/{campaign.id}/supervision/").get_data(as_text=True)
    assert 'id="refused-count"' in dashboard and "1 refusées" in dashboard
    page = web.get(f"/campaigns/{campaign.id}/supervision/messages").get_data(as_text=True)
    refused = page[page.index('id="refused"'):page.index('id="messages"')]
    assert "Garage Lopez" in refused and "ancien@garage-lopez.fr" in refused
    page = html.unescape(page)
    assert "Confirmation d'engagement" in page and "envoyé" in page
    assert "550 5.1.1" in page                                               # the server's answer, as given

    [message] = db.scalars(sa.select(OutboundMessage)).all()
    download = web.get(f"/campaigns/{campaign.id}/supervision/messages/{message.id}.eml")
    assert download.mimetype == "message/rfc822"
    parsed = email.message_from_bytes(download.data, policy=policy.default)
    assert parsed["Subject"] == message.subject and "Fournitures Durand SAS" in parsed.get_content()

    sent_only = web.get(f"/campaigns/{campaign.id}/supervision/messages?status=failed").get_data(as_text=True)
    assert "Aucun e-mail" in sent_only
    assert web.get(f"/campaigns/{campaign.id}/supervision/messages?status=nonsense&page=x").status_code == 200


def test_an_agent_reads_the_mail_in_the_history_and_records_that_the_debtor_wants_none(web, app_make, db):
    campaign, debtor, agent = promise_saved(db, app_make, "compta@garage-lopez.fr")
    web.login(agent)
    card = web.get(f"/console/campaigns/{campaign.id}/debtors/{debtor.id}").get_data(as_text=True)
    history = html.unescape(card[card.index('id="history-title"'):])
    assert "Confirmation d'engagement" in history and "en attente d'envoi" in history
    assert "compta@garage-lopez.fr" in history

    response = web.post(f"/console/campaigns/{campaign.id}/debtors/{debtor.id}/no-email", {"no_email": "1"}, htmx=True)
    fragment = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="no-email"' in fragment and "Autoriser à nouveau" in fragment
    db.expire_all()
    assert db.get(DebtorAccount, debtor.id).no_email
    assert db.scalar(sa.select(OutboundMessage.status)) is MessageStatus.CANCELLED   # the waiting one is not sent
    [entry] = db.scalars(sa.select(AuditEntry).where(AuditEntry.action == "debtor.no_email")).all()
    assert entry.user_id == agent.id and entry.details["cancelled"] == 1
    assert web.get(f"/console/campaigns/{campaign.id}/debtors/{debtor.id}").get_data(as_text=True).count(
        "non envoyé (plus nécessaire)") == 1


def test_a_client_user_turns_the_daily_digest_off_and_on(web, app_make, db):
    from campaigns.models import User
    user = app_make.user(Role.CLIENT)
    web.login(user)
    page = html.unescape(web.get("/account/digest").get_data(as_text=True))
    assert "Résumé quotidien" in page and 'id="digest" checked' in page.replace('value="1" ', "")
    assert web.post("/account/digest", {}).status_code == 303
    db.expire_all()
    assert db.get(User, user.id).digest_enabled is False
    assert "ne recevrez plus" in html.unescape(web.get("/account/digest").get_data(as_text=True))
    web.post("/account/digest", {"digest": "1"})
    db.expire_all()
    assert db.get(User, user.id).digest_enabled is True
    assert db.scalar(sa.select(sa.func.count()).select_from(AuditEntry)
                     .where(AuditEntry.action.in_(["user.digest_off", "user.digest_on"]))) == 2


def test_the_digest_command_queues_and_the_send_command_sends(app, app_make, db, smtp):
    from campaigns.models import QueueState
    company = app_make.client_company(name="Durand")
    campaign = app_make.campaign(client_company=company)
    app_make.debtor(campaign, queue_state=QueueState.WRONG_NUMBER)
    app_make.user(Role.CLIENT, client_company=company, email="paul@durand.example")
    app.config["MAIL_URL"] = smtp.url
    runner = app.test_cli_runner()
    queued = runner.invoke(args=["mail", "digest", "--now", f"{date.today().isoformat()}T09:30:00+01:00"])
    assert queued.exit_code == 0 and "1 digests queued" in queued.output
    assert "1 sent" in runner.invoke(args=["mail", "send"]).output
    [(recipients, received)] = smtp.messages
    assert recipients == ["paul@durand.example"] and "sans numéro valable" in received.get_content()
    bad = runner.invoke(args=["mail", "digest", "--now", "demain"])
    assert bad.exit_code != 0 and "is not a date and time" in bad.output
