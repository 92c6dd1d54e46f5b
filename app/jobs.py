"""Background jobs with huey: large imports run here, never in a web request.

Storage: SQLite under instance/ by default (nothing else to run), Redis when REDIS_URL is set.
``python -m app.jobs`` runs the consumer (``make run`` / app.serve start it beside the web server).
Tests switch huey to immediate mode: tasks then run at once, in the calling thread.
"""
from __future__ import annotations

import logging
import os
import sys

from huey import RedisHuey, SqliteHuey, crontab

from campaigns.db import make_engine, make_session_factory

from .config import ROOT, database_url

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


def _session_for(database_url: str):
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


@huey.task()
def load_import(database_url: str, batch_id: int) -> str:
    """Apply a confirmed import batch in one transaction; on any error nothing is written and the batch says why."""
    from campaigns.importing import service
    from campaigns.models import ImportBatch

    session = _session_for(database_url)
    try:
        batch = session.get(ImportBatch, batch_id)
        huey.put(progress_key(batch_id), 0)
        service.apply(session, batch, progress=lambda done: huey.put(progress_key(batch_id), done))
        session.commit()
        return "applied"
    except Exception as exc:
        session.rollback()
        log.exception("import %s failed", batch_id)
        service.mark_failed(session, batch_id, str(exc) or type(exc).__name__)
        session.commit()
        return "failed"
    finally:
        session.close()


def _french():
    """Rejection reasons in French (the default locale) without a request."""
    from babel.support import Translations
    return Translations.load(str(ROOT / "app" / "manage" / "translations"), ["fr"]).gettext


@huey.task()
def check_import(database_url: str, batch_id: int) -> str:
    """Check every row of a large file with its confirmed mapping, away from the web request."""
    from campaigns.importing import service
    from campaigns.models import ImportBatch

    session = _session_for(database_url)
    try:
        batch = session.get(ImportBatch, batch_id)
        service.check(session, batch, batch.mapping, batch.sheet_name, translate=_french())
        session.commit()
        return "checked"
    except Exception as exc:
        session.rollback()
        log.exception("check of import %s failed", batch_id)
        from campaigns.errors import DomainError
        message = _french()(exc.message).format(**exc.params) if isinstance(exc, DomainError) else str(exc)
        service.mark_failed(session, batch_id, message)
        session.commit()
        return "failed"
    finally:
        session.close()


@huey.periodic_task(crontab(minute="*/10"))
def queue_housekeeping() -> int:
    """Every ten minutes: judge promises past their date + grace and refresh the priorities of the
    running campaigns (days past due grow; only rows whose score changes are written)."""
    return housekeep(database_url())


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

    from .supervision import jobs as _recap_jobs  # noqa: F401  registers the recap export task

    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO"))
    consumer = Consumer(huey, workers=int(os.environ.get("JOB_WORKERS", "1")), worker_type="thread")
    consumer.run()
    return 0


if __name__ == "__main__":
    # Run from the importable module, not from __main__: tasks are registered (and enqueued by
    # the web app) under their ``app.jobs...`` names, which a __main__ copy would not know.
    from app import jobs

    sys.exit(jobs.main())
