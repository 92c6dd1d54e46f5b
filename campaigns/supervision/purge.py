"""The personal-data purge at the close of a mission: people's details go, the figures stay."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from .. import audit, closing, evidence
from ..importing import ledger_cache
from ..errors import N_, Conflict, DomainError
from ..models import (
    AuditEntry, Callback, Campaign, CampaignStatus, DebtorAccount, FormalNotice, ImportBatch,
    ImportRejection,
    DisputeAttachment, InvoiceMotive, OutboundMessage, Phone, User, utcnow,
)

FINAL_RECAP_ACTION = "recap.final"


def final_recap_produced(session: Session, campaign_id: int) -> bool:
    """A final recap was produced since the latest close (kept, or produced in the background)."""
    if closing.current_final_recap(session, campaign_id) is not None:
        return True
    campaign = session.get(Campaign, campaign_id)
    query = sa.select(AuditEntry.id).where(AuditEntry.campaign_id == campaign_id,
                                           AuditEntry.action == FINAL_RECAP_ACTION)
    if campaign is not None and campaign.closed_at is not None:
        query = query.where(AuditEntry.at >= campaign.closed_at)
    return session.scalar(query.limit(1)) is not None


def purge_personal_data(session: Session, user: User | None, campaign: Campaign,
                        now: datetime | None = None, export_folder: str | None = None) -> dict:
    """Anonymise debtors' names, contacts, phones, e-mails and every free-text note of a closed campaign.

    The uploaded files (customers files included), the recaps written in the background into
    ``export_folder`` and the original cells of rejected rows are deleted as well (the client's enriched file
    can therefore no longer be produced after the purge).

    Customer codes, invoices, amounts, dates, results and motives are kept, so the recap's figures
    stay the same. Debtors whose formal notice was sent are kept (a hold for a legal claim) until the manager
    releases the hold (``notices.tracking.release_hold``). Refused before the close or before the final recap was produced; logged in the audit.
    """
    now = now or utcnow()
    if campaign.status is not CampaignStatus.CLOSED:
        raise Conflict(N_("Personal data can only be purged once the campaign is closed."))
    if campaign.personal_data_purged_at is not None:
        raise Conflict(N_("Personal data of this campaign were already purged."))
    if not final_recap_produced(session, campaign.id):
        raise Conflict(N_("Produce the final recap before purging personal data."))
    held = held_debtor_ids(session, campaign.id)
    debtor_ids = sa.select(DebtorAccount.id).where(DebtorAccount.campaign_id == campaign.id,
                                                   DebtorAccount.id.not_in(held) if held else sa.true())
    counts = erase_debtors(session, campaign.id, debtor_ids, now)
    counts["held"] = len(held)
    batch_ids = sa.select(ImportBatch.id).where(ImportBatch.campaign_id == campaign.id)
    counts["rejected_rows"] = session.execute(
        sa.update(ImportRejection).where(ImportRejection.batch_id.in_(batch_ids)).values(raw=None)
        .execution_options(synchronize_session=False)).rowcount
    counts["files"] = _delete_uploads(session, campaign.id)
    counts["final_recaps"] = closing.delete_final_recap_files(session, campaign.id)
    counts["exports"] = delete_exports(export_folder, campaign.id)
    campaign.personal_data_purged_at = now
    audit.record(session, user.id if user else None, "campaign.purge_personal_data", campaign,
                 campaign_id=campaign.id, **counts)
    session.flush()
    session.expire_all()
    return counts


def held_debtor_ids(session: Session, campaign_id: int) -> list[int]:
    """Debtors whose formal notice was sent and whose hold is not released: kept for a legal claim."""
    return list(session.scalars(sa.select(FormalNotice.debtor_id).where(
        FormalNotice.campaign_id == campaign_id, FormalNotice.sent_on.is_not(None),
        FormalNotice.hold_released_at.is_(None))))


def erase_debtors(session: Session, campaign_id: int, debtor_ids, now: datetime | None = None) -> dict:
    """Blank the personal fields of these debtors (a select of ids) and of their calls, audit entries,
    callbacks, motives and formal notices (the letter goes, its digest stays); returns what was erased."""
    counts = {
        "debtors": session.execute(
            sa.update(DebtorAccount).where(DebtorAccount.id.in_(debtor_ids)).values(
                company_name=sa.literal("Débiteur ") + sa.cast(DebtorAccount.id, sa.String),
                siren=None, siret=None, address=None, contact_names=None, emails=None, comment=None,
                last_note=None, held_reason=None,
            ).execution_options(synchronize_session=False)).rowcount,
        "phones": session.execute(
            sa.update(Phone).where(Phone.debtor_id.in_(debtor_ids)).values(raw="—", e164=None, label=None)
            .execution_options(synchronize_session=False)).rowcount,
        "callbacks": session.execute(
            sa.update(Callback).where(Callback.campaign_id == campaign_id, Callback.debtor_id.in_(debtor_ids))
            .values(note=None).execution_options(synchronize_session=False)).rowcount,
        "motives": session.execute(
            sa.update(InvoiceMotive).where(InvoiceMotive.campaign_id == campaign_id,
                                           InvoiceMotive.debtor_id.in_(debtor_ids))
            .values(details=None, resolution=None, client_note=None).execution_options(synchronize_session=False)).rowcount,
        # The documents the client attached to its answers: the file goes, its name and SHA-256 stay.
        "attachments": session.execute(
            sa.update(DisputeAttachment).where(DisputeAttachment.campaign_id == campaign_id,
                                               DisputeAttachment.motive_id.in_(
                                                   sa.select(InvoiceMotive.id).where(
                                                       InvoiceMotive.debtor_id.in_(debtor_ids))))
            .values(data=None).execution_options(synchronize_session=False)).rowcount,
        "notices": session.execute(
            sa.update(FormalNotice).where(FormalNotice.campaign_id == campaign_id,
                                          FormalNotice.debtor_id.in_(debtor_ids)).values(pdf=b"")
            .execution_options(synchronize_session=False)).rowcount,
        "messages": session.execute(
            sa.update(OutboundMessage).where(OutboundMessage.campaign_id == campaign_id,
                                             OutboundMessage.debtor_id.in_(debtor_ids))
            .values(recipients=[], refused=None, reply_to=None, subject="—", body="")
            .execution_options(synchronize_session=False)).rowcount,
    }
    # Calls and audit entries are evidence: blanked through the one function the database lets through.
    counts.update(evidence.blank_personal_fields(session, campaign_id, debtor_ids, now or utcnow()))
    return counts


def _delete_uploads(session: Session, campaign_id: int) -> int:
    """Delete the uploaded files (they hold the debtors' details too); the batches keep their counts."""
    deleted = 0
    for batch in session.scalars(sa.select(ImportBatch).where(
            ImportBatch.campaign_id == campaign_id,
            sa.or_(ImportBatch.stored_path.is_not(None), ImportBatch.customers_path.is_not(None)))):
        for stored in (batch.stored_path, batch.customers_path):
            if stored and Path(stored).exists():
                Path(stored).unlink()
                deleted += 1
        if batch.stored_path:
            ledger_cache.cache_path(batch.stored_path).unlink(missing_ok=True)   # a ledger's derived open items
        batch.stored_path = batch.customers_path = None
    session.flush()
    return deleted


def delete_exports(folder: str | None, campaign_id: int) -> int:
    """Delete the campaign's recaps written in the background (``recap-<campaign>-<token>.xlsx``, and any
    half-written ``.part``) and the zips of formal notices: they hold names and phone numbers, and stay downloadable otherwise."""
    if not folder or not Path(folder).is_dir():
        return 0
    deleted = 0
    for pattern in (f"recap-{campaign_id}-*.xlsx*", f"notices-{campaign_id}-*.zip*"):
        for path in Path(folder).glob(pattern):
            path.unlink(missing_ok=True)
            deleted += 1
    return deleted


def purge_due(session: Session, now: datetime | None = None) -> list[Campaign]:
    """Closed campaigns whose retention period has passed and whose personal data are still there."""
    now = now or utcnow()
    closed = session.scalars(sa.select(Campaign).where(
        Campaign.status == CampaignStatus.CLOSED, Campaign.personal_data_purged_at.is_(None),
        Campaign.closed_at.is_not(None))).all()
    return [c for c in closed if c.closed_at + timedelta(days=c.retention_days) <= now]


@dataclass(frozen=True)
class DuePurge:
    """One campaign the retention purge reached: what it removed, or why it was refused."""
    campaign_id: int
    campaign_name: str
    counts: dict | None
    refusal: DomainError | None = None

    @property
    def files(self) -> int:
        return self.counts["files"] + self.counts["final_recaps"] + self.counts["exports"] if self.counts else 0


def purge_all_due(session: Session, export_folder: str | None, now: datetime | None = None) -> list[DuePurge]:
    """Purge every campaign ``purge_due`` finds, each in its own savepoint: one that is refused (no final
    recap yet) is reported and the others go on. What ``flask campaign purge-due`` and the daily job run."""
    results = []
    for campaign in purge_due(session, now):
        try:
            with session.begin_nested():
                counts = purge_personal_data(session, None, campaign, now=now, export_folder=export_folder)
        except DomainError as exc:
            results.append(DuePurge(campaign.id, campaign.name, None, exc))
        else:
            results.append(DuePurge(campaign.id, campaign.name, counts))
    return results
