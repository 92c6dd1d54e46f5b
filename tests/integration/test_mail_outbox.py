"""E-mails to debtors leave through a real SMTP server (aiosmtpd on loopback): queued with what caused them,
sent once by the worker, retried while the server is down, refused addresses marked invalid on the debtor,
and written as .eml files when no server is configured."""
from __future__ import annotations

import email
import socket
from datetime import date as date_
from datetime import timedelta
from email import policy

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from campaigns import clock, evidence, mail
from campaigns.models import AuditEntry, MessageStatus, OutboundMessage, Role

SENDER = "Relance <no-reply@relance.example>"


class Inbox:
    """What the SMTP server received; recipients in ``refuse`` get a 550 at RCPT, in ``busy`` a 451."""

    def __init__(self):
        self.messages, self.refuse, self.busy = [], set(), set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 <%s>: Recipient address rejected: User unknown" % address
        if address in self.busy:
            return "451 4.3.0 Mailbox temporarily unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, email.message_from_bytes(envelope.content, policy=policy.default)))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp():
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    inbox.port, inbox.url = port, f"smtp://127.0.0.1:{port}"
    yield inbox
    controller.stop()


@pytest.fixture
def debtor(session, make):
    campaign = make.campaign()
    return make.debtor(campaign, emails="compta@garage-lopez.fr, gerant@garage-lopez.fr")


def confirmation(session, debtor, **kw):
    return mail.queue(session, kind="promise_confirmation", campaign_id=debtor.campaign_id, debtor_id=debtor.id,
                      recipients=mail.deliverable_addresses(debtor), subject="Votre engagement de paiement",
                      body="Vous vous êtes engagé à régler 1 200,00 € le 15/12/2026.",
                      reply_to="recouvrement@durand.fr", **kw)


def transport(url):
    return mail.transport_for(url, "/nonexistent")


def test_a_message_queued_with_its_cause_is_sent_once_through_the_smtp_server(session, debtor, smtp):
    confirmation(session, debtor)
    session.commit()
    done = mail.send_due(session, transport(smtp.url), SENDER)
    assert (done.sent, done.retried, done.failed) == (1, 0, 0)
    [(recipients, received)] = smtp.messages
    assert recipients == ["compta@garage-lopez.fr", "gerant@garage-lopez.fr"]
    assert received["Subject"] == "Votre engagement de paiement" and received["Reply-To"] == "recouvrement@durand.fr"
    assert received["From"] == SENDER and "1 200,00 € le 15/12/2026" in received.get_content()
    assert mail.send_due(session, transport(smtp.url), SENDER).sent == 0     # nothing sent twice
    [message] = mail.messages_of(session, debtor.campaign_id)
    assert message.status is MessageStatus.SENT and message.sent_at is not None
    # the message sent is part of the debtor's contact log, and its chain
    sent = session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "message.sent"))
    assert sent.debtor_id == debtor.id and sent.details["emails"] == recipients
    assert evidence.verify(session, debtor.campaign_id, debtor.id).ok


def test_a_message_whose_transaction_is_rolled_back_is_never_sent(session, debtor, smtp):
    session.commit()
    confirmation(session, debtor)
    session.rollback()
    assert mail.send_due(session, transport(smtp.url), SENDER).sent == 0 and smtp.messages == []


def test_with_the_server_down_the_message_waits_and_goes_once_when_it_is_back(session, debtor):
    port = free_port()
    confirmation(session, debtor)
    session.commit()
    now = clock.now()
    down = mail.send_due(session, transport(f"smtp://127.0.0.1:{port}"), SENDER, now)
    assert (down.sent, down.retried) == (0, 1)
    [message] = mail.messages_of(session, debtor.campaign_id)
    assert message.status is MessageStatus.QUEUED and message.attempts == 1 and message.last_error
    assert message.next_attempt_at == now + timedelta(minutes=mail.BACKOFF_MINUTES[0])

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        assert mail.send_due(session, transport(f"smtp://127.0.0.1:{port}"), SENDER, now).sent == 0  # not yet due
        later = now + timedelta(minutes=2)
        assert mail.send_due(session, transport(f"smtp://127.0.0.1:{port}"), SENDER, later).sent == 1
        assert mail.send_due(session, transport(f"smtp://127.0.0.1:{port}"), SENDER, later).sent == 0
    finally:
        controller.stop()
    assert len(inbox.messages) == 1
    assert session.get(OutboundMessage, message.id).status is MessageStatus.SENT


def test_a_temporary_refusal_is_retried_then_given_up_after_the_last_delay(session, debtor, smtp):
    smtp.busy = {"compta@garage-lopez.fr", "gerant@garage-lopez.fr"}
    confirmation(session, debtor)
    session.commit()
    now = clock.now()
    for minutes in (0, *mail.BACKOFF_MINUTES):
        now += timedelta(minutes=minutes)
        mail.send_due(session, transport(smtp.url), SENDER, now)
    [message] = mail.messages_of(session, debtor.campaign_id)
    assert message.status is MessageStatus.FAILED and message.attempts == len(mail.BACKOFF_MINUTES) + 1
    assert "451" in message.last_error and smtp.messages == []


def test_an_address_refused_for_good_is_marked_invalid_and_the_other_still_receives(session, debtor, smtp, make):
    smtp.refuse = {"gerant@garage-lopez.fr"}
    confirmation(session, debtor)
    session.commit()
    assert mail.send_due(session, transport(smtp.url), SENDER).sent == 1
    [(recipients, _)] = smtp.messages
    assert recipients == ["compta@garage-lopez.fr"]
    [message] = mail.messages_of(session, debtor.campaign_id)
    assert message.refused == ["gerant@garage-lopez.fr"] and "550 5.1.1" in message.last_error
    session.refresh(debtor)
    assert debtor.invalid_emails == "gerant@garage-lopez.fr"
    assert mail.deliverable_addresses(debtor) == ["compta@garage-lopez.fr"]
    refused = session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "debtor.email_refused"))
    assert refused.debtor_id == debtor.id and refused.details["emails"] == ["gerant@garage-lopez.fr"]

    # every recipient refused: the message has failed, and says why
    smtp.refuse = {"compta@garage-lopez.fr"}
    confirmation(session, debtor)
    session.commit()
    assert mail.send_due(session, transport(smtp.url), SENDER).failed == 1
    assert mail.messages_of(session, debtor.campaign_id)[0].status is MessageStatus.FAILED


def test_without_a_mail_server_each_message_is_an_eml_file(session, debtor, tmp_path):
    message = confirmation(session, debtor)
    session.commit()
    done = mail.send_due(session, mail.transport_for(None, tmp_path / "outbox"), SENDER)
    assert done.sent == 1
    [path] = (tmp_path / "outbox").iterdir()
    assert path.name == f"{message.id}-promise_confirmation.eml"
    written = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    assert written["To"] == "compta@garage-lopez.fr, gerant@garage-lopez.fr"
    assert "1 200,00 €" in written.get_content()


def test_a_mail_url_that_cannot_be_read_is_refused_with_a_message():
    from campaigns.errors import DomainError
    with pytest.raises(DomainError, match="MAIL_URL must read"):
        mail.MailServer.from_url("http://mail.example.fr")
    server = mail.MailServer.from_url("smtp://relance%40ex.fr:p%40ss@smtp.ex.fr:587?starttls=1")
    assert (server.host, server.port, server.user, server.password, server.starttls) == \
        ("smtp.ex.fr", 587, "relance@ex.fr", "p@ss", True)
    assert mail.MailServer.from_url("smtps://smtp.ex.fr").port == 465


def test_the_purge_blanks_the_messages_of_the_debtors_it_erases(session, make, debtor, smtp, tmp_path):
    from campaigns.models import Campaign, CampaignStatus
    from campaigns.recap import write_recap
    from campaigns.supervision import purge_personal_data
    confirmation(session, debtor)
    session.commit()
    mail.send_due(session, transport(smtp.url), SENDER)
    campaign = session.get(Campaign, debtor.campaign_id)
    manager = make.user(Role.MANAGER)
    campaign.status = CampaignStatus.CLOSED
    write_recap(session, campaign.id, str(tmp_path / "final.xlsx"), final=True, user_id=manager.id)
    counts = purge_personal_data(session, manager, campaign)
    assert counts["messages"] == 1
    [message] = mail.messages_of(session, campaign.id)
    assert message.recipients == [] and message.body == "" and message.status is MessageStatus.SENT
    assert evidence.verify(session, campaign.id).ok


def test_a_reference_keeps_its_check_digits_and_a_corrupted_one_is_refused():
    from campaigns import payment_references as refs
    assert refs.creditor_reference("539007547034") == "RF18539007547034"       # the standard's example
    assert refs.is_valid("RF18 5390 0754 7034") and refs.is_valid("rf18539007547034")
    assert not refs.is_valid("RF18539007547035") and not refs.is_valid("RF81539007547034")
    assert not refs.is_valid("RF18") and not refs.is_valid("FR18539007547034")
    reference = refs.for_promise(12, 3456)
    assert refs.is_valid(reference) and len(reference) <= 25 and refs.grouped(reference).startswith("RF")


def recorded_promise(session, make, language="fr", emails="compta@garage-lopez.fr", instalments=None):
    from datetime import date, datetime, timezone

    from campaigns import calendar
    from campaigns.models import ContactResult, DebtorAccount, PaymentMethod
    from campaigns.outcomes import OutcomeInput, PromiseInput, record_outcome
    company = make.client_company(legal_name="Fournitures Durand SAS", iban="FR7630006000011234567890189",
                                  bic="AGRIFRPP", reply_to_email="recouvrement@durand.fr")
    agent = make.user(Role.AGENT)
    campaign = make.campaign(client_company=company, agents=[agent])
    debtor = make.debtor(campaign, invoices=[(120_000, 40)], emails=emails, language=language)
    now = calendar.next_open(campaign, datetime.now(timezone.utc)) + timedelta(minutes=5)
    session.execute(sa.update(DebtorAccount).where(DebtorAccount.id == debtor.id).values(
        leased_by_id=agent.id, lease_expires_at=now + timedelta(minutes=30)))
    session.expire_all()
    record_outcome(session, debtor.id, agent.id, OutcomeInput(
        result=ContactResult.RIGHT_PARTY, promise=PromiseInput(
            promised_date=date(2026, 12, 15) if not instalments else None, amount_cents=120_000,
            method=PaymentMethod.TRANSFER, instalments=instalments)), now=now)
    return campaign, debtor


def test_a_promise_saved_queues_its_confirmation_with_the_reference_and_the_bank_details(session, make, smtp):
    from campaigns import payment_references
    from campaigns.models import Promise
    campaign, debtor = recorded_promise(session, make)
    session.commit()
    promise = session.scalar(sa.select(Promise).where(Promise.debtor_id == debtor.id))
    assert payment_references.is_valid(promise.payment_reference)
    assert mail.send_due(session, transport(smtp.url), SENDER).sent == 1
    [(recipients, received)] = smtp.messages
    text = received.get_content()
    grouped = payment_references.grouped(promise.payment_reference)
    assert recipients == ["compta@garage-lopez.fr"] and received["Reply-To"] == "recouvrement@durand.fr"
    assert received["Subject"] == f"Confirmation de votre engagement de paiement · {grouped}"
    assert "Fournitures Durand SAS" in text and "1\u202f200,00\u00a0€ au plus tard le 15/12/2026, par virement" in text
    assert f"référence de paiement {grouped}" in text and "FR76 3000 6000 0112 3456 7890 189" in text
    assert "BIC AGRIFRPP" in text


def test_a_plan_lists_each_instalment_in_english_for_an_english_speaking_debtor(session, make, smtp):
    from datetime import date
    _, debtor = recorded_promise(session, make, language="en",
                                 instalments=[(date(2026, 12, 15), 40_000), (date(2027, 1, 15), 40_000),
                                              (date(2027, 2, 15), 40_000)])
    session.commit()
    mail.send_due(session, transport(smtp.url), SENDER)
    [(_, received)] = smtp.messages
    text = received.get_content()
    assert received["Subject"].startswith("Confirmation of your payment commitment")
    assert "€1,200.00 in 3 instalments" in text and "€400.00 by 15 January 2027" in text
    assert received["Content-Language"] == "en"


def test_a_debtor_without_an_address_gets_no_message(session, make):
    recorded_promise(session, make, emails=None)
    session.flush()
    assert session.scalar(sa.select(sa.func.count()).select_from(OutboundMessage)) == 0


def test_the_day_before_a_promised_date_a_reminder_goes_once_and_not_after_the_payment(session, make, smtp):
    from campaigns import clock
    from campaigns.mail import reminders
    from campaigns.models import Campaign, Promise, PromiseStatus
    campaign, debtor = recorded_promise(session, make)
    session.commit()
    mail.send_due(session, transport(smtp.url), SENDER)                 # the confirmation
    campaign = session.get(Campaign, campaign.id)
    eve = clock.morning(campaign, date_(2026, 12, 14), 10)
    assert reminders.queue_due(session, eve - timedelta(days=1)) == 0    # two days before: nothing yet
    assert reminders.queue_due(session, clock.morning(campaign, date_(2026, 12, 14), 8)) == 0   # before 09:00
    assert reminders.queue_due(session, eve) == 1
    assert reminders.queue_due(session, eve + timedelta(hours=2)) == 0   # once
    session.commit()
    assert mail.send_due(session, transport(smtp.url), SENDER, eve).sent == 1
    reminder = smtp.messages[-1][1]
    assert reminder["Subject"].startswith("Rappel : votre règlement prévu le 15/12/2026")
    assert "1\u202f200,00\u00a0€ demain, 15/12/2026, par virement" in reminder.get_content()

    # A second debtor pays before the reminder leaves: it is not sent.
    _, payer = recorded_promise(session, make, emails="paie@exemple.fr")
    session.commit()
    assert reminders.queue_due(session, eve) == 1
    session.commit()
    promise = session.scalar(sa.select(Promise).where(Promise.debtor_id == payer.id))
    promise.status = PromiseStatus.KEPT
    session.commit()
    before = len(smtp.messages)
    done = mail.send_due(session, transport(smtp.url), SENDER, eve)
    assert (done.sent, done.cancelled) == (1, 1)                         # its confirmation, not the reminder
    [(_, confirmation_only)] = smtp.messages[before:]
    assert confirmation_only["Subject"].startswith("Confirmation")
    [cancelled] = [m for m in mail.messages_of(session, promise.campaign_id) if m.kind == "reminder"]
    assert cancelled.status is MessageStatus.CANCELLED


def test_a_plan_is_reminded_of_the_instalment_due_tomorrow_only(session, make, smtp):
    from campaigns import clock
    from campaigns.mail import reminders
    from campaigns.models import Campaign
    campaign, debtor = recorded_promise(session, make, language="en", instalments=[
        (date_(2026, 12, 15), 40_000), (date_(2027, 1, 15), 80_000)])
    session.commit()
    campaign = session.get(Campaign, campaign.id)
    assert reminders.queue_due(session, clock.morning(campaign, date_(2027, 1, 14), 9)) == 1
    session.commit()
    [reminder] = [m for m in mail.messages_of(session, campaign.id) if m.kind == "reminder"]
    assert reminder.about.endswith(":2") and "€800.00 tomorrow, 15 January 2027" in reminder.body
