"""Large imports: the check of every row and the load of a confirmed batch, away from the web request."""
from __future__ import annotations

import logging

import sqlalchemy as sa
from flask_babel import gettext

from ..extensions import db
from .context import in_app
from .heartbeats import heartbeat, interrupted, job_key, job_record
from .store import huey, peek, put

log = logging.getLogger(__name__)

# What a failed batch tells the manager (stored in French, see context.py): never SQL or a traceback.
INTERRUPTED = "The processing was interrupted, run it again."
DATABASE_LOST = "The database was unavailable during the processing: nothing was written, run it again."
UNEXPECTED = ("An unexpected error stopped the processing: nothing was written. Run it again; if it fails again, "
              "tell your administrator.")


def progress_key(batch_id: int) -> str:
    return f"import-progress-{batch_id}"


def read_progress(batch_id: int) -> int | None:
    """Rows written so far by the worker (None when unknown)."""
    value = peek(progress_key(batch_id))
    return int(value) if value is not None else None


def failure_message(exc: Exception) -> str:
    """Why a check or a load failed, in the current locale, for the manager (the details go to the worker's log)."""
    from sqlalchemy import exc as sa_exc

    from campaigns.errors import DomainError
    if isinstance(exc, DomainError):
        text = gettext(exc.message)
        return text.format(**exc.params) if exc.params else text
    if isinstance(exc, (sa_exc.OperationalError, sa_exc.InterfaceError)):
        return gettext(DATABASE_LOST)
    return gettext(UNEXPECTED)


def _batch_step(batch_id: int, step: str, work, done: str) -> str:
    """Run ``work(session, batch)`` on an import batch under a heartbeat, in one transaction.

    On any error nothing is written and the batch says why; returns ``done`` or "failed".
    """
    from campaigns.importing import service
    from campaigns.models import ImportBatch

    session = db.session
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


@huey.task()
@in_app
def load_import(batch_id: int) -> str:
    """Apply a confirmed import batch in one transaction; on any error nothing is written and the batch says why."""
    from campaigns.importing import service

    def load(session, batch):
        put(progress_key(batch_id), 0)
        service.apply(session, batch, progress=lambda done: put(progress_key(batch_id), done))

    return _batch_step(batch_id, "load", load, done="applied")


@huey.task()
@in_app
def check_import(batch_id: int) -> str:
    """Check every row of a large file with its confirmed mapping."""
    from campaigns.importing import service

    def check(session, batch):
        service.check(session, batch, batch.mapping, batch.sheet_name, translate=gettext)

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


def sweep_interrupted() -> int:
    """Mark as failed the batches whose worker died while checking or loading them (at worker start-up and
    with the housekeeping): the manager then sees why and can run them again. Runs in an app context."""
    from campaigns.importing import service
    from campaigns.models import ImportBatch, ImportStatus

    session = db.session
    found = 0
    try:
        batches = session.scalars(sa.select(ImportBatch).where(
            ImportBatch.status.in_([ImportStatus.QUEUED, ImportStatus.RUNNING]))).all()
        for batch in batches:
            if import_interrupted(batch):
                service.mark_failed(session, batch.id, gettext(INTERRUPTED))
                found += 1
        session.commit()
    except Exception:
        session.rollback()
        log.exception("sweeping interrupted imports failed")
    return found


def start(batch_id: int, stage: str) -> None:
    """Queue the check or the load of a batch, forgetting any earlier run first: a dead earlier worker must not
    be taken for this run's."""
    from .store import enqueue, forget
    forget(job_key("import", batch_id))
    enqueue(check_import if stage == "check" else load_import, batch_id)
