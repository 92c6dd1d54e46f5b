"""The client company answers a dispute (maintained, corrected, credit note to come), gives a number or says
none is known, and holds debtors and invoices; each decision's effect on the dispute, the invoice, the
figures and the queue."""
from datetime import date, datetime, timezone

import pytest
import sqlalchemy as sa

from campaigns import client_answers, queue
from campaigns.errors import Conflict, PermissionDenied, ValidationError
from campaigns.importing import service
from campaigns.models import (AuditEntry, Campaign, ContactResult, DebtorAccount, DisputeAttachment, ImportKind,
                              Invoice, InvoiceCorrection, InvoiceMotive, InvoiceStatus, MotiveStatus, QueueState,
                              Role)
from campaigns.outcomes import MotiveInput, OutcomeInput, record_outcome
from campaigns.supervision import campaign_figures, numbers_to_find

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


@pytest.fixture
def mission(session, make):
    company = make.client_company(name="Durand")
    agent = make.user(Role.AGENT)
    campaign = make.campaign(client_company=company, agents=[agent])
    client = make.user(Role.CLIENT, client_company=company, name="Paul Durand")
    return campaign, agent, client


def disputed(session, make, campaign, agent, code="dispute.price", cents=120_000):
    debtor = make.debtor(campaign, invoices=[(cents, 40)], company_name="Garage Lopez")
    queue.open_debtor(session, debtor.id, agent.id, now=datetime.now(timezone.utc))
    record_outcome(session, debtor.id, agent.id, OutcomeInput(result=ContactResult.RIGHT_PARTY, motives=[
        MotiveInput(invoice_ids=None, motive_code=code, details="Le prix convenu était 900 €")]))
    session.flush()
    motive = session.scalar(sa.select(InvoiceMotive).where(InvoiceMotive.debtor_id == debtor.id))
    assert session.get(DebtorAccount, debtor.id).queue_state is QueueState.DISPUTED
    return debtor, motive


def test_an_invoice_maintained_closes_the_dispute_and_sends_the_debtor_back_with_the_answer(session, make, mission):
    campaign, agent, client = mission
    debtor, motive = disputed(session, make, campaign, agent)
    client_answers.answer_dispute(session, campaign, motive.id, client, "maintained",
                                  "Le bon de commande signé indique 1 200 €.",
                                  uploads=[client_answers.Upload("bon-de-commande.pdf", PDF)])
    session.expire_all()
    motive = session.get(InvoiceMotive, motive.id)
    assert motive.status is MotiveStatus.RESOLVED and motive.client_decision == "maintained"
    assert motive.resolution == "Le bon de commande signé indique 1 200 €." and motive.answered_by_id == client.id
    assert session.get(DebtorAccount, debtor.id).queue_state is QueueState.READY
    assert session.get(Invoice, motive.invoice_id).status is InvoiceStatus.OPEN
    [document] = session.scalars(sa.select(DisputeAttachment)).all()
    assert document.mime == "application/pdf" and len(document.sha256) == 64 and document.size_bytes == len(PDF)
    actions = session.scalars(sa.select(AuditEntry.action).where(AuditEntry.entity_id == motive.id,
                                                                 AuditEntry.entity_type == "invoice_motives")).all()
    assert "dispute.answered" in actions and "dispute.resolve" in actions


def test_a_corrected_invoice_changes_what_is_owed_as_a_correction_never_as_a_payment(session, make, mission):
    campaign, agent, client = mission
    debtor, motive = disputed(session, make, campaign, agent)
    client_answers.answer_dispute(session, campaign, motive.id, client, "corrected", "Remise de 25 % oubliée.",
                                  new_amount_cents=90_000)
    session.expire_all()
    invoice = session.get(Invoice, motive.invoice_id)
    assert invoice.outstanding_cents == 90_000 and invoice.initial_outstanding_cents == 120_000
    [correction] = session.scalars(sa.select(InvoiceCorrection)).all()
    assert (correction.old_outstanding_cents, correction.new_outstanding_cents) == (120_000, 90_000)
    account = session.get(DebtorAccount, debtor.id)
    assert account.total_outstanding_cents == 90_000 and account.queue_state is QueueState.READY
    figures = campaign_figures(session, campaign.id)
    assert figures.paid_since_start_cents == 0 and figures.corrected_cents == 30_000
    assert figures.outstanding_now_cents == 90_000 and figures.disputes_open == 0


def test_a_correction_to_nothing_cancels_the_invoice_and_the_debtor_owes_nothing(session, make, mission):
    campaign, agent, client = mission
    debtor, motive = disputed(session, make, campaign, agent)
    client_answers.answer_dispute(session, campaign, motive.id, client, "corrected", "Avoir total.", new_amount_cents=0)
    session.expire_all()
    assert session.get(Invoice, motive.invoice_id).status is InvoiceStatus.CANCELLED
    assert session.get(DebtorAccount, debtor.id).queue_state is QueueState.PAID


def test_a_credit_note_to_come_keeps_the_dispute_open_until_a_file_lowers_the_invoice(session, make, mission, tmp_path):
    campaign, agent, client = mission
    debtor, motive = disputed(session, make, campaign, agent)
    client_answers.answer_dispute(session, campaign, motive.id, client, "credit_note", "Avoir de 300 € en cours.")
    session.expire_all()
    assert session.get(InvoiceMotive, motive.id).status is MotiveStatus.OPEN
    assert session.get(DebtorAccount, debtor.id).queue_state is QueueState.DISPUTED
    number = session.get(Invoice, motive.invoice_id).number
    today = date.today().strftime("%d/%m/%Y")
    text = f"N° facture;Montant réglé;Date de règlement\n{number};300,00;{today}\n"
    batch = service.store_upload(session, session.get(Campaign, campaign.id), "avoirs.csv", text.encode(),
                                 str(tmp_path), kind=ImportKind.PAYMENTS)
    service.check(session, batch)
    service.confirm(session, batch)
    service.apply(session, batch)
    session.flush()
    session.expire_all()
    closed = session.get(InvoiceMotive, motive.id)
    assert closed.status is MotiveStatus.RESOLVED and closed.resolution == "Avoir reçu"
    assert session.get(DebtorAccount, debtor.id).queue_state is QueueState.READY
    assert session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)
                          .where(AuditEntry.action == "dispute.credit_note_received")) == 1


def test_an_answer_is_refused_with_every_reason_and_nothing_changes(session, make, mission):
    campaign, agent, client = mission
    _, motive = disputed(session, make, campaign, agent)
    with pytest.raises(ValidationError) as refused:
        client_answers.answer_dispute(session, campaign, motive.id, client, "corrected", "",
                                      new_amount_cents=150_000,
                                      uploads=[client_answers.Upload("facture.exe", b"MZ\x90\x00")])
    assert set(refused.value.errors) == {"note", "amount", "attachments"}
    big = client_answers.Upload("scan.pdf", b"%PDF-" + b"0" * client_answers.MAX_ATTACHMENT_BYTES)
    with pytest.raises(ValidationError) as too_big:
        client_answers.answer_dispute(session, campaign, motive.id, client, "maintained", "Maintenue.", uploads=[big])
    assert too_big.value.errors["attachments"].params["limit"] == 5
    with pytest.raises(ValidationError):
        client_answers.answer_dispute(session, campaign, motive.id, client, "paid", "Réglée.")
    assert session.get(InvoiceMotive, motive.id).client_decision is None


def test_only_the_client_of_the_campaign_or_a_manager_may_answer(session, make, mission):
    campaign, agent, client = mission
    _, motive = disputed(session, make, campaign, agent)
    stranger = make.user(Role.CLIENT, client_company=make.client_company(name="Autre"))
    for user in (agent, stranger):
        with pytest.raises(PermissionDenied):
            client_answers.answer_dispute(session, campaign, motive.id, user, "maintained", "Maintenue.")
    manager = make.user(Role.MANAGER)
    client_answers.answer_dispute(session, campaign, motive.id, manager, "maintained", "Maintenue (au téléphone).")
    with pytest.raises(Conflict):
        client_answers.answer_dispute(session, campaign, motive.id, client, "maintained", "Encore.")


def test_a_new_number_from_the_client_or_none_known(session, make, mission):
    campaign, agent, client = mission
    lost = make.debtor(campaign, company_name="Transports Martin", queue_state=QueueState.WRONG_NUMBER)
    none = make.debtor(campaign, company_name="Boulangerie Petit", queue_state=QueueState.WRONG_NUMBER)
    assert {n.debtor_id for n in numbers_to_find(session, campaign.id)} == {lost.id, none.id}
    client_answers.give_number(session, campaign, lost.id, client, "04 72 10 20 30")
    client_answers.no_number_known(session, campaign, none.id, client)
    session.expire_all()
    assert session.get(DebtorAccount, lost.id).queue_state is QueueState.READY
    assert numbers_to_find(session, campaign.id) == [] and campaign_figures(session, campaign.id).numbers_to_find == 0
    with pytest.raises(ValidationError):
        client_answers.give_number(session, campaign, none.id, client, "pas de numéro")


def test_a_held_debtor_is_not_called_is_not_to_call_and_goes_back_where_it_was(session, make, mission):
    campaign, agent, client = mission
    debtor = make.debtor(campaign, invoices=[(50_000, 30), (20_000, 10)], company_name="Garage Lopez")
    before = campaign_figures(session, campaign.id).debtors_remaining
    client_answers.hold_debtor(session, campaign, debtor.id, client, "Négociation commerciale en cours")
    session.flush()
    assert session.get(DebtorAccount, debtor.id).queue_state is QueueState.HELD
    assert campaign_figures(session, campaign.id).debtors_remaining == before - 1
    assert queue.claim_next(session, campaign.id, agent.id) is None
    with pytest.raises(ValidationError):
        client_answers.hold_debtor(session, campaign, debtor.id, client, "   ")
    client_answers.release_debtor(session, campaign, debtor.id, client)
    session.flush()
    assert session.get(DebtorAccount, debtor.id).queue_state is QueueState.READY
    invoice = debtor.invoices[0]
    client_answers.hold_invoice(session, campaign, invoice.id, client, "Geste commercial à l'étude")
    assert session.get(Invoice, invoice.id).held_reason == "Geste commercial à l'étude"
    client_answers.hold_invoice(session, campaign, invoice.id, client, None, release=True)
    assert session.get(Invoice, invoice.id).held_at is None
    actions = session.scalars(sa.select(AuditEntry.action).where(AuditEntry.debtor_id == debtor.id)).all()
    assert {"debtor.held", "debtor.released", "invoice.held", "invoice.released"} <= set(actions)


def test_the_purge_removes_the_documents_and_the_answers_but_keeps_their_fingerprint(session, make, mission, tmp_path):
    from campaigns.models import CampaignStatus
    from campaigns.recap import write_recap
    from campaigns.supervision import purge_personal_data
    campaign, agent, client = mission
    _, motive = disputed(session, make, campaign, agent)
    client_answers.answer_dispute(session, campaign, motive.id, client, "credit_note", "Avoir pour M. Lopez",
                                  uploads=[client_answers.Upload("avoir.pdf", PDF)])
    manager = make.user(Role.MANAGER)
    campaign.status = CampaignStatus.CLOSED
    write_recap(session, campaign.id, str(tmp_path / "final.xlsx"), final=True, user_id=manager.id)
    counts = purge_personal_data(session, manager, campaign)
    assert counts["attachments"] == 1
    session.expire_all()
    [document] = session.scalars(sa.select(DisputeAttachment)).all()
    assert document.data is None and len(document.sha256) == 64
    assert session.get(InvoiceMotive, motive.id).client_note is None
