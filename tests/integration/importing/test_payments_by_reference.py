"""A bank statement that names no invoice: each credit carries the promise's payment reference, which
pays that promise's invoices oldest first; a reference mistyped is listed, never applied. A promise kept
this way is thanked by e-mail."""
from datetime import date, datetime, timedelta, timezone

import sqlalchemy as sa

from campaigns import mail, payment_references, queue
from campaigns.importing import service
from campaigns.models import (ContactResult, ImportKind, Invoice, MessageStatus, OutboundMessage, PaymentMethod,
                              Promise, PromiseStatus, Role, UpdateLine)
from campaigns.outcomes import OutcomeInput, PromiseInput, record_outcome

TODAY = date.today().strftime("%d/%m/%Y")
STATEMENT_HEAD = "Date opération;Libellé;Crédit\n"


def promised(session, make, emails="compta@martin.fr"):
    """Garage Martin owes 300 € (the older invoice) and 500 €, and promised the 800 € by transfer."""
    agent = make.user(Role.AGENT)
    campaign = make.campaign(agents=[agent], promise_grace_days=3)
    debtor = make.debtor(campaign, invoices=[(50_000, 20), (30_000, 50)], emails=emails,
                         company_name="Garage Martin")
    now = datetime.now(timezone.utc)
    queue.open_debtor(session, debtor.id, agent.id, now=now)
    record_outcome(session, debtor.id, agent.id, OutcomeInput(
        result=ContactResult.RIGHT_PARTY, promise=PromiseInput(
            promised_date=date.today() + timedelta(days=5), amount_cents=80_000, method=PaymentMethod.TRANSFER)),
        now=now)
    session.flush()
    promise = session.scalar(sa.select(Promise).where(Promise.debtor_id == debtor.id))
    older, newer = sorted(session.scalars(sa.select(Invoice).where(Invoice.debtor_id == debtor.id)),
                          key=lambda i: i.due_date)
    return campaign, debtor, promise, older, newer


def load(session, campaign, text, tmp_path):
    batch = service.store_upload(session, campaign, "releve.csv", text.encode("cp1252"), str(tmp_path),
                                 kind=ImportKind.PAYMENTS)
    service.check(session, batch)
    return batch


def apply(session, batch):
    service.confirm(session, batch)
    service.apply(session, batch)
    session.flush()
    session.expire_all()


def lines(session, batch):
    return session.scalars(sa.select(UpdateLine).where(UpdateLine.batch_id == batch.id).order_by(UpdateLine.seq)).all()


def test_a_credit_carrying_the_reference_pays_the_promise_oldest_invoice_first_and_thanks_the_debtor(
        session, make, tmp_path):
    campaign, debtor, promise, older, newer = promised(session, make)
    printed = payment_references.grouped(promise.payment_reference)      # as the debtor typed it: in groups
    batch = load(session, campaign, STATEMENT_HEAD + f"{TODAY};VIR SEPA GARAGE MARTIN {printed} FACT;800,00\n",
                 tmp_path)
    assert batch.rejected == 0
    preview = [(line.invoice_number, line.kind.value, line.paid_cents, line.payment_reference)
               for line in lines(session, batch)]
    assert preview == [(older.number, "paid", 30_000, promise.payment_reference),
                       (newer.number, "paid", 50_000, promise.payment_reference)]
    apply(session, batch)
    assert (session.get(Invoice, older.id).outstanding_cents, session.get(Invoice, newer.id).outstanding_cents) == (0, 0)
    assert session.get(Promise, promise.id).status is PromiseStatus.KEPT
    thanks = session.scalar(sa.select(OutboundMessage).where(OutboundMessage.kind == "thanks"))
    assert thanks.recipients == ["compta@martin.fr"] and thanks.status is MessageStatus.QUEUED
    assert thanks.subject == f"Merci pour votre règlement · {printed}"
    assert "Nous avons bien reçu votre règlement de 800,00\u00a0€" in thanks.body
    assert older.number in thanks.body and newer.number in thanks.body


def test_a_part_payment_by_reference_settles_the_older_invoice_and_leaves_the_rest_open(session, make, tmp_path):
    campaign, _, promise, older, newer = promised(session, make)
    batch = load(session, campaign, STATEMENT_HEAD + f"{TODAY};{promise.payment_reference};400,00\n", tmp_path)
    assert [(line.invoice_number, line.kind.value, line.before_cents, line.after_cents, line.paid_cents)
            for line in lines(session, batch)] == [(older.number, "paid", 30_000, 0, 30_000),
                                                   (newer.number, "partly_paid", 50_000, 40_000, 10_000)]
    apply(session, batch)
    assert session.get(Invoice, newer.id).outstanding_cents == 40_000
    assert session.get(Promise, promise.id).status is PromiseStatus.PENDING      # its date has not come
    assert session.scalar(sa.select(sa.func.count()).select_from(OutboundMessage)
                          .where(OutboundMessage.kind == "thanks")) == 0


def test_a_reference_with_a_wrong_check_digit_is_listed_and_changes_nothing(session, make, tmp_path):
    campaign, _, promise, older, newer = promised(session, make)
    reference = promise.payment_reference
    corrupted = reference[:-1] + ("0" if reference[-1] != "0" else "1")
    unknown = payment_references.for_promise(campaign.id, 999_999)          # valid, but no such promise
    batch = load(session, campaign, STATEMENT_HEAD + f"{TODAY};VIR {corrupted};800,00\n{TODAY};VIR {unknown};50,00\n",
                 tmp_path)
    assert [(line.kind.value, line.payment_reference, line.kind.applied) for line in lines(session, batch)] == [
        ("bad_reference", corrupted, False), ("unknown", unknown, False)]
    apply(session, batch)
    assert (session.get(Invoice, older.id).outstanding_cents, session.get(Invoice, newer.id).outstanding_cents) == \
        (30_000, 50_000)


def test_a_reference_of_another_campaign_pays_nothing_here(session, make, tmp_path):
    _, _, promise, older, _ = promised(session, make)
    other_campaign = make.campaign()
    make.debtor(other_campaign)
    batch = load(session, other_campaign, STATEMENT_HEAD + f"{TODAY};{promise.payment_reference};300,00\n", tmp_path)
    assert [line.kind.value for line in lines(session, batch)] == ["unknown"]


def test_a_row_with_neither_invoice_nor_reference_is_rejected_with_its_reason(session, make, tmp_path):
    campaign, *_ = promised(session, make)
    batch = load(session, campaign, STATEMENT_HEAD + f"{TODAY};VIR SEPA SANS REFERENCE;120,00\n", tmp_path)
    [rejection] = batch.rejections
    assert rejection.row_number == 2 and "payment reference" in rejection.reason


def test_a_debtor_who_wants_no_email_is_neither_confirmed_nor_thanked(session, make, tmp_path, monkeypatch):
    campaign, debtor, promise, *_ = promised(session, make)
    session.execute(sa.delete(OutboundMessage))
    debtor.no_email = True
    session.flush()
    batch = load(session, campaign, STATEMENT_HEAD + f"{TODAY};{promise.payment_reference};800,00\n", tmp_path)
    apply(session, batch)
    assert session.get(Promise, promise.id).status is PromiseStatus.KEPT
    assert session.scalar(sa.select(sa.func.count()).select_from(OutboundMessage)) == 0
    assert mail.deliverable_addresses(debtor) == []
