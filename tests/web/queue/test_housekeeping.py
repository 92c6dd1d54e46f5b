"""The job worker's periodic housekeeping: promises past due are judged without anyone asking."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from campaigns import queue
from campaigns.models import CampaignStatus, ContactResult, PaymentMethod, Promise, PromiseStatus, Role
from campaigns.outcomes import OutcomeInput, PromiseInput, record_outcome


def test_the_worker_breaks_promises_past_due_in_running_campaigns_only(app, app_make, db):
    from app.worker.housekeeping import housekeep

    agent = app_make.user(Role.AGENT)
    running = app_make.campaign(agents=[agent])
    paused = app_make.campaign(agents=[agent], status=CampaignStatus.PAUSED)
    now = datetime.now(timezone.utc)
    for campaign in (running, paused):
        debtor = app_make.debtor(campaign)
        queue.open_debtor(db, debtor.id, agent.id, now=now)
        record_outcome(db, debtor.id, agent.id, OutcomeInput(
            result=ContactResult.RIGHT_PARTY, promise=PromiseInput(
                promised_date=now.date() + timedelta(days=2), amount_cents=100_000, method=PaymentMethod.TRANSFER)),
            now=now)
    db.commit()

    with app.app_context():
        assert housekeep(now=now + timedelta(days=30)) == 1

    db.expire_all()
    statuses = {p.debtor.campaign_id: p.status for p in db.query(Promise)}
    assert statuses == {running.id: PromiseStatus.BROKEN, paused.id: PromiseStatus.PENDING}


def test_housekeeping_the_retention_purge_and_the_mail_are_scheduled_on_the_worker():
    from app.worker import huey

    assert {task.name for task in huey._registry.periodic_tasks} == {"queue_housekeeping", "purge_due", "send_mail",
                                                                     "send_digests"}
