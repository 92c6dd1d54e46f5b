"""What the workers do on their own: the queue's housekeeping every ten minutes, the retention purge daily."""
from __future__ import annotations

import logging
import time

import sqlalchemy as sa
from flask import current_app
from huey import crontab

from campaigns import queue, supervision
from campaigns.models import Campaign, CampaignStatus

from ..extensions import db
from .context import in_app
from .imports import sweep_interrupted
from .store import huey, peek, put

log = logging.getLogger(__name__)

LAST_RUN = {"housekeeping": "last-run-housekeeping", "purge": "last-run-purge"}


def last_runs() -> dict:
    """When each periodic job last ran and what it found (None before its first run)."""
    return {name: peek(key) for name, key in LAST_RUN.items()}


def housekeep(now=None) -> int:
    """``campaigns.queue.tick`` for each active campaign, one transaction each; broken promises found."""
    session = db.session
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
    return broken


@huey.periodic_task(crontab(minute="*/10"))
@in_app
def queue_housekeeping() -> int:
    """Every ten minutes: judge promises past their date + grace and refresh the priorities of the
    running campaigns (days past due grow; only rows whose score changes are written); mark the imports
    whose worker died as failed."""
    started = time.time()
    interrupted = sweep_interrupted()
    broken = housekeep()
    put(LAST_RUN["housekeeping"], {"at": started, "seconds": time.time() - started, "broken": broken,
                                   "interrupted": interrupted})
    return broken


@huey.periodic_task(crontab(hour="2", minute="30"))
@in_app
def purge_due() -> int:
    """Daily (02:30 UTC): purge the personal data of the closed campaigns whose retention period has passed,
    as ``flask campaign purge-due`` does."""
    started = time.time()
    results = supervision.purge_all_due(db.session, current_app.config["EXPORT_FOLDER"])
    db.session.commit()
    put(LAST_RUN["purge"], {"at": started, "seconds": time.time() - started,
                            "campaigns": sum(1 for r in results if r.counts is not None),
                            "refused": sum(1 for r in results if r.counts is None)})
    return len(results)
