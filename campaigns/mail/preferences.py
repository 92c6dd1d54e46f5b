"""A debtor who asks not to be written to ("pas d'e-mail"): nothing more is queued for it and what waits
in the outbox is cancelled; both the choice and its withdrawal are audited."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from .. import audit
from ..models import DebtorAccount, MessageStatus, OutboundMessage


def set_no_email(session: Session, debtor: DebtorAccount, no_email: bool, user_id: int | None) -> int:
    """Record the debtor's wish; returns how many queued messages were cancelled."""
    if bool(debtor.no_email) == no_email:
        return 0
    debtor.no_email = no_email
    cancelled = 0
    if no_email:
        cancelled = session.execute(
            sa.update(OutboundMessage).where(OutboundMessage.debtor_id == debtor.id,
                                             OutboundMessage.status == MessageStatus.QUEUED)
            .values(status=MessageStatus.CANCELLED).execution_options(synchronize_session=False)).rowcount
    audit.record(session, user_id, "debtor.no_email" if no_email else "debtor.email_allowed", debtor,
                 debtor_id=debtor.id, cancelled=cancelled)
    session.flush()
    return cancelled
