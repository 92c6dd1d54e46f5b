"""Closing a campaign, reopening it, and the final recaps each close produces.

Closing stops the calls; the first download of the recap after it writes the final recap once and keeps it
(``FinalRecap``). A manager may reopen a closed campaign until its personal data are purged: the final recap
is then marked superseded (still downloadable, labelled so) and the next close produces a new one.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from . import audit, clock
from .errors import N_, Conflict
from .models import Campaign, CampaignStatus, FinalRecap


def current_final_recap(session: Session, campaign_id: int) -> FinalRecap | None:
    """The final recap of the campaign's latest close, if produced (and not superseded by a reopening)."""
    return session.scalar(sa.select(FinalRecap).where(
        FinalRecap.campaign_id == campaign_id, FinalRecap.superseded_at.is_(None), FinalRecap.path.is_not(None))
        .order_by(FinalRecap.id.desc()).limit(1))


def final_recaps(session: Session, campaign_id: int) -> list[FinalRecap]:
    """Every final recap produced, newest first (superseded ones included)."""
    return list(session.scalars(sa.select(FinalRecap).where(FinalRecap.campaign_id == campaign_id)
                                .order_by(FinalRecap.id.desc())))


def produce_final_recap(session: Session, campaign: Campaign, folder: str, write, user_id: int | None) -> FinalRecap:
    """The current final recap, written now by ``write(path)`` when this close has none yet."""
    if campaign.status is not CampaignStatus.CLOSED:
        raise Conflict(N_("A final recap is produced once the campaign is closed."))
    existing = current_final_recap(session, campaign.id)
    if existing is not None and Path(existing.path).exists():
        return existing
    target = Path(folder) / "final" / str(campaign.id)
    target.mkdir(parents=True, exist_ok=True)
    handle, path = tempfile.mkstemp(suffix=".xlsx", prefix="final-", dir=target)
    os.close(handle)
    try:
        write(path)
    except BaseException:
        os.unlink(path)
        raise
    return keep_final_recap(session, campaign.id, path, user_id)


def keep_final_recap(session: Session, campaign_id: int, path: str, user_id: int | None) -> FinalRecap:
    """Record a final recap written at ``path`` (here, or by the job worker for a large campaign)."""
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
            size += len(block)
    recap = FinalRecap(campaign_id=campaign_id, produced_by_id=user_id, path=path, size_bytes=size,
                       sha256=digest.hexdigest())
    session.add(recap)
    session.flush()
    return recap


def reopen(session: Session, campaign: Campaign, user_id: int | None, now: datetime | None = None) -> None:
    """A closed campaign goes back to paused (the manager starts it again); its final recap is superseded."""
    now = clock.now(now)
    if campaign.status is not CampaignStatus.CLOSED:
        raise Conflict(N_("Only a closed campaign can be reopened."))
    if campaign.personal_data_purged_at is not None:
        raise Conflict(N_("This campaign's personal data were purged: it cannot be reopened."))
    superseded = session.execute(sa.update(FinalRecap).where(
        FinalRecap.campaign_id == campaign.id, FinalRecap.superseded_at.is_(None)).values(superseded_at=now)
        .execution_options(synchronize_session="fetch")).rowcount
    campaign.status, campaign.closed_at = CampaignStatus.PAUSED, None
    audit.record(session, user_id, "campaign.reopen", campaign, campaign_id=campaign.id,
                 final_recaps_superseded=superseded)
    session.flush()


def delete_final_recap_files(session: Session, campaign_id: int) -> int:
    """For the personal-data purge: the kept workbooks hold names and numbers too. Returns how many went."""
    deleted = 0
    for recap in session.scalars(sa.select(FinalRecap).where(FinalRecap.campaign_id == campaign_id,
                                                             FinalRecap.path.is_not(None))):
        path = Path(recap.path)
        if path.exists():
            path.unlink()
            deleted += 1
        recap.path = None
    session.flush()
    return deleted
