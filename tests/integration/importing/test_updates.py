"""Update files reconcile payments during the mission and judge promises."""
from datetime import date, timedelta

import sqlalchemy as sa

from campaigns.importing import service
from campaigns.models import (DebtorAccount, ImportKind, Invoice, InvoiceChange, InvoiceStatus, PaymentMethod,
                              Promise, PromiseStatus, QueueState)
from campaigns.models.calls import promise_invoices

HEAD = "Code client;Raison sociale;N° facture;Échéance;Reste dû\n"
FIRST = HEAD + ("A1;Alpha;F1;01/06/2026;1 000,00\nA1;Alpha;F2;01/07/2026;500,00\n"
                "B1;Beta;F3;01/06/2026;300,00\nC1;Gamma;F4;01/06/2026;200,00\n")


def run(session, campaign, text, tmp_path, kind, name):
    batch = service.store_upload(session, campaign, name, text.encode("cp1252"), str(tmp_path), kind=kind)
    service.check(session, batch)
    service.apply(session, batch)
    session.flush()
    return batch


def invoice(session, campaign, number):
    return session.scalar(sa.select(Invoice).where(Invoice.campaign_id == campaign.id, Invoice.number == number))


def debtor(session, campaign, code):
    return session.scalar(sa.select(DebtorAccount).where(DebtorAccount.campaign_id == campaign.id,
                                                         DebtorAccount.customer_code == code))


def test_an_update_shows_paid_partly_paid_new_and_unchanged_before_anything_changes(session, make, tmp_path):
    campaign = make.campaign()
    run(session, campaign, FIRST, tmp_path, ImportKind.INITIAL, "first.csv")
    update = HEAD + ("A1;Alpha;F1;01/06/2026;400,00\nA1;Alpha;F2;01/07/2026;500,00\n"
                     "C1;Gamma;F4;01/06/2026;0,00\nD1;Delta;F9;01/08/2026;750,00\n")
    batch = service.store_upload(session, campaign, "update.csv", update.encode(), str(tmp_path),
                                 kind=ImportKind.UPDATE)
    service.check(session, batch)
    assert batch.changes_summary == {"paid": 2, "partly_paid": 1, "new": 1, "unchanged": 1, "increased": 0}
    assert invoice(session, campaign, "F1").outstanding_cents == 100000  # nothing changed yet
    service.apply(session, batch)
    session.flush()
    session.expire_all()
    assert invoice(session, campaign, "F1").outstanding_cents == 40000
    assert invoice(session, campaign, "F3").status is InvoiceStatus.PAID  # absent from the new file
    assert invoice(session, campaign, "F4").status is InvoiceStatus.PAID  # outstanding zero
    assert debtor(session, campaign, "B1").queue_state is QueueState.PAID  # leaves the queue
    assert debtor(session, campaign, "A1").total_outstanding_cents == 90000
    assert debtor(session, campaign, "D1").total_outstanding_cents == 75000
    kinds = session.scalars(sa.select(InvoiceChange.kind).where(InvoiceChange.batch_id == batch.id)).all()
    assert sorted(k.value for k in kinds) == ["new", "paid", "paid", "partly_paid", "unchanged"]


def _promise(session, campaign, debtor_, numbers, promised, amount):
    promise = Promise(campaign_id=campaign.id, debtor_id=debtor_.id, promised_date=promised, amount_cents=amount,
                      method=PaymentMethod.TRANSFER)
    session.add(promise)
    session.flush()
    for number in numbers:
        session.execute(promise_invoices.insert().values(promise_id=promise.id,
                                                         invoice_id=invoice(session, campaign, number).id))
    return promise


def test_promises_are_judged_kept_partly_kept_broken_or_still_pending(session, make, tmp_path):
    campaign = make.campaign(promise_grace_days=3)
    run(session, campaign, FIRST, tmp_path, ImportKind.INITIAL, "first.csv")
    today = date.today()
    kept = _promise(session, campaign, debtor(session, campaign, "B1"), ["F3"], today, 30000)
    partly = _promise(session, campaign, debtor(session, campaign, "A1"), ["F1"], today - timedelta(days=10), 100000)
    broken = _promise(session, campaign, debtor(session, campaign, "C1"), ["F4"], today - timedelta(days=4), 20000)
    pending = _promise(session, campaign, debtor(session, campaign, "A1"), ["F2"], today - timedelta(days=2), 50000)
    update = HEAD + ("A1;Alpha;F1;01/06/2026;400,00\nA1;Alpha;F2;01/07/2026;500,00\n"
                     "C1;Gamma;F4;01/06/2026;200,00\n")
    run(session, campaign, update, tmp_path, ImportKind.UPDATE, "update.csv")
    session.expire_all()
    assert session.get(Promise, kept.id).status is PromiseStatus.KEPT
    assert session.get(Promise, partly.id).status is PromiseStatus.PARTIALLY_KEPT
    assert session.get(Promise, partly.id).paid_cents == 60000
    assert session.get(Promise, broken.id).status is PromiseStatus.BROKEN
    assert session.get(Promise, pending.id).status is PromiseStatus.PENDING  # within the grace days
    assert debtor(session, campaign, "C1").broken_promises == 1
