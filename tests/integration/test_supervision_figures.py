"""The dashboard's figures, checked against a small campaign computed by hand."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from campaigns import supervision
from campaigns.errors import Conflict
from campaigns.supervision.disputes import resolve_dispute
from campaigns.models import (
    AuditEntry, CampaignStatus, ContactResult as R, DebtorAccount, ImportBatch, ImportRejection, InvoiceStatus, MotiveStatus, PromiseStatus,
    QueueState, Role,
)
from campaigns.taxonomy import DEFAULT_MOTIVES

from .supervision_data import DAY1, Recorder

H = timedelta(hours=1)


@pytest.fixture
def mission(session, make):
    """Six debtors, 380 000 cents placed, two agents; every number below is worked out by hand."""
    rec = Recorder(session)
    alice, bob = make.user(Role.AGENT, name="Alice"), make.user(Role.AGENT, name="Bob")
    campaign = make.campaign(agents=[alice, bob])
    d1 = make.debtor(campaign, invoices=[(100_000, 40), (50_000, 20)])
    d2 = make.debtor(campaign, invoices=[(80_000, 30)])
    d3 = make.debtor(campaign, invoices=[(60_000, 60), (-10_000, 50)])  # with a credit note
    d4 = make.debtor(campaign, invoices=[(40_000, 90), (20_000, 15)], queue_state=QueueState.DISPUTED)
    d5 = make.debtor(campaign, invoices=[(30_000, 10)], queue_state=QueueState.UNREACHABLE)
    d6 = make.debtor(campaign, invoices=[(10_000, 5)])

    rec.attempt(d1, alice, R.NO_ANSWER, DAY1, seconds=20)
    call = rec.attempt(d1, alice, R.RIGHT_PARTY, DAY1 + H / 2, seconds=300)
    rec.promise(d1, alice, 150_000, status=PromiseStatus.KEPT, paid=150_000, call=call)
    rec.attempt(d2, alice, R.RIGHT_PARTY, DAY1 + H, seconds=200)
    rec.promise(d2, alice, 80_000, status=PromiseStatus.PARTIALLY_KEPT, paid=30_000)
    rec.attempt(d3, bob, R.RIGHT_PARTY, DAY1 + 24 * H, seconds=400)
    rec.promise(d3, bob, 50_000, status=PromiseStatus.BROKEN,
                plan=[(date(2026, 11, 20), 25_000), (date(2026, 12, 4), 25_000)])
    rec.promise(d3, bob, 99_999, status=PromiseStatus.CANCELLED)
    rec.attempt(d4, bob, R.RIGHT_PARTY, DAY1 + 25 * H, seconds=600)
    f40, f20 = rec.invoices(d4)
    rec.motive(f40, "dispute.price", bob, disputed=15_000, details="Prix contesté")
    rec.motive(f20, "documents.invoice_not_received", bob, documents="Duplicata")
    rec.attempt(d5, bob, R.VOICEMAIL, DAY1 + 26 * H, seconds=30)
    rec.attempt(d5, bob, R.BUSY, DAY1 + 27 * H, seconds=10)
    i1, i2 = rec.invoices(d1)
    rec.payments(campaign, [(i1, 0), (i2, 0), (rec.invoices(d2)[0], 50_000)])
    session.flush()
    return dict(campaign=campaign, alice=alice, bob=bob, debtors=(d1, d2, d3, d4, d5, d6), rec=rec)


def test_headline_figures_match_the_hand_computed_mission(session, mission):
    f = supervision.campaign_figures(session, mission["campaign"].id)
    assert (f.debtors_placed, f.invoices_placed, f.amount_placed_cents) == (6, 9, 380_000)
    assert (f.debtors_worked, f.amount_worked_cents) == (5, 370_000)
    assert (f.debtors_reached, f.amount_reached_cents) == (4, 340_000)
    # Still to call: d1, d2, d3 and d6, with what they owe after the update file (0 + 50k + 50k + 10k).
    assert (f.debtors_remaining, f.amount_remaining_cents) == (4, 110_000)
    assert (f.calls, f.completed_calls) == (7, 4)
    assert f.right_party_rate == pytest.approx(4 / 7)
    assert (f.promises, f.promised_cents, f.debtors_promised) == (3, 280_000, 3)
    assert f.promise_rate == pytest.approx(3 / 4)
    assert f.status(PromiseStatus.KEPT) == (1, 150_000, 150_000)
    assert f.status(PromiseStatus.PARTIALLY_KEPT) == (1, 80_000, 30_000)
    assert f.status(PromiseStatus.BROKEN) == (1, 50_000, 0)
    assert f.paid_since_start_cents == 180_000
    assert (f.disputes_open, f.disputed_open_cents) == (2, 35_000)
    assert (f.debtors_unreachable, f.amount_unreachable_cents) == (1, 30_000)
    assert (f.debtors_not_reached, f.amount_not_reached_cents) == (2, 40_000)
    assert f.outstanding_now_cents == 380_000 - 180_000


def test_promises_are_counted_in_the_week_they_fall_due(session, mission):
    weeks = supervision.promises_by_week(session, mission["campaign"].id)
    # 25/11 (two single promises, Wednesday), the plan's 20/11 and 04/12 instalments; the cancelled one is out.
    assert weeks == [(date(2026, 11, 16), 1, 25_000), (date(2026, 11, 23), 2, 230_000), (date(2026, 11, 30), 1, 25_000)]


def test_each_agent_has_calls_contacts_promises_and_handling_time(session, mission):
    rows = {r.name: r for r in supervision.agent_figures(session, mission["campaign"].id)}
    alice, bob = rows["Alice"], rows["Bob"]
    assert (alice.calls, alice.contacts, alice.promises, alice.promised_cents) == (3, 2, 2, 230_000)
    assert alice.average_call_seconds == pytest.approx(520 / 3)
    assert (bob.calls, bob.contacts, bob.promises, bob.promised_cents) == (4, 2, 1, 50_000)


def test_completed_calls_are_right_party_contacts_counted_per_day(session, mission):
    days = supervision.completed_calls_by_day(session, mission["campaign"].id)
    assert days == [(date(2026, 11, 16), 3, 2), (date(2026, 11, 17), 4, 2)]


def test_motives_are_broken_down_by_motive_in_count_and_amount(session, mission):
    rows = {r.code: r for r in supervision.motive_breakdown(session, mission["campaign"].id)}
    price, missing = rows["dispute.price"], rows["documents.invoice_not_received"]
    assert (price.invoices, price.debtors, price.amount_cents, price.family) == (1, 1, 15_000, "Litige commercial")
    assert (missing.invoices, missing.amount_cents, missing.family) == (1, 20_000, "Documents manquants")
    assert missing.share == pytest.approx(20_000 / 380_000)


def test_every_motive_of_the_taxonomy_is_reported(session, make):
    rec = Recorder(session)
    campaign = make.campaign()
    debtor = make.debtor(campaign, invoices=[(1_000 * (i + 1), 30) for i in range(len(DEFAULT_MOTIVES))])
    for invoice, (code, *_rest) in zip(rec.invoices(debtor), DEFAULT_MOTIVES):
        rec.motive(invoice, code)
    cancelled = make.debtor(campaign, invoices=[(5_000, 3)])
    rec.motive(rec.invoices(cancelled)[0], "other", status=MotiveStatus.CANCELLED)
    rows = supervision.motive_breakdown(session, campaign.id)
    assert {r.code for r in rows} == {code for code, *_ in DEFAULT_MOTIVES}
    assert sum(r.amount_cents for r in rows) == sum(1_000 * (i + 1) for i in range(len(DEFAULT_MOTIVES)))
    assert all(r.invoices == 1 and r.debtors == 1 for r in rows)


def test_resolving_the_last_dispute_returns_the_debtor_to_the_queue(session, make, mission):
    manager = make.user(Role.MANAGER)
    campaign, d4 = mission["campaign"], mission["debtors"][3]
    first, second = supervision.open_disputes(session, campaign.id)
    resolve_dispute(session, first.id, manager.id, "Avoir émis", campaign_id=campaign.id)
    session.refresh(d4)
    assert d4.queue_state is QueueState.DISPUTED  # the missing invoice still blocks it
    resolve_dispute(session, second.id, manager.id, campaign_id=campaign.id)
    session.refresh(d4)
    assert d4.queue_state is QueueState.READY and d4.next_action_at is not None
    assert {i.status for i in mission["rec"].invoices(d4)} == {InvoiceStatus.OPEN}
    assert supervision.open_disputes(session, campaign.id) == []
    assert session.scalar(sa.select(sa.func.count()).where(AuditEntry.action == "dispute.resolve")) == 2
    with pytest.raises(Conflict):
        resolve_dispute(session, second.id, manager.id, campaign_id=campaign.id)


def test_purge_keeps_the_figures_and_removes_personal_data(session, make, mission, tmp_path):
    from campaigns.recap import write_recap
    manager = make.user(Role.MANAGER)
    campaign = mission["campaign"]
    before = supervision.campaign_figures(session, campaign.id)
    with pytest.raises(Conflict):
        supervision.purge_personal_data(session, manager, campaign)  # not closed yet
    campaign.status = CampaignStatus.CLOSED
    with pytest.raises(Conflict):
        supervision.purge_personal_data(session, manager, campaign)  # no final recap yet
    write_recap(session, campaign.id, str(tmp_path / "final.xlsx"), final=True, user_id=manager.id)
    upload = tmp_path / "balance.csv"
    upload.write_text("Code;Société\n")
    batch = ImportBatch(campaign_id=campaign.id, file_name="balance.csv", stored_path=str(upload), sha256="2" * 64)
    session.add(batch)
    session.flush()
    session.add(ImportRejection(batch_id=batch.id, row_number=3, reason="montant illisible", raw=["C1", "Jean Dupont"]))
    counts = supervision.purge_personal_data(session, manager, campaign)
    assert counts["files"] == 1 and not upload.exists() and counts["rejected_rows"] == 1
    assert counts["debtors"] == 6
    debtor = session.get(DebtorAccount, mission["debtors"][0].id)
    assert debtor.company_name == f"Débiteur {debtor.id}" and debtor.contact_names is None
    assert all(p.raw == "—" and p.e164 is None for p in debtor.phones)
    assert supervision.campaign_figures(session, campaign.id) == before
    assert session.scalar(sa.select(AuditEntry.details).where(AuditEntry.action == "campaign.purge_personal_data"))


def test_campaigns_past_their_retention_are_due_for_purge(session, make):
    from campaigns.models import utcnow
    old = make.campaign(status=CampaignStatus.CLOSED, closed_at=utcnow() - timedelta(days=91), retention_days=90)
    make.campaign(status=CampaignStatus.CLOSED, closed_at=utcnow() - timedelta(days=10), retention_days=90)
    assert [c.id for c in supervision.purge_due(session)] == [old.id]
