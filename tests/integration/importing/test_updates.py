"""Update files during the mission: a complete new balance or a payments list, previewed, then applied."""
from datetime import date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from campaigns import clock, promises, queue
from campaigns.errors import DomainError
from campaigns.importing import service
from campaigns.models import (AuditEntry, ContactResult, DebtorAccount, ImportKind, Invoice, InvoiceChange,
                              InvoiceStatus, PaymentMethod, Promise, PromiseStatus, QueueState, Role, UpdateLine)
from campaigns.outcomes import OutcomeInput, PromiseInput, record_outcome
from campaigns.supervision import campaign_figures

HEAD = "Code client;Raison sociale;N° facture;Échéance;Reste dû\n"
FIRST = HEAD + ("A1;Alpha;F1;01/06/2026;1 000,00\nA1;Alpha;F2;01/07/2026;500,00\n"
                "B1;Beta;F3;01/06/2026;300,00\nC1;Gamma;F4;01/06/2026;200,00\n")
PAYMENTS_HEAD = "N° facture;Montant réglé;Date de règlement;Mode de règlement\n"
TODAY = date.today().strftime("%d/%m/%Y")


def upload(session, campaign, text, tmp_path, kind, name):
    batch = service.store_upload(session, campaign, name, text.encode("cp1252"), str(tmp_path), kind=kind)
    service.check(session, batch)
    return batch


def run(session, campaign, text, tmp_path, kind, name, **confirm):
    batch = upload(session, campaign, text, tmp_path, kind, name)
    service.confirm(session, batch, **confirm)
    service.apply(session, batch)
    session.flush()
    session.expire_all()
    return batch


def invoice(session, campaign, number):
    return session.scalar(sa.select(Invoice).where(Invoice.campaign_id == campaign.id, Invoice.number == number))


def debtor(session, campaign, code):
    return session.scalar(sa.select(DebtorAccount).where(DebtorAccount.campaign_id == campaign.id,
                                                         DebtorAccount.customer_code == code))


def lines(session, batch):
    return session.scalars(sa.select(UpdateLine).where(UpdateLine.batch_id == batch.id).order_by(UpdateLine.seq)).all()


def test_a_complete_balance_lists_every_change_before_anything_changes(session, make, tmp_path):
    campaign = make.campaign()
    run(session, campaign, FIRST, tmp_path, ImportKind.INITIAL, "first.csv")
    update = HEAD + ("A1;Alpha;F1;01/06/2026;400,00\nA1;Alpha;F2;01/07/2026;500,00\n"
                     "C1;Gamma;F4;01/06/2026;0,00\nD1;Delta;F9;01/08/2026;750,00\n")
    batch = upload(session, campaign, update, tmp_path, ImportKind.UPDATE, "update.csv")
    summary = batch.changes_summary
    assert (summary["paid"], summary["partly_paid"], summary["new"], summary["unchanged"]) == (1, 1, 1, 1)
    assert (summary["absent_paid"], summary["absent_cents"]) == (1, 30000)   # F3, left out of the file
    assert {(line.invoice_number, line.kind.value, line.before_cents, line.after_cents) for line in lines(session, batch)} == {
        ("F1", "partly_paid", 100000, 40000), ("F4", "paid", 20000, 0), ("F9", "new", None, 75000),
        ("F3", "absent_paid", 30000, 0)}
    assert invoice(session, campaign, "F1").outstanding_cents == 100000  # nothing changed yet
    with pytest.raises(DomainError, match="absent"):
        service.confirm(session, batch)                                   # absent invoices need a yes
    service.confirm(session, batch, absent_acknowledged=True)
    service.apply(session, batch)
    session.flush()
    session.expire_all()
    assert invoice(session, campaign, "F1").outstanding_cents == 40000
    assert invoice(session, campaign, "F3").status is InvoiceStatus.PAID
    assert invoice(session, campaign, "F4").status is InvoiceStatus.PAID
    assert debtor(session, campaign, "B1").queue_state is QueueState.PAID  # leaves the queue
    assert debtor(session, campaign, "A1").total_outstanding_cents == 90000
    assert debtor(session, campaign, "D1").total_outstanding_cents == 75000
    kinds = session.scalars(sa.select(InvoiceChange.kind).where(InvoiceChange.batch_id == batch.id)).all()
    assert sorted(k.value for k in kinds) == ["new", "paid", "paid", "partly_paid", "unchanged"]


def test_a_rejected_row_in_a_complete_balance_never_marks_its_invoice_paid(session, make, tmp_path):
    campaign = make.campaign()
    run(session, campaign, FIRST, tmp_path, ImportKind.INITIAL, "first.csv")
    update = HEAD + ("A1;Alpha;F1;01/06/2026;1 000,00\nA1;Alpha;F2;01/07/2026;500,00\n"
                     "B1;Beta;F3;01/06/2026;trois cents\nC1;Gamma;F4;01/06/2026;200,00\n")
    batch = run(session, campaign, update, tmp_path, ImportKind.UPDATE, "update.csv")
    assert batch.rejected == 1
    assert [(line.invoice_number, line.kind.value) for line in lines(session, batch)] == [("F3", "kept_rejected")]
    assert invoice(session, campaign, "F3").status is InvoiceStatus.OPEN
    assert invoice(session, campaign, "F3").outstanding_cents == 30000


def test_a_balance_that_would_make_most_of_the_money_vanish_asks_to_type_the_count(session, make, tmp_path):
    campaign = make.campaign()
    run(session, campaign, FIRST, tmp_path, ImportKind.INITIAL, "first.csv")
    batch = upload(session, campaign, HEAD + "C1;Gamma;F4;01/06/2026;200,00\n", tmp_path, ImportKind.UPDATE, "u.csv")
    assert batch.changes_summary["needs_typed_confirmation"] is True          # 1 800 € of 2 000 € would vanish
    with pytest.raises(DomainError, match="type 3"):
        service.confirm(session, batch, absent_acknowledged=True, typed="oui")
    service.confirm(session, batch, absent_acknowledged=True, typed="3")
    service.apply(session, batch)
    session.expire_all()
    assert invoice(session, campaign, "F1").status is InvoiceStatus.PAID


def test_a_payments_list_of_four_rows_changes_exactly_four_invoices(session, make, tmp_path):
    campaign = make.campaign()
    others = "".join(f"Z{i};Zeta {i};G{i};01/06/2026;100,00\n" for i in range(20))
    run(session, campaign, FIRST + others, tmp_path, ImportKind.INITIAL, "first.csv")
    payments = PAYMENTS_HEAD + (f"F1;400,00;{TODAY};virement\nF2;500,00;{TODAY};chèque\n"
                                f"G3;30,00;{TODAY};virement\nG4;150,00;{TODAY};virement\n"
                                f"X99;80,00;{TODAY};virement\nF4;douze;{TODAY};virement\n")
    batch = upload(session, campaign, payments, tmp_path, ImportKind.PAYMENTS, "reglements.csv")
    assert (batch.accepted, batch.rejected) == (5, 1)                       # "douze" is not an amount
    preview = {(line.invoice_number, line.kind.value, line.before_cents, line.after_cents)
               for line in lines(session, batch)}
    assert preview == {("F1", "partly_paid", 100000, 60000), ("F2", "paid", 50000, 0),
                       ("G3", "partly_paid", 10000, 7000), ("G4", "overpaid", 10000, 0),
                       ("X99", "unknown", None, None)}
    service.confirm(session, batch)    # a payments list never takes an absent invoice as paid: no question
    service.apply(session, batch)
    session.expire_all()
    changed = session.scalars(sa.select(InvoiceChange.invoice_id).where(InvoiceChange.batch_id == batch.id)).all()
    assert len(changed) == 4
    assert invoice(session, campaign, "F3").status is InvoiceStatus.OPEN     # not named: untouched
    assert invoice(session, campaign, "F4").outstanding_cents == 20000      # its row was rejected
    assert invoice(session, campaign, "G4").status is InvoiceStatus.PAID
    assert invoice(session, campaign, "G5").outstanding_cents == 10000
    again = upload(session, campaign, PAYMENTS_HEAD + f"F2;10,00;{TODAY};virement\n", tmp_path,
                   ImportKind.PAYMENTS, "again.csv")
    assert [line.kind.value for line in lines(session, again)] == ["already_paid"]


def _promise_plan(session, campaign, agent, debtor_, instalments, now):
    queue.open_debtor(session, debtor_.id, agent.id, now=now)
    record_outcome(session, debtor_.id, agent.id, OutcomeInput(
        result=ContactResult.RIGHT_PARTY, promise=PromiseInput(
            promised_date=None, amount_cents=sum(c for _, c in instalments), method=PaymentMethod.TRANSFER,
            instalments=instalments)), now=now)
    session.flush()
    return session.scalar(sa.select(Promise).where(Promise.debtor_id == debtor_.id))


def test_a_plan_of_three_payments_whose_first_was_paid_on_time_stays_on_track(session, make, tmp_path):
    agent = make.user(Role.AGENT)
    campaign = make.campaign(agents=[agent], promise_grace_days=3)
    debtor_ = make.debtor(campaign, invoices=[(300_000, 40)])
    now = datetime.now(timezone.utc)
    today = date.today()
    plan = _promise_plan(session, campaign, agent, debtor_, [(today + timedelta(days=d), 100_000)
                                                             for d in (2, 32, 62)], now)
    number = debtor_.invoices[0].number
    batch = upload(session, campaign, PAYMENTS_HEAD + f"{number};1 000,00;{TODAY};virement\n", tmp_path,
                   ImportKind.PAYMENTS, "reglements.csv")
    assert [(line.kind.value, line.promise_id, line.promise_status) for line in lines(session, batch)] == [
        ("partly_paid", plan.id, "pending")]
    service.confirm(session, batch)
    service.apply(session, batch)
    session.commit()

    # Ten days after the first instalment, the job worker's pass changes nothing: the plan is on track.
    assert promises.judge_campaign(session, campaign.id, now=now + timedelta(days=12)) == 0
    session.expire_all()
    plan = session.get(Promise, plan.id)
    assert plan.status is PromiseStatus.PENDING and plan.paid_cents == 100_000
    assert [i.status for i in plan.instalments] == [PromiseStatus.KEPT, PromiseStatus.PENDING,
                                                    PromiseStatus.PENDING]
    audit = session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "promise.instalment_kept")).all()
    assert [(e.entity_id, e.user_id, e.details["instalments"]) for e in audit] == [(plan.id, None, [1])]
    assert campaign_figures(session, campaign.id).instalments == {"kept": 1, "pending": 2}   # the dashboard
    # The queue does not hand the debtor out while its plan is on track.
    assert queue.claim_next(session, campaign.id, agent.id, now=now + timedelta(days=12)) is None

    # The second instalment is not paid: once its grace has passed, the plan is broken, with the boost.
    assert promises.judge_campaign(session, campaign.id, now=now + timedelta(days=36)) == 1
    session.expire_all()
    plan = session.get(Promise, plan.id)
    assert plan.status is PromiseStatus.BROKEN
    assert [i.status for i in plan.instalments][:2] == [PromiseStatus.KEPT, PromiseStatus.BROKEN]
    broken = session.get(DebtorAccount, debtor_.id)
    assert (broken.queue_state, broken.broken_promises) == (QueueState.READY, 1)
    assert broken.last_broken_promise_on == today + timedelta(days=32)


def test_a_promise_partly_paid_by_an_update_file_is_partly_kept_with_the_same_boost_as_the_worker(
        session, make, tmp_path):
    agent = make.user(Role.AGENT)
    campaign = make.campaign(agents=[agent], promise_grace_days=0)
    run(session, campaign, FIRST, tmp_path, ImportKind.INITIAL, "first.csv")
    now = datetime.now(timezone.utc)
    alpha = debtor(session, campaign, "A1")
    queue.open_debtor(session, alpha.id, agent.id, now=now)
    record_outcome(session, alpha.id, agent.id, OutcomeInput(
        result=ContactResult.RIGHT_PARTY, promise=PromiseInput(
            promised_date=clock.today(campaign), amount_cents=150_000, method=PaymentMethod.TRANSFER)), now=now)
    session.commit()
    tomorrow = now + timedelta(days=1)
    batch = upload(session, campaign, PAYMENTS_HEAD + f"F1;600,00;{TODAY};virement\n", tmp_path,
                   ImportKind.PAYMENTS, "reglements.csv")
    service.confirm(session, batch)
    service.apply(session, batch, now=tomorrow)
    session.expire_all()
    promise = session.scalar(sa.select(Promise).where(Promise.debtor_id == alpha.id))
    assert (promise.status, promise.paid_cents) == (PromiseStatus.PARTIALLY_KEPT, 60_000)
    alpha = session.get(DebtorAccount, alpha.id)
    assert (alpha.queue_state, alpha.broken_promises) == (QueueState.READY, 1)
    judged = session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "promise.partially_kept")).all()
    assert [(e.user_id, e.details["batch_id"]) for e in judged] == [(None, batch.id)]
    assert [line.promise_status for line in lines(session, batch)] == ["partially_kept"]


def test_a_promise_paid_in_full_by_a_complete_balance_is_kept_and_its_debtor_leaves_the_queue(session, make, tmp_path):
    agent = make.user(Role.AGENT)
    campaign = make.campaign(agents=[agent])
    run(session, campaign, FIRST, tmp_path, ImportKind.INITIAL, "first.csv")
    now = datetime.now(timezone.utc)
    beta = debtor(session, campaign, "B1")
    queue.open_debtor(session, beta.id, agent.id, now=now)
    record_outcome(session, beta.id, agent.id, OutcomeInput(
        result=ContactResult.RIGHT_PARTY, promise=PromiseInput(
            promised_date=date.today() + timedelta(days=5), amount_cents=30_000, method=PaymentMethod.CHEQUE)),
        now=now)
    session.commit()
    balance = HEAD + ("A1;Alpha;F1;01/06/2026;1 000,00\nA1;Alpha;F2;01/07/2026;500,00\n"
                      "B1;Beta;F3;01/06/2026;0,00\nC1;Gamma;F4;01/06/2026;200,00\n")
    run(session, campaign, balance, tmp_path, ImportKind.UPDATE, "balance.csv")
    promise = session.scalar(sa.select(Promise).where(Promise.debtor_id == beta.id))
    assert (promise.status, promise.paid_cents) == (PromiseStatus.KEPT, 30_000)
    assert session.get(DebtorAccount, beta.id).queue_state is QueueState.PAID


def test_a_row_marked_paid_in_a_complete_balance_pays_its_invoice_and_a_voided_one_is_no_payment(
        session, make, tmp_path):
    campaign = make.campaign()
    run(session, campaign, FIRST, tmp_path, ImportKind.INITIAL, "first.csv")
    update = ("Code client;Raison sociale;N° facture;Échéance;Reste dû;Statut\n"
              "A1;Alpha;F1;01/06/2026;1 000,00;Payée\nA1;Alpha;F2;01/07/2026;500,00;À payer\n"
              "B1;Beta;F3;01/06/2026;300,00;Annulée\nC1;Gamma;F4;01/06/2026;200,00;Réglée\n")
    batch = upload(session, campaign, update, tmp_path, ImportKind.UPDATE, "update.csv")
    assert (batch.accepted, batch.quality["settled"], batch.quality["not_issued"]) == (1, 2, 1)
    assert batch.changes_summary["absent_paid"] == 0          # a settled or voided row is in the file
    assert {(line.invoice_number, line.kind.value, line.before_cents, line.after_cents)
            for line in lines(session, batch)} == {("F1", "paid", 100000, 0), ("F4", "paid", 20000, 0)}
    service.confirm(session, batch)
    service.apply(session, batch)
    session.flush()
    session.expire_all()
    assert invoice(session, campaign, "F1").status is InvoiceStatus.PAID
    assert invoice(session, campaign, "F3").status is InvoiceStatus.OPEN   # voided: for the manager to settle
    assert debtor(session, campaign, "C1").queue_state is QueueState.PAID
