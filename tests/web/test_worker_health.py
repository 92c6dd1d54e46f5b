"""An administrator sees whether background jobs run: each worker's health, the queue, the periodic jobs;
the daily retention purge runs from the worker as the command does."""
from __future__ import annotations

import os
import socket
import subprocess
import time
from datetime import timedelta

import sqlalchemy as sa

from campaigns.models import Campaign, CampaignStatus, DebtorAccount, Role, utcnow



def dead_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def test_with_no_worker_the_administrator_is_told_that_jobs_wait(web, app_make, job_store):
    web.login(app_make.user(Role.ADMIN))
    page = web.get("/admin/health").get_data(as_text=True)
    assert "Aucun worker de tâches ne tourne" in page
    assert "Aucun worker n'a démarré" in page
    assert page.count("jamais") == 2                       # neither periodic job has run yet


def test_a_running_worker_is_shown_running_and_a_dead_one_stopped(web, app_make, job_store):
    from app.worker.heartbeats import worker_alive
    job_store.put("worker-other-host-77", {"host": socket.gethostname(), "pid": dead_pid(), "threads": 2,
                                       "started": time.time() - 3600, "beat": time.time() - 5, "every": 10})
    web.login(app_make.user(Role.ADMIN))
    with worker_alive(threads=4):
        page = web.get("/admin/health").get_data(as_text=True)
    assert "Aucun worker de tâches ne tourne" not in page
    assert "En marche" in page and "Arrêté ou injoignable" in page
    assert f"<td>{os.getpid()}</td>" in page
    # A worker that stops cleanly takes its record away.
    page = web.get("/admin/health").get_data(as_text=True)
    assert f"<td>{os.getpid()}</td>" not in page and "Aucun worker de tâches ne tourne" in page


def test_the_queue_length_and_the_last_housekeeping_are_shown(web, app_make, job_store, app):
    from app import worker
    worker.enqueue(worker.imports.check_import, 123_456)     # waiting: no worker here
    worker.housekeeping.queue_housekeeping.call_local()
    web.login(app_make.user(Role.ADMIN))
    page = web.get("/admin/health").get_data(as_text=True)
    queue = page.split('id="queue"')[1].split("</dl>")[0]
    assert "<dd>1</dd>" in queue
    housekeeping = page.split('id="housekeeping"')[1].split("</tr>")[0]
    assert "jamais" not in housekeeping and "0 promesse jugée non tenue" in housekeeping


def test_only_administrators_see_the_jobs(web, app_make):
    web.login(app_make.user(Role.MANAGER))
    assert web.get("/admin/health").status_code == 403


def test_the_daily_purge_purges_what_is_due_and_reports_what_it_could_not(web, app_make, db, app, job_store):
    manager = app_make.user(Role.MANAGER)
    web.login(manager)
    due, not_recapped, recent = (app_make.campaign(retention_days=30) for _ in range(3))
    for campaign in (due, not_recapped, recent):
        app_make.debtor(campaign, company_name="Dupont SA")
        web.post(f"/manage/campaigns/{campaign.id}/status/close", {"confirmed": "1"})
    for campaign in (due, recent):
        assert web.get(f"/campaigns/{campaign.id}/supervision/recap.xlsx").status_code == 200
    db.expire_all()
    for campaign in (due, not_recapped):
        db.get(Campaign, campaign.id).closed_at = utcnow() - timedelta(days=31)
    db.commit()

    from app.worker import housekeeping
    assert housekeeping.purge_due.call_local() == 2

    db.expire_all()
    names = {c.id: {d.company_name for d in db.scalars(sa.select(DebtorAccount).where(
        DebtorAccount.campaign_id == c.id))} for c in (due, not_recapped, recent)}
    assert names[due.id] != {"Dupont SA"} and names[not_recapped.id] == names[recent.id] == {"Dupont SA"}
    assert db.get(Campaign, due.id).personal_data_purged_at is not None
    assert db.get(Campaign, not_recapped.id).status is CampaignStatus.CLOSED
    web.post("/logout")
    web.login(app_make.user(Role.ADMIN))
    row = web.get("/admin/health").get_data(as_text=True).split('id="purge"')[1].split("</tr>")[0]
    assert "1 campagne purgée" in row and "1 refusée (pas de récapitulatif final)" in row
