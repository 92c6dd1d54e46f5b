"""Formal notices (mises en demeure): one letter per debtor the client company approved, issued once from the
mission's own record, then sent and tracked (``tracking``).

Issuing is idempotent: the first issue writes the letter (its sums as of the campaign's day, its evidence annex
up to that moment) and keeps the PDF; every later download returns the same document. A debtor the client did
not approve, or who is no longer proposed (paid since, a dispute opened), is refused with a message saying so.
"""
from __future__ import annotations

import hashlib
import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .. import audit, clock, escalation
from ..errors import N_, Conflict, NotFound, PermissionDenied
from ..models import Campaign, DebtorAccount, FormalNotice, NoticeDecision, Role, User
from . import letter as letters
from . import pdf
from .letter import NotReady, Provider
from .settings import settings_of

__all__ = ["NotReady", "Provider", "issue", "notice_of", "notices_of", "approved_ids", "reference_for", "write_zip",
           "file_name"]

ISSUERS = (Role.MANAGER, Role.ADMIN)


def reference_for(campaign_id: int, debtor_id: int) -> str:
    """The notice's reference, also the payment reference the debtor is asked to quote."""
    return f"MED-{campaign_id}-{debtor_id}"


def file_name(notice: FormalNotice) -> str:
    return f"mise-en-demeure-{notice.reference}.pdf"


def notice_of(session: Session, campaign: Campaign, debtor_id: int) -> FormalNotice | None:
    return session.scalar(sa.select(FormalNotice).where(FormalNotice.campaign_id == campaign.id,
                                                        FormalNotice.debtor_id == debtor_id))


def notices_of(session: Session, campaign: Campaign) -> dict[int, FormalNotice]:
    """The campaign's notices by debtor id (without their PDFs)."""
    return {n.debtor_id: n for n in session.scalars(sa.select(FormalNotice)
                                                    .where(FormalNotice.campaign_id == campaign.id))}


def approved_ids(session: Session, campaign: Campaign) -> list[int]:
    """The debtors whose formal notice the client approved and who are still proposed, or already issued."""
    issued = set(notices_of(session, campaign))
    proposed = {c.debtor_id for c in escalation.candidates(session, campaign) if c.approval == escalation.APPROVED}
    return sorted(issued | proposed)


def issue(session: Session, campaign: Campaign, debtor_id: int, user: User | None, *,
          provider: Provider | None = None, now: datetime | None = None) -> FormalNotice:
    """The debtor's formal notice: the one already issued, or a new one written now (audited)."""
    if user is not None and user.role not in ISSUERS:
        raise PermissionDenied(N_("Only the campaign's managers issue formal notices."))
    existing = notice_of(session, campaign, debtor_id)
    if existing is not None:
        return existing
    debtor = session.scalar(sa.select(DebtorAccount).where(DebtorAccount.id == debtor_id,
                                                           DebtorAccount.campaign_id == campaign.id)
                            .with_for_update())
    if debtor is None:
        raise NotFound(N_("This debtor is not part of this campaign."))
    existing = notice_of(session, campaign, debtor_id)      # issued by someone else while we waited for the lock
    if existing is not None:
        return existing
    decision = session.scalar(sa.select(NoticeDecision.decision).where(NoticeDecision.debtor_id == debtor_id))
    if decision != NoticeDecision.APPROVED:
        raise Conflict(N_("The client company has not approved a formal notice for this debtor."))
    now = clock.now(now)
    try:
        escalation.candidate(session, campaign, debtor_id, now)
    except NotFound:
        raise Conflict(N_("This debtor is no longer proposed for a formal notice (paid, disputed or under "
                          "proceedings since the client's approval): no letter is written.")) from None
    settings = settings_of(campaign)
    reference = reference_for(campaign.id, debtor_id)
    letter = letters.build(session, campaign, debtor, reference=reference, settings=settings, provider=provider,
                           issued_at=now)
    document = pdf.render(letter)
    notice = FormalNotice(
        campaign_id=campaign.id, debtor_id=debtor_id, reference=reference, issued_at=now,
        issued_on=letter.issued_on, deadline_on=letter.deadline_on, sender=settings.sender,
        currency=letter.currency, principal_cents=letter.principal_cents, indemnity_cents=letter.indemnity_cents,
        interest_cents=letter.interest_cents, issued_by_id=user.id if user else None, pdf=document,
        pdf_sha256=hashlib.sha256(document).hexdigest())
    try:
        with session.begin_nested():
            session.add(notice)
    except IntegrityError:                 # SQLite has no row lock: the other writer won; its letter stands
        found = notice_of(session, campaign, debtor_id)
        if found is None:
            raise
        return found
    audit.record(session, user.id if user else None, "notice.issued", notice, campaign_id=campaign.id,
                 debtor_id=debtor_id, reference=reference, total_cents=notice.total_cents,
                 deadline_on=notice.deadline_on, sha256=notice.pdf_sha256)
    return notice


def write_zip(session: Session, campaign: Campaign, user: User | None, target: Path, *,
              provider: Provider | None = None, progress: Callable[[int, int], None] | None = None,
              commit: Callable[[], None] | None = None, ids: list[int] | None = None) -> dict:
    """Every approved debtor's letter in one zip at ``target`` (issuing those not issued yet).

    Returns {"written": n, "refused": [(debtor name, message)]}: a debtor refused since (paid, disputed) is
    listed, not fatal; the missing settings (the client's address...) refuse the whole run. ``commit`` is
    called after each letter so that a long run keeps what it issued; ``ids``: the approved debtors when the
    caller already has them (``approved_ids``).
    """
    ids = approved_ids(session, campaign) if ids is None else ids
    refused, written = [], 0
    partial = target.with_name(target.name + ".part")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for index, debtor_id in enumerate(ids, 1):
            try:
                with session.begin_nested():
                    notice = issue(session, campaign, debtor_id, user, provider=provider)
            except letters.NotReady:
                raise
            except (Conflict, NotFound) as exc:
                debtor = session.get(DebtorAccount, debtor_id)
                refused.append((debtor.company_name or debtor.customer_code or str(debtor_id) if debtor
                                else str(debtor_id), exc))
            else:
                archive.writestr(file_name(notice), notice.pdf)
                written += 1
                if commit:
                    commit()
            if progress:
                progress(index, len(ids))
    partial.replace(target)
    return {"written": written, "refused": refused}
