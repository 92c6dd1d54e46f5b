"""Appending events to their chains when their transaction commits, and refusing any change to them.

Every session made by ``campaigns.db.make_session_factory`` notes the call attempts and audit entries it
flushes; when the transaction (or a savepoint) commits, they are linked at the end of their chains in the
same transaction, in one round trip on PostgreSQL (``relance_append_links``). A chain is locked while its
end is read and extended: a debtor's chain by the debtor's row (which a call being recorded already
holds, so chains never serialise a campaign's agents), a campaign's by the campaign's row, the global one
by an advisory lock; SQLite has one writer at a time. Events of a savepoint rolled back are not linked.
Code that reads the chains inside a transaction first calls ``link_pending``.
"""
from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..models import ChainLink, utcnow
from .events import GENESIS, KIND_OF_MODEL, _plain, chain_of, link_hash, seal, values_of

_PENDING = "evidence_pending"      # session.info: [(instance, kind, columns)] flushed, not linked yet
_links = ChainLink.__table__


class EventsAreAppendOnly(RuntimeError):
    """Raised when code tries to change or delete a chained event or a link of a chain."""


def watch(factory) -> None:
    """Chain the events the factory's sessions write, and refuse rewriting them."""
    sa.event.listen(factory, "before_flush", _refuse_rewriting_events)
    sa.event.listen(factory, "after_flush", _note_new_events)
    sa.event.listen(factory, "before_commit", link_pending)
    sa.event.listen(factory, "after_transaction_end", _forget_pending)


def _refuse_rewriting_events(session: Session, _context, _instances) -> None:
    for obj in session.deleted:
        if type(obj) in KIND_OF_MODEL or isinstance(obj, ChainLink):
            raise EventsAreAppendOnly(f"{type(obj).__tablename__} is append-only: rows cannot be deleted.")
    for obj in session.dirty:
        if (type(obj) in KIND_OF_MODEL or isinstance(obj, ChainLink)) and session.is_modified(obj):
            raise EventsAreAppendOnly(f"{type(obj).__tablename__} is append-only: rows cannot be changed.")


def _note_new_events(session: Session, _context) -> None:
    new = [(obj, KIND_OF_MODEL[type(obj)], values_of(obj)) for obj in session.new if type(obj) in KIND_OF_MODEL]
    if new:
        session.info.setdefault(_PENDING, []).extend(new)


def link_pending(session: Session) -> None:
    """Link the events flushed and not linked yet (those of a savepoint rolled back are gone)."""
    if session.new or session.dirty:
        session.flush()
    pending = session.info.pop(_PENDING, None)
    if pending:
        events = [(kind, values) for obj, kind, values in pending if sa.inspect(obj).persistent]
        if events:
            append(session.connection(), events)


def _forget_pending(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_PENDING, None)


def append(connection, events: list[tuple]) -> None:
    """Link these events (kind, columns) at the end of their chains, oldest first within each."""
    by_chain: dict[str, list] = defaultdict(list)
    for kind, values in sorted(events, key=lambda e: (e[0].name != "call", e[1]["id"])):
        by_chain[chain_of(values["campaign_id"], values["debtor_id"])].append((kind, values, seal(kind, values)))
    if connection.dialect.name == "postgresql":
        _append_on_postgresql(connection, by_chain)
        return
    heads = _heads(connection, sorted(by_chain))
    now = utcnow()
    rows = []
    for chain, chained in by_chain.items():
        seq, prev = heads[chain]
        for kind, values, sealed in chained:
            seq += 1
            event_at = values[kind.time_field]
            hashed = link_hash(prev, chain, seq, kind.name, values["id"], event_at, sealed.digest)
            rows.append(dict(chain=chain, seq=seq, campaign_id=values["campaign_id"], debtor_id=values["debtor_id"],
                             kind=kind.name, event_id=values["id"], event_at=event_at, chained_at=now,
                             fields=sealed.fields, personal_digest=sealed.personal_digest, digest=sealed.digest,
                             prev_hash=prev, hash=hashed))
            prev = hashed
    connection.execute(_links.insert(), rows)


def _heads(connection, chains: list[str]) -> dict[str, tuple[int, str]]:
    last = (sa.select(_links.c.chain, sa.func.max(_links.c.seq).label("seq"))
            .where(_links.c.chain.in_(chains)).group_by(_links.c.chain).subquery())
    found = {row.chain: (row.seq, row.hash) for row in connection.execute(
        sa.select(_links.c.chain, _links.c.seq, _links.c.hash)
        .join(last, sa.and_(last.c.chain == _links.c.chain, last.c.seq == _links.c.seq)))}
    return {chain: found.get(chain, (0, GENESIS)) for chain in chains}


_APPEND = sa.text(
    "SELECT relance_append_links(CAST(:chain AS text[]), CAST(:campaign AS integer[]), CAST(:debtor AS integer[]), "
    "CAST(:kind AS text[]), CAST(:event AS bigint[]), CAST(:at AS timestamptz[]), CAST(:at_text AS text[]), "
    "CAST(:fields AS json[]), CAST(:personal AS text[]), CAST(:digest AS text[]))")


def _append_on_postgresql(connection, by_chain: dict[str, list]) -> None:
    """One round trip: the function locks the chains, reads their ends and links the events (the link hash
    computed as ``events.link_hash`` does)."""
    import json
    columns = defaultdict(list)
    for chain, chained in by_chain.items():
        for kind, values, sealed in chained:
            event_at = values[kind.time_field]
            for name, value in (("chain", chain), ("campaign", values["campaign_id"]), ("debtor", values["debtor_id"]),
                                ("kind", kind.name), ("event", values["id"]), ("at", event_at),
                                ("at_text", _plain(event_at)), ("fields", json.dumps(sealed.fields)),
                                ("personal", sealed.personal_digest), ("digest", sealed.digest)):
                columns[name].append(value)
    connection.execute(_APPEND, dict(columns))
