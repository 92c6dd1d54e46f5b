"""The daily digest: the client's users learn what waits for their answer, the managers what the clients
answered; once a day from 08:00 Paris time, never empty, never to a user who turned it off."""
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from campaigns import client_answers, digest, queue
from campaigns.models import (ContactResult, OutboundMessage, PaymentMethod, QueueState, Role)
from campaigns.outcomes import MotiveInput, OutcomeInput, PromiseInput, record_outcome

PARIS = ZoneInfo("Europe/Paris")


def at_paris(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=PARIS).astimezone(timezone.utc)


@pytest.fixture
def floor(session, make):
    company = make.client_company(name="Durand")
    agent = make.user(Role.AGENT)
    campaign = make.campaign(client_company=company, agents=[agent], name="Relance automne")
    client = make.user(Role.CLIENT, client_company=company, name="Paul Durand", email="paul@durand.example")
    manager = make.user(Role.MANAGER, name="Claire Martin", email="claire@provider.example")
    now = datetime.now(timezone.utc)
    disputed = make.debtor(campaign, invoices=[(120_000, 40)], company_name="Garage Lopez")
    queue.open_debtor(session, disputed.id, agent.id, now=now)
    record_outcome(session, disputed.id, agent.id, OutcomeInput(result=ContactResult.RIGHT_PARTY, motives=[
        MotiveInput(invoice_ids=None, motive_code="dispute.price")]), now=now)
    paid = make.debtor(campaign, invoices=[(30_000, 40)], company_name="Boulangerie Petit")
    queue.open_debtor(session, paid.id, agent.id, now=now)
    record_outcome(session, paid.id, agent.id, OutcomeInput(result=ContactResult.RIGHT_PARTY, motives=[
        MotiveInput(invoice_ids=None, motive_code="already_paid")]), now=now)
    promised = make.debtor(campaign, invoices=[(45_000, 40)], company_name="Transports Martin")
    queue.open_debtor(session, promised.id, agent.id, now=now)
    record_outcome(session, promised.id, agent.id, OutcomeInput(result=ContactResult.RIGHT_PARTY, promise=PromiseInput(
        promised_date=date.today() + timedelta(days=3), amount_cents=45_000, method=PaymentMethod.TRANSFER)), now=now)
    make.debtor(campaign, company_name="Menuiserie Roux", queue_state=QueueState.WRONG_NUMBER)
    session.flush()
    return campaign, client, manager, disputed


def digests(session):
    return {m.recipients[0]: m for m in session.scalars(sa.select(OutboundMessage)
                                                        .where(OutboundMessage.kind == "digest"))}


def test_the_client_is_told_what_waits_for_its_answer_once_a_day_from_eight(session, floor):
    campaign, client, manager, _ = floor
    today = datetime.now(PARIS).date()
    assert digest.queue_due(session, "https://relance.example", at_paris(today, 7)) == 0
    assert digest.queue_due(session, "https://relance.example", at_paris(today, 8)) == 1   # the client only
    assert digest.queue_due(session, "https://relance.example", at_paris(today, 11)) == 0  # once a day
    message = digests(session)["paul@durand.example"]
    assert message.subject == f"Relance · ce qui vous attend le {today:%d/%m/%Y}"
    body = message.body
    assert "Bonjour Paul Durand," in body and "Relance automne" in body
    assert "1 nouveau(x) litige(s) à trancher" in body and "1 « déjà payé » à vérifier" in body
    assert "1 débiteur(s) sans numéro valable" in body
    assert "1 paiement(s) promis cette semaine, pour 450,00\u00a0€" in body
    assert f"https://relance.example/campaigns/{campaign.id}/supervision/" in body
    assert "https://relance.example/account/digest" in body
    assert "claire@provider.example" not in digests(session)           # nothing answered yet: no e-mail


def test_the_manager_learns_what_the_client_answered_and_a_user_may_turn_it_off(session, make, floor):
    campaign, client, manager, disputed = floor
    motive_id = session.scalar(sa.text("select id from invoice_motives where debtor_id = :d"), {"d": disputed.id})
    client_answers.answer_dispute(session, campaign, motive_id, client, "maintained", "Facture due.")
    other = make.debtor(campaign, company_name="Garage Nord")
    client_answers.hold_debtor(session, campaign, other.id, client, "Geste commercial")
    client.digest_enabled = False
    session.flush()
    today = datetime.now(PARIS).date()
    assert digest.queue_due(session, "https://relance.example", at_paris(today, 9)) == 1
    body = digests(session)["claire@provider.example"].body
    assert "Voici ce que les clients ont répondu depuis hier" in body
    assert "1 litige(s) tranché(s)" in body and "1 débiteur(s) suspendu(s)" in body
    assert "paul@durand.example" not in digests(session)


def test_an_english_speaking_user_reads_it_in_english(session, floor):
    _, client, _, _ = floor
    client.locale = "en"
    session.flush()
    today = datetime.now(PARIS).date()
    digest.queue_due(session, "https://relance.example", at_paris(today, 8))
    message = digests(session)["paul@durand.example"]
    assert message.language == "en" and message.subject.startswith("Relance · what is waiting for you on")
    assert "1 new dispute(s) to decide" in message.body and "€450.00" in message.body
