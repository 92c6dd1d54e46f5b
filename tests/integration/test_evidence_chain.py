"""The contact log as evidence: every call and every change about a debtor is sealed in that debtor's hash
chain as it is written; a check recomputes the chains and names the event edited, deleted, moved or slipped
in; PostgreSQL refuses rewriting them; the purge blanks personal fields and the check still passes."""
from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from campaigns import audit, calendar, evidence, queue
from campaigns.db import make_session_factory
from campaigns.evidence import verification as checks
from campaigns.evidence.chain import EventsAreAppendOnly
from campaigns.models import (AuditEntry, CallAttempt, CampaignStatus, ChainLink, ContactResult, DebtorAccount,
                              PaymentMethod, Role)
from campaigns.outcomes import OutcomeInput, PromiseInput, record_outcome
from campaigns.supervision import purge_personal_data


def open_now(campaign):
    return calendar.next_open(campaign, datetime.now(timezone.utc)) + timedelta(minutes=5)


@pytest.fixture
def mission(session, make):
    agent = make.user(Role.AGENT, name="Sonia Benali")
    manager = make.user(Role.MANAGER, name="Claire Martin")
    campaign = make.campaign(agents=[agent])
    return campaign, agent, manager


def call(session, campaign, agent, debtor, now, **outcome):
    """The agent takes the debtor from the queue and records what the call gave."""
    session.execute(sa.update(DebtorAccount).where(DebtorAccount.id == debtor.id).values(
        leased_by_id=agent.id, lease_expires_at=now + timedelta(minutes=30)))
    session.expire_all()
    outcome.setdefault("result", ContactResult.NO_ANSWER)
    attempt = record_outcome(session, debtor.id, agent.id, OutcomeInput(**outcome), now=now)
    session.commit()
    return attempt


def worked_debtor(session, make, mission, **kw):
    """A debtor called three times: no answer, then a refusal with notes, then a promise."""
    campaign, agent, manager = mission
    debtor = make.debtor(campaign, invoices=[(120_000, 40)], **kw)
    session.commit()
    now = open_now(campaign)
    call(session, campaign, agent, debtor, now, phone_dialled="+33142685300")
    call(session, campaign, agent, debtor, now + timedelta(hours=3), result=ContactResult.RIGHT_PARTY,
         phone_dialled="+33142685300", notes="Le gérant rappelle demain, conteste le délai")
    call(session, campaign, agent, debtor, now + timedelta(days=1), result=ContactResult.RIGHT_PARTY,
         phone_dialled="+33142685300", notes="Paiera par virement",
         promise=PromiseInput(promised_date=(now + timedelta(days=8)).date(), amount_cents=120_000,
                              method=PaymentMethod.TRANSFER))
    return debtor


def tamper(session, sql, **params):
    """Someone with the database's owner rights rewrites it behind the application (the triggers off)."""
    session.rollback()
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        session.execute(sa.text("SET LOCAL session_replication_role = replica"))
    session.execute(sa.text(sql), params)
    session.commit()


def calls_of(session, debtor):
    return session.scalars(sa.select(CallAttempt).where(CallAttempt.debtor_id == debtor.id)
                           .order_by(CallAttempt.id)).all()


def test_each_call_and_each_change_about_a_debtor_is_sealed_in_its_chain_and_the_campaign_verifies(
        session, make, mission):
    campaign, agent, manager = mission
    debtor = worked_debtor(session, make, mission)
    other = worked_debtor(session, make, mission, customer_code="C-OTHER")
    session.execute(sa.update(DebtorAccount).where(DebtorAccount.id == debtor.id).values(
        leased_by_id=agent.id, lease_expires_at=open_now(campaign) + timedelta(hours=1)))
    queue.take_over(session, debtor.id, manager.id)
    audit.record(session, manager.id, "campaign.pause", campaign, campaign_id=campaign.id)
    session.commit()

    links = session.scalars(sa.select(ChainLink).where(ChainLink.chain == f"campaign:{campaign.id}/debtor:{debtor.id}")
                            .order_by(ChainLink.seq)).all()
    kinds = [link.kind for link in links]
    # three calls, each with its "call.recorded" entry, and the promise's own entry
    assert kinds.count("call") == 3 and kinds.count("audit") >= 4
    assert [link.seq for link in links] == list(range(1, len(links) + 1))
    assert all(b.prev_hash == a.hash for a, b in zip(links, links[1:]))
    events = session.scalar(sa.select(sa.func.count()).select_from(CallAttempt)
                            .where(CallAttempt.campaign_id == campaign.id)) + \
        session.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(AuditEntry.campaign_id == campaign.id))

    result = evidence.verify(session, campaign.id)
    assert result.ok, [b.describe() for b in result.breaks]
    assert result.events == events
    assert set(result.heads) >= {f"campaign:{campaign.id}", f"campaign:{campaign.id}/debtor:{debtor.id}",
                                 f"campaign:{campaign.id}/debtor:{other.id}"}
    assert result.head == evidence.campaign_head(session, campaign.id)
    one = evidence.verify(session, campaign.id, debtor.id)
    assert one.ok and one.head == links[-1].hash == evidence.debtor_head(session, campaign.id, debtor.id)[1]


def test_an_edited_call_is_found_and_the_check_names_what_changed(session, make, mission):
    campaign, agent, manager = mission
    debtor = worked_debtor(session, make, mission)
    refusal = calls_of(session, debtor)[1]
    tamper(session, "UPDATE call_attempts SET notes = 'Le gérant a promis de payer' WHERE id = :id", id=refusal.id)
    tamper(session, "UPDATE call_attempts SET result = 'no_answer' WHERE id = :id", id=calls_of(session, debtor)[2].id)

    result = evidence.verify(session, campaign.id)
    assert not result.ok
    found = {(b.event_id, b.problem): b for b in result.breaks}
    edited = found[(refusal.id, checks.CHANGED)]
    assert edited.fields == ("number dialled / notes",) and edited.debtor_id == debtor.id
    assert found[(calls_of(session, debtor)[2].id, checks.CHANGED)].fields == ("result",)
    assert f"call #{refusal.id}" in edited.describe("Europe/Paris")
    assert "its content was changed (number dialled / notes)" in edited.describe()
    assert len(result.breaks) == 2          # each alteration once, the rest of the chain still reads


def test_a_deleted_call_and_a_deleted_link_are_found(session, make, mission):
    campaign, agent, manager = mission
    debtor = worked_debtor(session, make, mission)
    first, second, _ = (c.id for c in calls_of(session, debtor))
    tamper(session, "DELETE FROM call_attempts WHERE id = :id", id=first)
    result = evidence.verify(session, campaign.id, debtor.id)
    assert [(b.event_id, b.problem) for b in result.breaks] == [(first, checks.DELETED)]

    link_id, seq = session.execute(sa.select(ChainLink.id, ChainLink.seq).where(
        ChainLink.kind == "call", ChainLink.event_id == second)).one()
    tamper(session, "DELETE FROM event_chain WHERE id = :id", id=link_id)
    tamper(session, "DELETE FROM call_attempts WHERE id = :id", id=second)
    result = evidence.verify(session, campaign.id, debtor.id)
    missing = [b for b in result.breaks if b.problem == checks.LINKS_MISSING]
    assert len(missing) == 1 and missing[0].seq == seq + 1 and missing[0].count == 1
    assert "1 event(s) before it are missing from the chain" in missing[0].describe()


def test_events_put_in_another_order_are_found(session, make, mission):
    campaign, agent, manager = mission
    debtor = worked_debtor(session, make, mission)
    chain = f"campaign:{campaign.id}/debtor:{debtor.id}"
    a, b = session.execute(sa.select(ChainLink.id, ChainLink.seq).where(ChainLink.chain == chain)
                           .order_by(ChainLink.seq).limit(2)).all()
    tamper(session, "UPDATE event_chain SET seq = -1 WHERE id = :id", id=a.id)
    tamper(session, "UPDATE event_chain SET seq = :seq WHERE id = :id", seq=a.seq, id=b.id)
    tamper(session, "UPDATE event_chain SET seq = :seq WHERE id = :id", seq=b.seq, id=a.id)
    result = evidence.verify(session, campaign.id)
    assert not result.ok
    assert {brk.problem for brk in result.breaks} & {checks.OUT_OF_ORDER, checks.LINK_ALTERED, checks.LINKS_MISSING}

    # Two calls' times swapped so that the history reads in another order: both calls say so.
    debtor = worked_debtor(session, make, mission, customer_code="C-2")
    (first, first_at), (second, second_at) = [(c.id, c.started_at) for c in calls_of(session, debtor)][:2]
    tamper(session, "UPDATE call_attempts SET started_at = :at WHERE id = :id", at=second_at, id=first)
    tamper(session, "UPDATE call_attempts SET started_at = :at WHERE id = :id", at=first_at, id=second)
    changed = {brk.event_id: brk.fields for brk in evidence.verify(session, campaign.id).breaks
               if brk.problem == checks.CHANGED}
    assert changed == {first: ("start time",), second: ("start time",)}


def test_a_call_slipped_in_with_plain_sql_is_found(session, make, mission):
    campaign, agent, manager = mission
    debtor = worked_debtor(session, make, mission)
    tamper(session, "INSERT INTO call_attempts (campaign_id, debtor_id, agent_id, started_at, result, created_at) "
                    "VALUES (:c, :d, :a, :at, 'right_party', :at)", c=campaign.id, d=debtor.id, a=agent.id,
           at=datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc))
    [slipped] = evidence.verify(session, campaign.id).breaks
    assert slipped.problem == checks.UNCHAINED and slipped.debtor_id == debtor.id
    assert "written outside the application" in slipped.describe()


def test_the_domain_refuses_changing_or_deleting_a_call_or_a_link(session, make, mission):
    campaign, agent, manager = mission
    debtor = worked_debtor(session, make, mission)
    attempt = calls_of(session, debtor)[0]
    attempt.notes = "réécrit"
    with pytest.raises(EventsAreAppendOnly, match="append-only"):
        session.flush()
    session.rollback()
    link = session.scalars(sa.select(ChainLink)).first()
    session.delete(link)
    with pytest.raises(EventsAreAppendOnly, match="append-only"):
        session.flush()
    session.rollback()


@pytest.mark.parametrize("statement", [
    "UPDATE call_attempts SET notes = 'réécrit'",
    "DELETE FROM call_attempts",
    "UPDATE audit_log SET action = 'call.recorded'",
    "DELETE FROM audit_log",
    "UPDATE event_chain SET digest = repeat('0', 64)",
    "DELETE FROM event_chain",
])
def test_postgresql_refuses_a_plain_update_or_delete_of_the_evidence(pg_url, statement):
    engine = sa.create_engine(pg_url)
    factory = make_session_factory(engine)
    with factory() as session:
        from tests.factories import Factory
        make = Factory(session)
        agent = make.user(Role.AGENT)
        worked_debtor(session, make, (make.campaign(agents=[agent]), agent, None))
    with engine.connect() as connection:
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            connection.execute(sa.text(statement))
        connection.rollback()
        # Even inside the purge's setting, an UPDATE may only blank personal fields.
        connection.execute(sa.text("SELECT set_config('relance.purging', 'on', true)"))
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            connection.execute(sa.text("UPDATE call_attempts SET result = 'refusal', notes = NULL, "
                                       "phone_dialled = NULL, purged_at = now()"))
        connection.rollback()
    engine.dispose()


def test_after_the_purge_personal_fields_are_blank_and_the_chains_still_verify(session, make, mission, tmp_path):
    from campaigns.recap import write_recap
    campaign, agent, manager = mission
    debtor = worked_debtor(session, make, mission)
    audit.record(session, manager.id, "notice.approved", debtor, campaign_id=campaign.id, debtor_id=debtor.id,
                 comment="M. Lopez, 06 12 34 56 78, refuse tout")
    session.commit()
    campaign.status = CampaignStatus.CLOSED
    write_recap(session, campaign.id, str(tmp_path / "final.xlsx"), final=True, user_id=manager.id)
    purged_on = datetime.now(timezone.utc)
    counts = purge_personal_data(session, manager, campaign, now=purged_on)
    session.commit()
    assert counts["calls"] == 3 and counts["audit_entries"] >= 5

    assert all(c.notes is None and c.phone_dialled is None and c.purged_at for c in calls_of(session, debtor))
    entry = session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "notice.approved"))
    assert entry.details == {"debtor_id": debtor.id} and entry.purged_at is not None
    result = evidence.verify(session, campaign.id)
    assert result.ok, [b.describe() for b in result.breaks]
    assert sum(result.purged.values()) == counts["calls"] + counts["audit_entries"]
    assert [abs((moment - purged_on).total_seconds()) < 1 for moment in result.purged] == [True]
    # the purge itself is on record, with what it erased
    purge = session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "campaign.purge_personal_data"))
    assert purge.details["calls"] == 3 and purge.details["audit_entries"] == counts["audit_entries"]

    # A purged call whose notes come back is no longer the purged event.
    tamper(session, "UPDATE call_attempts SET notes = 'revenu' WHERE id = :id", id=calls_of(session, debtor)[1].id)
    [back] = evidence.verify(session, campaign.id).breaks
    assert back.problem == checks.CHANGED and back.fields == ("number dialled / notes",)


def test_agents_and_managers_writing_about_the_same_debtors_at_once_never_fork_a_chain(pg_url):
    """Eight agents record calls while two managers write entries about the same debtors: every chain
    stays one line with no gap, and the campaign verifies."""
    engine = sa.create_engine(pg_url, pool_size=12)
    factory = make_session_factory(engine)
    with factory() as session:
        from tests.factories import Factory
        make = Factory(session)
        agents = [make.user(Role.AGENT) for _ in range(8)]
        managers = [make.user(Role.MANAGER) for _ in range(2)]
        campaign = make.campaign(agents=agents)
        debtors = [make.debtor(campaign, customer_code=f"D{i}").id for i in range(8)]
        session.commit()
        campaign_id, now = campaign.id, open_now(campaign)
    errors: list[Exception] = []
    start = threading.Barrier(10)

    def agent_work(agent_id, debtor_id):
        try:
            with factory() as s:
                start.wait()
                for k in range(6):
                    s.execute(sa.update(DebtorAccount).where(DebtorAccount.id == debtor_id).values(
                        leased_by_id=agent_id, lease_expires_at=now + timedelta(hours=1)))
                    record_outcome(s, debtor_id, agent_id, OutcomeInput(result=ContactResult.NO_ANSWER),
                                   now=now + timedelta(minutes=k))
                    s.commit()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    def manager_work(manager_id):
        try:
            with factory() as s:
                start.wait()
                for k in range(12):
                    debtor = s.get(DebtorAccount, debtors[k % len(debtors)])
                    audit.record(s, manager_id, "debtor.note", debtor, campaign_id=campaign_id, debtor_id=debtor.id)
                    s.commit()
        except Exception as exc:  # pragma: no cover
            errors.append(exc)

    threads = [threading.Thread(target=agent_work, args=(a.id, d)) for a, d in zip(agents, debtors)]
    threads += [threading.Thread(target=manager_work, args=(m.id,)) for m in managers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with factory() as session:
        result = evidence.verify(session, campaign_id)
        assert result.ok, [b.describe() for b in result.breaks]
        # 8 × 6 calls and their entries, 2 × 12 manager entries
        assert result.events == 8 * 6 * 2 + 2 * 12 + session.scalar(
            sa.select(sa.func.count()).select_from(AuditEntry).where(AuditEntry.campaign_id == campaign_id,
                                                                      AuditEntry.debtor_id.is_(None)))
        for debtor_id in debtors:
            seqs = session.scalars(sa.select(ChainLink.seq).where(
                ChainLink.chain == f"campaign:{campaign_id}/debtor:{debtor_id}").order_by(ChainLink.seq)).all()
            entries = session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)
                                     .where(AuditEntry.debtor_id == debtor_id))
            assert entries >= 6 + 2 and seqs == list(range(1, 6 + entries + 1))
    engine.dispose()
