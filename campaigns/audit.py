"""Recording who changed what. Every change made by a person goes through ``record``."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from .models import AuditEntry, Campaign, User

PAGE_SIZE = 100


def record(session: Session, user_id: int | None, action: str, entity, campaign_id: int | None = None,
           **details) -> AuditEntry:
    """Append an audit entry for ``entity`` (a model instance, flushed so that it has an id)."""
    if getattr(entity, "id", None) is None:
        session.flush()
    entry = AuditEntry(
        user_id=user_id,
        action=action,
        entity_type=type(entity).__tablename__,
        entity_id=entity.id,
        campaign_id=campaign_id if campaign_id is not None else _campaign_of(entity),
        debtor_id=_debtor_of(entity, details),
        details={k: _plain(v) for k, v in details.items()} or None,
    )
    session.add(entry)
    return entry


def _campaign_of(entity) -> int | None:
    """The campaign an entry belongs to: the entity's own campaign, or the entity itself when it is one."""
    if type(entity).__tablename__ == "campaigns":
        return entity.id
    return getattr(entity, "campaign_id", None)


def _debtor_of(entity, details: dict) -> int | None:
    """The debtor an entry is about: named in its details, the entity's own debtor, or the entity itself."""
    if isinstance(details.get("debtor_id"), int):
        return details["debtor_id"]
    if type(entity).__tablename__ == "debtor_accounts":
        return entity.id
    debtor_id = getattr(entity, "debtor_id", None)
    return debtor_id if isinstance(debtor_id, int) else None


def _plain(value):
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)


def entries_page(session: Session, campaign_id: int | None = None, action: str | None = None,
                 before_id: int | None = None, limit: int = PAGE_SIZE) -> list[tuple[AuditEntry, str | None, str | None]]:
    """The newest entries first, with the actor's name and the campaign's name; read-only.

    ``before_id`` pages back through history; ``action`` filters on a prefix ("campaign.", "promise.create").
    """
    query = (sa.select(AuditEntry, User.name, Campaign.name)
             .outerjoin(User, User.id == AuditEntry.user_id)
             .outerjoin(Campaign, Campaign.id == AuditEntry.campaign_id)
             .order_by(AuditEntry.id.desc()).limit(limit))
    if campaign_id is not None:
        query = query.where(AuditEntry.campaign_id == campaign_id)
    if action:
        query = query.where(AuditEntry.action.startswith(action, autoescape=True))
    if before_id is not None:
        query = query.where(AuditEntry.id < before_id)
    return [tuple(row) for row in session.execute(query)]
