"""The import page of a batch whose worker died, and running it again (no worker process: huey runs at once)."""
from __future__ import annotations

import io
import os
import socket
import subprocess
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from campaigns.models import CampaignStatus, ImportBatch, ImportStatus, Role

DATA = Path(__file__).resolve().parents[1] / "data"
COLUMNS = ["customer_code", "company_name", "siren", "contact_name", "phone", "phone", "email", "invoice_number",
           "invoice_date", "due_date", "amount", "outstanding", "segment"]


@pytest.fixture
def jobs_run_at_once():
    from app.worker import heartbeats, huey
    huey.immediate = True
    yield heartbeats
    huey.immediate = False


@pytest.fixture
def confirmed(web, app_make, db, jobs_run_at_once):
    """A checked batch confirmed by the manager, its load started by a worker (see each test)."""
    web.login(app_make.user(Role.MANAGER))
    campaign = app_make.campaign(status=CampaignStatus.DRAFT)
    name = "sage_balance_cp1252.csv"
    uploaded = web.post(f"/manage/campaigns/{campaign.id}/imports",
                        data={"file": (io.BytesIO((DATA / name).read_bytes()), name), "kind": "initial"},
                        content_type="multipart/form-data")
    batch_url = web.post(uploaded.headers["Location"], data={f"col-{i}": f for i, f in enumerate(COLUMNS)}) \
        .headers["Location"]
    batch = db.scalar(sa.select(ImportBatch).where(ImportBatch.campaign_id == campaign.id))
    batch.status = ImportStatus.QUEUED
    db.commit()
    return batch, batch_url


def worker_record(pid: int) -> dict:
    return {"task": "load", "host": socket.gethostname(), "pid": pid, "every": 10, "beat": time.time(),
            "finished": False}


def test_a_load_whose_worker_died_shows_as_failed_and_runs_again_from_the_page(web, db, confirmed,
                                                                               jobs_run_at_once):
    batch, batch_url = confirmed
    gone = subprocess.Popen(["true"])
    gone.wait()
    jobs_run_at_once.store.put(jobs_run_at_once.job_key("import", batch.id), worker_record(gone.pid))

    page = web.get(batch_url).get_data(as_text=True)
    assert "Le traitement a été interrompu, relancez-le." in page and "Relancer" in page
    assert "every 1s" not in page
    fragment = web.get(batch_url, htmx=True).get_data(as_text=True)
    assert "<html" not in fragment and "Le traitement a été interrompu" in fragment

    assert web.post(f"{batch_url}/retry").status_code == 303
    db.expire_all()
    assert db.get(ImportBatch, batch.id).status is ImportStatus.APPLIED
    assert "Import terminé" in web.get(batch_url).get_data(as_text=True)


def test_a_load_still_running_cannot_be_started_twice(web, db, confirmed, jobs_run_at_once):
    batch, batch_url = confirmed
    jobs_run_at_once.store.put(jobs_run_at_once.job_key("import", batch.id), worker_record(os.getpid()))
    assert "Chargement…" in web.get(batch_url).get_data(as_text=True)
    answer = web.post(f"{batch_url}/retry", follow_redirects=True).get_data(as_text=True)
    assert "Cet import est encore en cours de traitement." in answer
    db.expire_all()
    assert db.get(ImportBatch, batch.id).status is ImportStatus.QUEUED


def test_a_retry_needs_the_csrf_token(web, confirmed):
    batch, batch_url = confirmed
    assert web.post(f"{batch_url}/retry", csrf=False).status_code == 400
