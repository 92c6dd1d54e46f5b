"""Chaining the events written before the chains existed (run once, by the migration that adds them).

Their links are stamped with the time they were chained, so the proof says from when it holds.
"""
from __future__ import annotations

from datetime import timezone

import sqlalchemy as sa

from .chain import append
from .events import KINDS

BATCH = 5000


def chain_existing(connection) -> int:
    """Link every event no link names yet, oldest first, in its chain; returns how many were chained.
    Reads the tables as they are (reflected), not as the models will later describe them."""
    meta = sa.MetaData()
    tables = {name: sa.Table(kind.table.name, meta, autoload_with=connection) for name, kind in KINDS.items()}
    links = sa.Table("event_chain", meta, autoload_with=connection)
    events = []
    for name, kind in KINDS.items():
        table = tables[name]
        unlinked = sa.select(table).where(~sa.exists().where(links.c.kind == name, links.c.event_id == table.c.id))
        for row in connection.execute(unlinked):
            values = {key: _aware(value) for key, value in row._mapping.items()}
            events.append((values[kind.time_field], name != "call", values["id"], kind, values))
    events.sort(key=lambda e: e[:3])
    for start in range(0, len(events), BATCH):
        append(connection, [(kind, values) for *_, kind, values in events[start:start + BATCH]])
    return len(events)


def name_debtors_of_entries(connection) -> None:
    """The debtor of each entry written before the column existed: named in its details, the entity
    itself, or the entity's own debtor (before the triggers refuse updating entries)."""
    meta = sa.MetaData()
    audit = sa.Table("audit_log", meta, autoload_with=connection)
    subjects: dict[str, sa.Table] = {}
    updates = []
    for entry_id, entity_type, entity_id, details in connection.execute(
            sa.select(audit.c.id, audit.c.entity_type, audit.c.entity_id, audit.c.details)
            .where(audit.c.debtor_id.is_(None))):
        debtor_id = (details or {}).get("debtor_id") if isinstance(details, dict) else None
        if not isinstance(debtor_id, int):
            debtor_id = entity_id if entity_type == "debtor_accounts" else _debtor_of_subject(
                connection, meta, subjects, entity_type, entity_id)
        if debtor_id is not None:
            updates.append({"entry": entry_id, "debtor": debtor_id})
    if updates:
        connection.execute(audit.update().where(audit.c.id == sa.bindparam("entry"))
                           .values(debtor_id=sa.bindparam("debtor")), updates)


def _debtor_of_subject(connection, meta, subjects, entity_type, entity_id):
    if entity_id is None or not entity_type:
        return None
    if entity_type not in subjects:
        try:
            subjects[entity_type] = sa.Table(entity_type, meta, autoload_with=connection)
        except sa.exc.NoSuchTableError:
            subjects[entity_type] = None
    table = subjects[entity_type]
    if table is None or "debtor_id" not in table.c:
        return None
    return connection.scalar(sa.select(table.c.debtor_id).where(table.c.id == entity_id))


def _aware(value):
    if hasattr(value, "tzinfo") and hasattr(value, "hour") and value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value
