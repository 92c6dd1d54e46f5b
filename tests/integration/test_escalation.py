"""Who is proposed for a formal notice, and the client's decision: each rule, each exclusion, the penalties
each debtor owes, approval by a user of the right company only, and the agent's penalty waiver."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from campaigns import clock, escalation, penalties, promises
from campaigns.errors import NotFound, PermissionDenied
from campaigns.models import (AuditEntry, CallAttempt, ContactResult, ImportBatch, ImportKind, ImportStatus,
                              InvoiceChange, InvoiceMotive, Motive,
                              MotiveStatus, PaymentMethod, Promise, PromiseStatus, QueueState, Role,
                              promise_invoices)


@pytest.fixture
def mission(session, make):
    company = make.client_company(name="Durand SA", late_interest_rate=Decimal("12"))
    campaign = make.campaign(client_company=company)
    return campaign


def proposed(session, campaign):
    return {c.debtor_id: c for c in escalation.candidates(session, campaign)}


def motive(session, code):
    return session.scalar(sa.select(Motive).where(Motive.code == code, Motive.client_company_id.is_(None)))


def test_a_refusal_is_proposed_with_its_penalties_to_date(session, make, mission):
    debtor = make.debtor(mission, invoices=[(100_000, 73)])      # 1 000 € due 73 days ago
    debtor.queue_state = QueueState.REFUSED
    session.add(CallAttempt(campaign_id=mission.id, debtor_id=debtor.id, result=ContactResult.REFUSAL,
                            started_at=clock.now()))
    session.flush()
    [c] = escalation.candidates(session, mission)
    assert c.debtor_id == debtor.id and c.reasons == ["refusal", "overdue"]
    # 100000 × 12 % × 73/365 = 2400 cents; and the 40 € indemnity
    assert c.interest_cents == 2400 and c.indemnity_cents == 4000 and c.approval == "pending"
    assert c.as_json()["interest"] == "24.00" and c.as_json()["reasons"] == ["refusal", "overdue"]
    assert c.as_json()["indemnity"] == "40.00" and c.as_json()["outstanding"] == "1000.00"


def test_two_broken_or_partly_kept_promises_are_needed_by_default(session, make, mission):
    once = make.debtor(mission, invoices=[(50_000, 20)])
    twice = make.debtor(mission, invoices=[(50_000, 20)])
    for debtor, verdicts in ((once, [PromiseStatus.BROKEN]),
                             (twice, [PromiseStatus.BROKEN, PromiseStatus.PARTIALLY_KEPT])):
        for status in verdicts:
            session.add(Promise(campaign_id=mission.id, debtor_id=debtor.id, promised_date=clock.today(),
                                amount_cents=10_000, method=PaymentMethod.TRANSFER, status=status))
    session.flush()
    assert {d: c.reasons for d, c in proposed(session, mission).items()} == {twice.id: ["broken_promises"]}
    mission.escalation_rules = {"broken_promises": 1}
    assert set(proposed(session, mission)) == {once.id, twice.id}


def test_unreachable_after_the_maximum_attempts_is_proposed(session, make, mission):
    debtor = make.debtor(mission, invoices=[(50_000, 10)])
    debtor.queue_state = QueueState.UNREACHABLE
    session.flush()
    assert proposed(session, mission)[debtor.id].reasons == ["unreachable"]
    mission.escalation_rules = {"unreachable": False}
    assert proposed(session, mission) == {}


def test_an_old_invoice_is_proposed_unless_a_promise_is_pending(session, make, mission):
    old = make.debtor(mission, invoices=[(50_000, 61), (20_000, 5)])
    recent = make.debtor(mission, invoices=[(50_000, 59)])
    waiting = make.debtor(mission, invoices=[(50_000, 90)])
    session.add(Promise(campaign_id=mission.id, debtor_id=waiting.id, promised_date=clock.today() + timedelta(days=3),
                        amount_cents=50_000, method=PaymentMethod.TRANSFER))
    session.flush()
    assert {d: c.reasons for d, c in proposed(session, mission).items()} == {old.id: ["overdue"]}
    mission.escalation_rules = {"overdue_days": 30}
    assert set(proposed(session, mission)) == {old.id, recent.id}


@pytest.mark.parametrize("code", ["dispute.quality", "insolvency", "already_paid"])
def test_never_a_debtor_with_an_open_dispute_or_under_collective_proceedings(session, make, mission, code):
    debtor = make.debtor(mission, invoices=[(50_000, 120)])
    debtor.queue_state = QueueState.REFUSED
    session.flush()
    invoice = debtor.invoices[0]
    assert debtor.id in proposed(session, mission)
    session.add(InvoiceMotive(campaign_id=mission.id, debtor_id=debtor.id, invoice_id=invoice.id,
                              motive_id=motive(session, code).id,
                              proceedings_opened_on=clock.today() if code == "insolvency" else None))
    session.flush()
    assert proposed(session, mission) == {}


def test_a_resolved_dispute_no_longer_protects_but_proceedings_do(session, make, mission):
    debtor = make.debtor(mission, invoices=[(50_000, 120)])
    session.flush()
    invoice = debtor.invoices[0]
    dispute = InvoiceMotive(campaign_id=mission.id, debtor_id=debtor.id, invoice_id=invoice.id,
                            motive_id=motive(session, "dispute.price").id, status=MotiveStatus.RESOLVED)
    session.add(dispute)
    session.flush()
    assert debtor.id in proposed(session, mission)


def test_a_debtor_that_paid_everything_is_not_proposed(session, make, mission):
    debtor = make.debtor(mission, invoices=[(50_000, 120)])
    debtor.total_outstanding_cents = 0
    debtor.queue_state = QueueState.PAID
    session.flush()
    assert proposed(session, mission) == {}


def test_only_a_user_of_the_client_company_decides_and_each_decision_is_audited(session, make, mission):
    debtor = make.debtor(mission, invoices=[(50_000, 120)])
    session.flush()
    theirs = make.user(Role.CLIENT, client_company=mission.client_company, name="Claire Durand")
    other = make.user(Role.CLIENT, name="Autre Client")
    manager = make.user(Role.MANAGER)
    for user in (other, manager):
        with pytest.raises(PermissionDenied):
            escalation.decide(session, mission, debtor.id, user, approve=True)
    escalation.decide(session, mission, debtor.id, theirs, approve=False, comment="Client historique, on rappelle")
    c = proposed(session, mission)[debtor.id]
    assert c.approval == "declined" and c.comment == "Client historique, on rappelle"
    assert c.decided_by == "Claire Durand"
    assert debtor.queue_state is QueueState.READY        # a declined debtor stays in the call queue
    escalation.decide(session, mission, debtor.id, theirs, approve=True)
    assert proposed(session, mission)[debtor.id].approval == "approved"
    actions = session.scalars(sa.select(AuditEntry.action).where(AuditEntry.campaign_id == mission.id)
                              .order_by(AuditEntry.id)).all()
    assert actions[-2:] == ["notice.declined", "notice.approved"]


def test_a_debtor_not_proposed_cannot_be_decided(session, make, mission):
    debtor = make.debtor(mission, invoices=[(50_000, 5)])
    session.flush()
    theirs = make.user(Role.CLIENT, client_company=mission.client_company)
    with pytest.raises(NotFound):
        escalation.decide(session, mission, debtor.id, theirs, approve=True)


def _promise_with_waiver(session, mission, debtor, days_ago):
    invoice = debtor.invoices[0]
    made = clock.now() - timedelta(days=days_ago + 5)
    promise = Promise(campaign_id=mission.id, debtor_id=debtor.id, promised_date=clock.today() - timedelta(days=days_ago),
                      amount_cents=invoice.outstanding_cents, method=PaymentMethod.TRANSFER, created_at=made,
                      penalties_waived_if_paid_by=clock.today() - timedelta(days=days_ago), penalty_waiver="offered")
    session.add(promise)
    session.flush()
    session.execute(sa.insert(promise_invoices), [{"promise_id": promise.id, "invoice_id": invoice.id,
                                                   "outstanding_cents": invoice.outstanding_cents}])
    return promise, invoice


def test_a_promise_kept_waives_its_penalties_and_a_broken_one_revives_them(session, make, mission):
    kept_debtor = make.debtor(mission, invoices=[(100_000, 73)])
    broken_debtor = make.debtor(mission, invoices=[(100_000, 73)])
    session.flush()
    kept, invoice = _promise_with_waiver(session, mission, kept_debtor, days_ago=10)
    before = penalties.for_debtors(session, mission, [kept_debtor.id])[kept_debtor.id]
    assert before.offered_until == kept.penalties_waived_if_paid_by and before.total_cents > 0
    payments = ImportBatch(campaign_id=mission.id, kind=ImportKind.PAYMENTS, status=ImportStatus.APPLIED,
                           file_name="reglements.csv", sha256="0" * 64)
    session.add(payments)
    session.flush()
    session.add(InvoiceChange(batch_id=payments.id, invoice_id=invoice.id, kind="paid", old_outstanding_cents=100_000,
                              new_outstanding_cents=0, paid_on=clock.today() - timedelta(days=11),
                              created_at=clock.now() - timedelta(days=11)))
    invoice.outstanding_cents = 0
    broken, _ = _promise_with_waiver(session, mission, broken_debtor, days_ago=10)
    session.flush()
    promises.judge_debtors(session, mission, [kept_debtor.id, broken_debtor.id])
    assert (kept.status, kept.penalty_waiver) == (PromiseStatus.KEPT, "granted")
    assert (broken.status, broken.penalty_waiver) == (PromiseStatus.BROKEN, "revoked")
    owed = penalties.for_debtors(session, mission, [kept_debtor.id, broken_debtor.id])
    assert owed[kept_debtor.id].total_cents == 0 and owed[kept_debtor.id].waived_cents > 0
    assert owed[broken_debtor.id].total_cents == 4000 + 2400     # 100000 × 12 % × 73/365
    actions = set(session.scalars(sa.select(AuditEntry.action)))
    assert {"promise.penalties_waived", "promise.penalties_revived"} <= actions
