"""A job worker killed with SIGKILL in the middle of an import or an export.

Nothing is half-written (the import is one transaction, the export only takes its final name once complete),
the manager sees that it failed and why, and running it again on a new worker succeeds.

To stop the worker at a known point mid-job without a test hook in the code, the test holds a row or table
lock the job needs near its end: the worker has then written (uncommitted) everything before it, and waits.
"""
from __future__ import annotations

import io
from contextlib import contextmanager
import os
import random
from datetime import date, timedelta

import openpyxl
import pytest
import sqlalchemy as sa

from campaigns.models import (CampaignStatus, ClientCompany, DebtorAccount, ImportBatch, ImportStatus, Invoice,
                              InvoiceStatus, Role)
from tests.faults.conftest import backend_gone, backend_waiting_on_a_lock, wait_until

pytestmark = pytest.mark.slow

DEBTORS, INVOICES_EACH = 5_000, 4
INVOICES = 60_000  # in the campaign whose recap is exported
MAPPING = ["customer_code", "company_name", "phone", "invoice_number", "invoice_date", "due_date", "amount",
           "outstanding"]


def receivables_csv(debtors: int, invoices_each: int) -> bytes:
    """A French aged balance (cp1252, ';', comma decimals, dd/mm/yyyy) of debtors × invoices rows."""
    rng = random.Random(7)
    lines = ["Code client;Raison sociale;Téléphone;N° facture;Date facture;Échéance;Montant TTC;Reste dû"]
    start = date(2026, 3, 1)
    for d in range(debtors):
        for i in range(invoices_each):
            due = start + timedelta(days=rng.randrange(200))
            cents = rng.randrange(5_000, 900_000)
            amount = f"{cents // 100} {cents % 100:02d}".replace(" ", ",")
            lines.append(f"{d + 1:06d};Société {d + 1} SARL;01 42 68 {d % 100:02d} {i:02d};F{d + 1:06d}-{i + 1};"
                         f"{(due - timedelta(days=30)):%d/%m/%Y};{due:%d/%m/%Y};{amount};{amount}")
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


@pytest.fixture
def manager(pg_web, pg_make, pg_session):
    user = pg_make.user(Role.MANAGER)
    pg_session.commit()
    pg_web.login(user)
    return user


@pytest.fixture
def checked_batch(pg_web, pg_make, pg_session, manager, workers):
    """A campaign with a large receivables file uploaded, mapped and checked, waiting for confirmation."""
    campaign = pg_make.campaign(status=CampaignStatus.DRAFT)
    pg_session.commit()
    data = receivables_csv(DEBTORS, INVOICES_EACH)
    uploaded = pg_web.post(f"/manage/campaigns/{campaign.id}/imports",
                           data={"file": (io.BytesIO(data), "balance.csv"), "kind": "initial"},
                           content_type="multipart/form-data")
    assert uploaded.status_code == 303, uploaded.data[:300]
    checked = pg_web.post(uploaded.headers["Location"], data={f"col-{i}": f for i, f in enumerate(MAPPING)})
    assert checked.status_code == 303
    batch = pg_session.scalar(sa.select(ImportBatch).where(ImportBatch.campaign_id == campaign.id))
    if batch.status is ImportStatus.RUNNING:  # a file this large may be checked by the worker
        worker = workers.start()
        wait_until(lambda: _status(pg_session, batch) is ImportStatus.CHECKED, "the background check")
        workers.stop_all()
        assert worker.returncode is not None
    assert _status(pg_session, batch) is ImportStatus.CHECKED
    assert batch.accepted == DEBTORS * INVOICES_EACH
    return campaign, batch, checked.headers["Location"]


def _status(session, batch) -> ImportStatus:
    session.expire_all()
    return session.get(ImportBatch, batch.id).status


def _page(web, url) -> str:
    return web.get(url).get_data(as_text=True)


def _worker_gave_up(batch) -> bool:
    """The load's record says it ended (failure recorded) or went silent (it could not even record that)."""
    from app.worker.heartbeats import interrupted, job_key, job_record
    record = job_record(job_key("import", batch.id))
    return bool(record) and (record["finished"] or interrupted(job_key("import", batch.id)))


def _written(session, campaign) -> tuple[int, int]:
    session.expire_all()
    return (session.scalar(sa.select(sa.func.count()).select_from(DebtorAccount)
                           .where(DebtorAccount.campaign_id == campaign.id)),
            session.scalar(sa.select(sa.func.count()).select_from(Invoice).where(Invoice.campaign_id == campaign.id)))


@contextmanager
def load_held_at_its_end(web, session, url, admin, campaign, batch_url):
    """The manager confirms; the worker writes every debtor and invoice in its transaction, then waits for the
    client company's row (to remember the mapping), held by another transaction for the block's duration.
    Gives the worker's backend pid."""
    with session.get_bind().connect() as other:
        with other.begin():
            other.execute(sa.select(ClientCompany.id).where(ClientCompany.id == campaign.client_company_id)
                          .with_for_update())
            assert web.post(f"{batch_url}/confirm").status_code == 303
            yield wait_until(lambda: backend_waiting_on_a_lock(admin, url, "UPDATE client_companies"),
                             "the worker reaching the end of its load")


def test_a_worker_killed_while_loading_leaves_nothing_and_the_manager_runs_the_load_again(
        pg_web, pg_session, pg_url, admin, workers, checked_batch):
    from app.worker.imports import read_progress
    campaign, batch, batch_url = checked_batch
    worker = workers.start()

    # The manager confirms; the worker has written everything, uncommitted, when it is killed.
    with load_held_at_its_end(pg_web, pg_session, pg_url, admin, campaign, batch_url) as stuck:
        assert read_progress(batch.id) == DEBTORS + DEBTORS * INVOICES_EACH  # all written, not committed
        assert "Chargement…" in _page(pg_web, batch_url)

        workers.kill(worker)
    # The server drops the dead client's transaction as soon as it next talks to it.
    wait_until(lambda: backend_gone(admin, stuck), "the server noticing the dead worker")

    assert _written(pg_session, campaign) == (0, 0)
    page = _page(pg_web, batch_url)
    assert "rien n’a été écrit" in page
    assert "Le traitement a été interrompu, relancez-le." in page
    assert "Relancer" in page
    assert 'hx-trigger="every 1s"' not in page  # the page stops polling a job nobody runs

    # A new worker starting up records the failure, so that every page and report sees it.
    second = workers.start()
    wait_until(lambda: _status(pg_session, batch) is ImportStatus.FAILED, "the start-up sweep")
    assert pg_session.get(ImportBatch, batch.id).error == "Le traitement a été interrompu, relancez-le."

    assert pg_web.post(f"{batch_url}/retry").status_code == 303
    wait_until(lambda: _status(pg_session, batch) is ImportStatus.APPLIED, "the load run again")
    assert _written(pg_session, campaign) == (DEBTORS, DEBTORS * INVOICES_EACH)
    assert "Import terminé" in _page(pg_web, batch_url)
    assert second.poll() is None  # the worker is still serving


def test_a_database_restart_during_a_load_writes_nothing_and_the_load_can_be_run_again(
        pg_web, pg_session, pg_url, admin, workers, checked_batch, outage):
    campaign, batch, batch_url = checked_batch
    workers.start()
    with load_held_at_its_end(pg_web, pg_session, pg_url, admin, campaign, batch_url) as stuck:
        # The database restarts under the worker: its connection ends and, for a while, none is accepted.
        outage.refuse_new_connections()
        outage.drop_connections(stuck)
    wait_until(lambda: backend_gone(admin, stuck), "the worker's connection ending")
    wait_until(lambda: _worker_gave_up(batch), "the worker giving up on the load")
    outage.end()

    assert _written(pg_session, campaign) == (0, 0)
    # Whether the worker could still record the failure or not, the manager is told, without any SQL.
    page = wait_until(lambda: (lambda html: "Relancer" in html and html)(_page(pg_web, batch_url)),
                      "the page saying the load failed")
    assert "rien n’a été écrit" in page
    assert ("La base de données a été indisponible pendant le traitement" in page
            or "Le traitement a été interrompu, relancez-le." in page)
    assert "psycopg" not in page and "UPDATE" not in page
    assert pg_web.post(f"{batch_url}/retry").status_code == 303
    wait_until(lambda: _status(pg_session, batch) is ImportStatus.APPLIED, "the same worker loading it again")
    assert _written(pg_session, campaign) == (DEBTORS, DEBTORS * INVOICES_EACH)


def test_a_worker_killed_while_checking_a_large_file_is_reported_and_checked_again(
        pg_web, pg_make, pg_session, pg_url, admin, workers, manager):
    campaign = pg_make.campaign(status=CampaignStatus.DRAFT)
    pg_session.commit()
    data = receivables_csv(12_000, 4)  # above the size checked inside the web request
    uploaded = pg_web.post(f"/manage/campaigns/{campaign.id}/imports",
                           data={"file": (io.BytesIO(data), "balance.csv"), "kind": "initial"},
                           content_type="multipart/form-data")
    worker = workers.start()
    # At the end of its check the worker replaces the batch's rejected rows: holding that table stops it there.
    with pg_session.get_bind().connect() as other:
        with other.begin():
            other.execute(sa.text("LOCK TABLE import_rejections IN ACCESS EXCLUSIVE MODE"))
            mapped = pg_web.post(uploaded.headers["Location"], data={f"col-{i}": f for i, f in enumerate(MAPPING)})
            batch_url = mapped.headers["Location"]
            batch_id = int(batch_url.rstrip("/").split("/")[-1])
            stuck = wait_until(lambda: backend_waiting_on_a_lock(admin, pg_url, "DELETE FROM import_rejections"),
                               "the worker finishing its check")
            workers.kill(worker)
    wait_until(lambda: backend_gone(admin, stuck), "the server noticing the dead worker")

    page = _page(pg_web, batch_url)
    assert "Le traitement a été interrompu, relancez-le." in page
    workers.start()
    assert pg_web.post(f"{batch_url}/retry").status_code == 303
    batch = pg_session.get(ImportBatch, batch_id)
    wait_until(lambda: _status(pg_session, batch) is ImportStatus.CHECKED, "the check run again")
    assert pg_session.get(ImportBatch, batch_id).accepted == 48_000
    assert "Confirmer et charger" in _page(pg_web, batch_url)


@pytest.fixture
def large_campaign(pg_make, pg_session):
    """A campaign with many invoices, written the fast way."""
    campaign = pg_make.campaign(name="Grande campagne")
    debtor = pg_make.debtor(campaign, invoices=())
    today = date.today()
    pg_session.execute(sa.insert(Invoice), [
        {"campaign_id": campaign.id, "debtor_id": debtor.id, "number": f"F{n:06d}", "invoice_date": today,
         "due_date": today, "amount_cents": 10_000, "initial_outstanding_cents": 10_000,
         "outstanding_cents": 10_000, "status": InvoiceStatus.OPEN} for n in range(INVOICES)])
    pg_session.commit()
    return campaign


def test_a_worker_killed_while_writing_a_recap_leaves_no_file_and_a_new_export_succeeds(
        pg_web, pg_app, pg_session, workers, manager, large_campaign):
    from app.worker import huey
    from app.worker.recaps import progress_key
    base = f"/campaigns/{large_campaign.id}/supervision"
    exports = pg_app.config["EXPORT_FOLDER"]
    worker = workers.start()

    # The worker reports its progress every 10,000 invoices of the Factures sheet: kill it at the first report,
    # with most of the workbook still to write.
    started = pg_web.post(f"{base}/recap/background")
    assert started.status_code == 303
    status_url = started.headers["Location"]
    token = status_url.rstrip("/").split("/")[-1]
    wait_until(lambda: huey.get(progress_key(token), peek=True) == f"10000/{INVOICES}", "the worker writing")
    workers.kill(worker)

    assert not any(name.endswith(".xlsx") for name in os.listdir(exports))  # nothing under a final name
    page = _page(pg_web, status_url)
    assert "Le récapitulatif n’a pas pu être produit" in page
    assert 'hx-trigger="every 1s"' not in page
    assert pg_web.get(f"{status_url}/file").status_code == 404

    workers.start()
    again = pg_web.post(f"{base}/recap/background").headers["Location"]
    wait_until(lambda: f'href="{again}/file"' in _page(pg_web, again), "the export run again")
    download = pg_web.get(f"{again}/file")
    assert download.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(download.data), read_only=True)
    assert workbook["Factures"].max_row == INVOICES + 1
