"""Large recap exports run in the huey worker (see app/jobs.py), with their progress in huey's store."""
from __future__ import annotations

import logging
import os
import re

from campaigns import closing
from campaigns.recap import write_recap

from ..jobs import _session_for, heartbeat, huey, interrupted, job_key

log = logging.getLogger(__name__)


def progress_key(token: str) -> str:
    return f"recap-progress-{token}"


def read_progress(token: str) -> str | None:
    """'done', 'failed', 'n/total' while writing, or None when unknown (queued).

    A worker killed while writing never says 'failed' itself: its dead heartbeat does.
    """
    try:
        state = huey.get(progress_key(token), peek=True)
    except Exception:  # storage unavailable: the page says it is still waiting
        return None
    if state not in ("done", "failed") and interrupted(job_key("recap", token)):
        return "failed"
    return state


@huey.task()
def export_recap(campaign_id: int, user_id: int | None, final: bool, path: str, token: str) -> str:
    """Write the recap to ``path`` (atomically: a half-written file never has the final name)."""
    session = _session_for()
    partial = path + ".part"
    try:
        with heartbeat(job_key("recap", token), "export"):
            return _export(session, campaign_id, user_id, final, path, partial, token)
    finally:
        session.close()


def _export(session, campaign_id, user_id, final, path, partial, token) -> str:
    try:
        huey.put(progress_key(token), "0/0")
        write_recap(session, campaign_id, partial, final=final, user_id=user_id,
                    progress=lambda done, total: huey.put(progress_key(token), f"{done}/{total}"))
        os.replace(partial, path)
        if final:   # kept like a final recap downloaded at once: listed, superseded by a reopening, purged
            closing.keep_final_recap(session, campaign_id, path, user_id)
        session.commit()
        huey.put(progress_key(token), "done")
        return "done"
    except Exception:
        session.rollback()
        log.exception("recap export of campaign %s failed", campaign_id)
        if os.path.exists(partial):
            os.unlink(partial)
        huey.put(progress_key(token), "failed")
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
