"""The zip of a campaign's formal notices, written by a worker for large campaigns, with its progress."""
from __future__ import annotations

import logging
import os
from pathlib import Path

from flask import current_app

from campaigns import notices
from campaigns.models import Campaign, User

from ..extensions import db
from .context import in_app
from .heartbeats import heartbeat, interrupted, job_key
from .store import huey, peek, put

log = logging.getLogger(__name__)


def progress_key(token: str) -> str:
    return f"notices-progress-{token}"


def zip_path(folder: str, campaign_id: int, token: str) -> str:
    return os.path.join(folder, f"notices-{campaign_id}-{token}.zip")


def read_progress(token: str) -> str | None:
    """'done', 'failed', 'refused: <message>', 'n/total' while writing, or None when queued."""
    state = peek(progress_key(token))
    if state in (None, "") and interrupted(job_key("notices", token)):
        return "failed"
    if state and "/" in state and not state.startswith("refused") and interrupted(job_key("notices", token)):
        return "failed"
    return state


@huey.task()
@in_app
def export_notices(campaign_id: int, user_id: int, token: str) -> str:
    """Issue every approved debtor's letter and zip them into the export folder."""
    path = Path(zip_path(current_app.config["EXPORT_FOLDER"], campaign_id, token))
    with heartbeat(job_key("notices", token), "notices"):
        session = db.session
        try:
            put(progress_key(token), "0/0")
            campaign, user = session.get(Campaign, campaign_id), session.get(User, user_id)
            result = notices.write_zip(session, campaign, user, path, provider=current_app.config["PROVIDER"],
                                       progress=lambda done, total: put(progress_key(token), f"{done}/{total}"),
                                       commit=session.commit)
            session.commit()
            put(progress_key(token), "done" if result["written"] else "empty")
            return "done"
        except notices.NotReady as exc:
            session.rollback()
            put(progress_key(token), f"refused:{exc.message}")
            return "refused"
        except Exception:
            session.rollback()
            log.exception("formal notices zip of campaign %s failed", campaign_id)
            put(progress_key(token), "failed")
            return "failed"
