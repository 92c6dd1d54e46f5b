"""Background jobs with huey: large imports run here, never in a web request.

Storage: SQLite under instance/ by default (nothing else to run), Redis when REDIS_URL is set.
``python -m app.jobs`` runs the consumer (``make run`` / app.serve start it beside the web server).
Tests switch huey to immediate mode: tasks then run at once, in the calling thread.
"""
from __future__ import annotations

import logging
import os
import socket
import sys
import threading
import time
from contextlib import contextmanager

from huey import RedisHuey, SqliteHuey, crontab

from campaigns.db import make_engine, make_session_factory

from .config import ROOT, database_url, export_folder

log = logging.getLogger(__name__)


def make_huey():
    """RedisHuey when REDIS_URL is set, else SqliteHuey in JOBS_DB (default instance/jobs.db)."""
    if os.environ.get("REDIS_URL"):
        return RedisHuey("relance", url=os.environ["REDIS_URL"])
    filename = os.environ.get("JOBS_DB") or str(ROOT / "instance" / "jobs.db")
    os.makedirs(os.path.dirname(filename), exist_ok=True)
    return SqliteHuey("relance", filename=filename)


huey = make_huey()
_sessions: dict[str, object] = {}

# A running job stamps a heartbeat in huey's store this often; a job whose last beat is older than
# STALE_AFTER_BEATS beats (or whose worker process is gone, seen from the same machine) was interrupted.
HEARTBEAT_SECONDS = float(os.environ.get("JOB_HEARTBEAT_SECONDS", "10"))
STALE_AFTER_BEATS = 6
# What a failed batch tells the manager (put into French by the worker, see _french): never SQL or a traceback.
INTERRUPTED = "The processing was interrupted, run it again."
DATABASE_LOST = "The database was unavailable during the processing: nothing was written, run it again."
UNEXPECTED = ("An unexpected error stopped the processing: nothing was written. Run it again; if it fails again, "
              "tell your administrator.")


def job_key(kind: str, ident) -> str:
    return f"job-{kind}-{ident}"


@contextmanager
def heartbeat(key: str, task: str):
    """While the block runs, keep ``key`` saying which task runs where; when it ends normally, that it finished.

    A worker killed with SIGKILL cannot say anything: its record stays unfinished and its beat goes stale,
    which is how ``interrupted`` tells a dead job from a slow one.
    """
    record = {"task": task, "host": socket.gethostname(), "pid": os.getpid(), "every": HEARTBEAT_SECONDS,
              "beat": time.time(), "finished": False}
    huey.put(key, record)
    stop = threading.Event()

    def beat():
        while not stop.wait(HEARTBEAT_SECONDS):
            try:
                huey.put(key, {**record, "beat": time.time()})
            except Exception:  # noqa: BLE001 - a missed beat only makes the job look slower
                log.warning("could not write the heartbeat of %s", key, exc_info=True)

    thread = threading.Thread(target=beat, name=f"heartbeat {key}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
    # Only a job that recorded its own outcome is finished. One that raised (say, the database went away
    # before it could mark its batch failed) stays unfinished: once its beat is stale it reads as interrupted.
    huey.put(key, {**record, "beat": time.time(), "finished": True})


def job_record(key: str) -> dict | None:
    """What the last worker to run this job said (None when no worker has started it)."""
    try:
        value = huey.get(key, peek=True)
    except Exception:  # noqa: BLE001 - storage unavailable: nothing is known
        return None
    return value if isinstance(value, dict) else None


def interrupted(key: str, now: float | None = None) -> bool:
    """True when a worker started this job and died before finishing it."""
    record = job_record(key)
    if record is None or record.get("finished"):
        return False
    if (now or time.time()) - record["beat"] > record.get("every", HEARTBEAT_SECONDS) * STALE_AFTER_BEATS:
        return True
    return record["host"] == socket.gethostname() and not _process_alive(record["pid"])


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


# The database tasks work on: the one the app was configured with (create_app calls ``configure``; in the tests
# tasks run inside the app's process), else the worker's environment. Never in a task's arguments: those are
# stored in the job queue, and a database URL holds its password.
_configured: dict[str, str | None] = {"database_url": None}


def configure(url: str) -> None:
    _configured["database_url"] = url


def task_database_url() -> str:
    return _configured["database_url"] or database_url()


def _session_for(database_url: str | None = None):
    database_url = database_url or task_database_url()
    if database_url not in _sessions:
        _sessions[database_url] = make_session_factory(make_engine(database_url))
    return _sessions[database_url]()


def progress_key(batch_id: int) -> str:
    return f"import-progress-{batch_id}"


def read_progress(batch_id: int) -> int | None:
    """Rows written so far by the worker (None when unknown)."""
    try:
        value = huey.get(progress_key(batch_id), peek=True)
    except Exception:  # storage unavailable: the page falls back to the batch status
        return None
    return int(value) if value is not None else None


def _batch_step(batch_id: int, step: str, work, done: str) -> str:
    """Run ``work(session, batch)`` on an import batch under a heartbeat, in one transaction.

    On any error nothing is written and the batch says why, in French; returns ``done`` or "failed".
    """
    from campaigns.importing import service
    from campaigns.models import ImportBatch

    session = _session_for()
    try:
        with heartbeat(job_key("import", batch_id), step):
            try:
                work(session, session.get(ImportBatch, batch_id))
                session.commit()
                return done
            except Exception as exc:
                session.rollback()
                log.exception("%s of import %s failed", step, batch_id)
                service.mark_failed(session, batch_id, failure_message(exc))
                session.commit()
                return "failed"
    finally:
        session.close()


@huey.task()
def load_import(batch_id: int) -> str:
    """Apply a confirmed import batch in one transaction; on any error nothing is written and the batch says why."""
    from campaigns.importing import service

    def load(session, batch):
        huey.put(progress_key(batch_id), 0)
        service.apply(session, batch, progress=lambda done: huey.put(progress_key(batch_id), done))

    return _batch_step(batch_id, "load", load, done="applied")


def _french():
    """Rejection reasons in French (the default locale) without a request."""
    from babel.support import Translations
    return Translations.load(str(ROOT / "app" / "manage" / "translations"), ["fr"]).gettext


def failure_message(exc: Exception) -> str:
    """Why a check or a load failed, in French, for the manager (the details go to the worker's log)."""
    from sqlalchemy import exc as sa_exc

    from campaigns.errors import DomainError
    translate = _french()
    if isinstance(exc, DomainError):
        text = translate(exc.message)
        return text.format(**exc.params) if exc.params else text
    if isinstance(exc, (sa_exc.OperationalError, sa_exc.InterfaceError)):
        return translate(DATABASE_LOST)
    return translate(UNEXPECTED)


@huey.task()
def check_import(batch_id: int) -> str:
    """Check every row of a large file with its confirmed mapping, away from the web request."""
    from campaigns.importing import service

    def check(session, batch):
        service.check(session, batch, batch.mapping, batch.sheet_name, translate=_french())

    return _batch_step(batch_id, "check", check, done="checked")


def import_interrupted(batch) -> bool:
    """A batch still checking or loading whose worker died: nothing was written, it can be run again."""
    from campaigns.models import ImportStatus
    return batch.status in (ImportStatus.QUEUED, ImportStatus.RUNNING) and interrupted(job_key("import", batch.id))


def import_stage_to_retry(batch) -> str:
    """'check' or 'load': the job of this batch that did not finish (the last one a worker started)."""
    record = job_record(job_key("import", batch.id))
    if record is not None:
        return record["task"]
    return "load" if batch.mapping and batch.progress_total else "check"


def forget(key: str) -> None:
    """Drop a job's record before it is queued again, so that the old dead worker is not seen as its own."""
    try:
        huey.delete(key)
    except Exception:  # noqa: BLE001 - storage unavailable: the new worker overwrites the record anyway
        log.warning("could not forget %s", key, exc_info=True)


def sweep_interrupted(url: str) -> int:
    """Mark as failed the batches whose worker died while checking or loading them (at worker start-up and
    with the housekeeping): the manager then sees why and can run them again."""
    import sqlalchemy as sa

    from campaigns.importing import service
    from campaigns.models import ImportBatch, ImportStatus

    session = _session_for(url)
    found = 0
    try:
        batches = session.scalars(sa.select(ImportBatch).where(
            ImportBatch.status.in_([ImportStatus.QUEUED, ImportStatus.RUNNING]))).all()
        for batch in batches:
            if import_interrupted(batch):
                service.mark_failed(session, batch.id, _french()(INTERRUPTED))
                found += 1
        session.commit()
    except Exception:
        session.rollback()
        log.exception("sweeping interrupted imports failed")
    finally:
        session.close()
    return found


@huey.periodic_task(crontab(minute="*/10"))
def queue_housekeeping() -> int:
    """Every ten minutes: judge promises past their date + grace and refresh the priorities of the
    running campaigns (days past due grow; only rows whose score changes are written); mark the imports
    whose worker died as failed."""
    sweep_interrupted(task_database_url())
    return housekeep(task_database_url())


def housekeep(url: str, now=None) -> int:
    """``campaigns.queue.tick`` for each active campaign, one transaction each; broken promises found."""
    import sqlalchemy as sa

    from campaigns import queue
    from campaigns.models import Campaign, CampaignStatus

    session = _session_for(url)
    broken = 0
    try:
        ids = session.scalars(sa.select(Campaign.id).where(Campaign.status == CampaignStatus.ACTIVE)).all()
        for campaign_id in ids:
            broken += queue.tick(session, campaign_id, now)
            session.commit()
    except Exception:
        session.rollback()
        log.exception("queue housekeeping failed")
        raise
    finally:
        session.close()
    return broken


def main() -> int:
    from huey.consumer import Consumer

    from .supervision import jobs as recap_jobs  # also registers the recap export task

    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO"))
    # A worker killed mid-job left its batch "loading" for ever, or a half-written recap: deal with them now.
    found = sweep_interrupted(task_database_url())
    if found:
        log.warning("%s import(s) interrupted by a dead worker marked as failed", found)
    exports = export_folder()
    if recap_jobs.sweep_partial_exports(exports):
        log.warning("half-written recaps of dead workers deleted from %s", exports)
    consumer = Consumer(huey, workers=int(os.environ.get("JOB_WORKERS", "1")), worker_type="thread")
    consumer.run()
    return 0


if __name__ == "__main__":
    # Run from the importable module, not from __main__: tasks are registered (and enqueued by
    # the web app) under their ``app.jobs...`` names, which a __main__ copy would not know.
    from app import jobs

    sys.exit(jobs.main())
