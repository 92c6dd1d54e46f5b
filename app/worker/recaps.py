"""Large recap exports, written by a worker, with their progress in the job store."""
from __future__ import annotations

import logging
import os
import re

from flask import current_app

from campaigns import closing
from campaigns.recap import write_recap

from ..extensions import db
from .context import in_app
from .heartbeats import heartbeat, interrupted, job_key
from .store import huey, peek, put

log = logging.getLogger(__name__)


def progress_key(token: str) -> str:
    return f"recap-progress-{token}"


def in_flight_key(campaign_id: int, user_id: int) -> str:
    """The token of the background recap a user is waiting for on a campaign (one at a time)."""
    return f"recap-in-flight-{campaign_id}-{user_id}"


def export_path(folder: str, campaign_id: int, token: str) -> str:
    return os.path.join(folder, f"recap-{campaign_id}-{token}.xlsx")


def read_progress(token: str) -> str | None:
    """'done', 'failed', 'n/total' while writing, or None when unknown (queued).

    A worker killed while writing never says 'failed' itself: its dead heartbeat does.
    """
    state = peek(progress_key(token))
    if state not in ("done", "failed") and interrupted(job_key("recap", token)):
        return "failed"
    return state


@huey.task()
@in_app
def export_recap(campaign_id: int, user_id: int | None, final: bool, token: str) -> str:
    """Write the recap into the export folder (atomically: a half-written file never has the final name)."""
    path = export_path(current_app.config["EXPORT_FOLDER"], campaign_id, token)
    with heartbeat(job_key("recap", token), "export"):
        return _export(db.session, campaign_id, user_id, final, path, path + ".part", token)


def _export(session, campaign_id, user_id, final, path, partial, token) -> str:
    try:
        put(progress_key(token), "0/0")
        write_recap(session, campaign_id, partial, final=final, user_id=user_id,
                    progress=lambda done, total: put(progress_key(token), f"{done}/{total}"))
        os.replace(partial, path)
        if final:   # kept like a final recap downloaded at once: listed, superseded by a reopening, purged
            closing.keep_final_recap(session, campaign_id, path, user_id)
        session.commit()
        put(progress_key(token), "done")
        return "done"
    except Exception:
        session.rollback()
        log.exception("recap export of campaign %s failed", campaign_id)
        if os.path.exists(partial):
            os.unlink(partial)
        put(progress_key(token), "failed")
        return "failed"


def sweep_partial_exports(folder: str) -> int:
    """Delete the half-written recaps (``.part``) whose worker died: nobody will finish or download them, and
    they hold debtors' personal data that the purge would not see."""
    removed = 0
    for name in os.listdir(folder) if os.path.isdir(folder) else ():
        match = re.fullmatch(r"recap-\d+-([0-9a-f]{16})\.xlsx\.part", name)
        if match and interrupted(job_key("recap", match.group(1))):
            os.unlink(os.path.join(folder, name))
            removed += 1
    return removed
