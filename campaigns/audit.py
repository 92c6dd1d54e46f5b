"""Recording who changed what. Every change made by a person goes through ``record``."""
from __future__ import annotations

from sqlalchemy.orm import Session

from .models import AuditEntry


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
        details={k: _plain(v) for k, v in details.items()} or None,
    )
    session.add(entry)
    return entry


def _campaign_of(entity) -> int | None:
    """The campaign an entry belongs to: the entity's own campaign, or the entity itself when it is one."""
    if type(entity).__tablename__ == "campaigns":
        return entity.id
    return getattr(entity, "campaign_id", None)


def _plain(value):
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)
