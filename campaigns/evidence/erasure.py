"""The one way to blank personal fields of chained events: what the personal-data purge calls.

The number dialled and the notes of each call, and the personal keys of each audit entry's details
(comments, notes, contact details), are blanked and the event stamped ``purged_at``; every other field and
every link of the chain stay as they were, so ``verify`` still passes and says which events were purged
and when. On PostgreSQL the append-only triggers let an UPDATE through only inside this function (the
transaction-local setting ``relance.purging``) and only when it does exactly that.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..models import AuditEntry, CallAttempt
from ..models.evidence import PERSONAL_DETAIL_KEYS


def blank_personal_fields(session: Session, campaign_id: int, debtor_ids, now: datetime) -> dict:
    """Blank the personal fields of these debtors' calls and audit entries (``debtor_ids``: a select of ids
    or a list); returns how many events of each kind were purged."""
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres:
        session.execute(sa.text("SELECT set_config('relance.purging', 'on', true)"))
    try:
        calls = session.execute(
            sa.update(CallAttempt).where(CallAttempt.campaign_id == campaign_id,
                                         CallAttempt.debtor_id.in_(debtor_ids), CallAttempt.purged_at.is_(None))
            .values(notes=None, phone_dialled=None, purged_at=now)
            .execution_options(synchronize_session=False)).rowcount
        entries = session.execute(
            sa.update(AuditEntry).where(AuditEntry.campaign_id == campaign_id, AuditEntry.debtor_id.in_(debtor_ids),
                                        AuditEntry.purged_at.is_(None))
            .values(details=_without_personal_keys(postgres), purged_at=now)
            .execution_options(synchronize_session=False)).rowcount
    finally:
        if postgres:
            session.execute(sa.text("SELECT set_config('relance.purging', '', true)"))
    return {"calls": calls, "audit_entries": entries}


def _without_personal_keys(postgres: bool):
    column = AuditEntry.__table__.c.details
    if postgres:
        return sa.cast(sa.cast(column, sa.dialects.postgresql.JSONB).op("-")(
            sa.cast(sa.literal(list(PERSONAL_DETAIL_KEYS)), sa.dialects.postgresql.ARRAY(sa.Text))), sa.JSON)
    return sa.func.json_remove(column, *[f"$.{key}" for key in PERSONAL_DETAIL_KEYS])
