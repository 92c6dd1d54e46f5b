"""Recomputing a campaign's chains and saying where one breaks.

A link is checked three ways: its event is still there and its fields still give the digests the link
kept (an edited or deleted event); the link still hashes to what the next one names (a link edited, moved
or deleted); and the chain's places run 1, 2, 3... with no gap. Events of the campaign that no link names
were added outside the application. A purged event is checked on what the purge left (its public fields)
and reported with the time of its purge. After a break the check goes on from the stored hash, so each
alteration is reported once.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..errors import N_
from ..models import ChainLink
from .chain import link_pending
from .events import FIELD_LABELS, GENESIS, KINDS, chain_of, digest_of, field_digest, link_hash, \
    personal_digest, sha256, split_content

BATCH = 2000
_links = ChainLink.__table__

# What went wrong with one event or link.
CHANGED = "changed"                # the event's content no longer gives its digest
DELETED = "deleted"                # the link names an event that is gone
LINKS_MISSING = "links_missing"    # places of the chain are missing (links deleted)
OUT_OF_ORDER = "out_of_order"      # the link does not follow the one before it (moved, or one removed)
LINK_ALTERED = "link_altered"      # the link itself was rewritten
UNCHAINED = "unchained"            # an event no link names (written around the application)

PROBLEMS = {
    CHANGED: N_("its content was changed ({fields})"),
    DELETED: N_("it was deleted"),
    LINKS_MISSING: N_("{count} event(s) before it are missing from the chain"),
    OUT_OF_ORDER: N_("it no longer follows the event before it (events moved or removed)"),
    LINK_ALTERED: N_("its link in the chain was rewritten"),
    UNCHAINED: N_("it is in no chain (written outside the application)"),
}


@dataclass(frozen=True)
class Break:
    """One alteration found: which event, where in which chain, and what is wrong."""
    chain: str
    seq: int | None
    kind: str
    event_id: int | None
    event_at: datetime | None
    problem: str
    fields: tuple[str, ...] = ()
    count: int = 0

    @property
    def debtor_id(self) -> int | None:
        return int(self.chain.rsplit(":", 1)[1]) if "/debtor:" in self.chain else None

    def describe(self, zone: str = "UTC", translate=lambda s: s) -> str:
        """The sentence a person reads, e.g. "campaign:3/debtor:345, event 7: call #12 (2026-11-24 10:30
        Europe/Paris): its content was changed (number dialled / notes)"."""
        what = f"{translate(KINDS[self.kind].label)} #{self.event_id}" if self.event_id else translate(self.kind)
        if self.event_at is not None:
            what += self.event_at.astimezone(ZoneInfo(zone)).strftime(f" (%Y-%m-%d %H:%M {zone})")
        where = f"{translate(N_('event'))} {self.seq}" if self.seq else ""
        fields = ", ".join(translate(f) for f in self.fields)
        problem = translate(PROBLEMS[self.problem]).format(fields=fields, count=self.count)
        return f"{self.chain}{', ' + where if where else ''}: {what}: {problem}"


@dataclass
class Verification:
    """The outcome of a check: chains and events read, the breaks found, what was purged, the heads."""
    campaign_id: int
    debtor_id: int | None = None
    events: int = 0
    breaks: list[Break] = field(default_factory=list)
    purged: Counter = field(default_factory=Counter)      # purge time -> events purged then
    heads: dict[str, tuple[int, str]] = field(default_factory=dict)
    found_head: tuple[str, int, datetime] | None = None   # (chain, seq, chained_at) of the hash asked about

    @property
    def ok(self) -> bool:
        return not self.breaks

    @property
    def head(self) -> str:
        """The campaign's head (or the debtor's chain's): one hash over the head of every chain read."""
        return combined_head(self.heads)


def combined_head(heads: dict[str, tuple[int, str]]) -> str:
    if len(heads) == 1:
        return next(iter(heads.values()))[1]
    return sha256("\n".join(f"{chain}|{seq}|{hashed}" for chain, (seq, hashed) in sorted(heads.items())))


def verify(session: Session, campaign_id: int, debtor_id: int | None = None,
           head: str | None = None) -> Verification:
    """Recompute the campaign's chains (its own and each debtor's), or one debtor's; ``head`` also finds
    the event whose link has that hash (a head printed on a letter)."""
    link_pending(session)
    result = Verification(campaign_id, debtor_id)
    scope = [_links.c.campaign_id == campaign_id]
    if debtor_id is not None:
        scope.append(_links.c.chain == chain_of(campaign_id, debtor_id))
    last_id = None
    state: dict[str, tuple[int, str]] = {}        # chain -> (seq, hash) of the last link read
    seen: dict[str, set[int]] = {name: set() for name in KINDS}
    while True:
        query = sa.select(_links).where(*scope).order_by(_links.c.id).limit(BATCH)
        if last_id is not None:
            query = query.where(_links.c.id > last_id)
        links = session.execute(query).all()
        if not links:
            break
        last_id = links[-1].id
        events = _events_of(session, links)
        for link in links:
            seen[link.kind].add(link.event_id)
            _check_link(result, state, link, events.get((link.kind, link.event_id)))
            if head is not None and link.hash == head:
                result.found_head = (link.chain, link.seq, link.chained_at)
    result.heads = state
    _find_unchained(session, result, seen)
    result.breaks.sort(key=lambda b: (b.chain, b.seq or 0, b.event_id or 0))
    return result


def _events_of(session: Session, links) -> dict[tuple[str, int], dict]:
    found = {}
    for name, kind in KINDS.items():
        ids = [link.event_id for link in links if link.kind == name]
        if ids:
            table = kind.table
            for row in session.execute(sa.select(table).where(table.c.id.in_(ids))):
                found[(name, row.id)] = dict(row._mapping)
    return found


def _check_link(result: Verification, state: dict, link, event: dict | None) -> None:
    """Links are read in the order they were written (their ids), so each chain's are in place order."""
    result.events += 1
    seq, prev = state.get(link.chain, (0, GENESIS))
    kind = KINDS.get(link.kind)

    def broke(problem, **more):
        result.breaks.append(Break(link.chain, link.seq, link.kind, link.event_id, link.event_at, problem, **more))

    if link.seq > seq + 1:
        broke(LINKS_MISSING, count=link.seq - seq - 1)
    elif link.seq <= seq or link.prev_hash != prev:
        broke(OUT_OF_ORDER)
    if kind is None or digest_of(link.fields, link.personal_digest) != link.digest or link.hash != link_hash(
            link.prev_hash, link.chain, link.seq, link.kind, link.event_id, link.event_at, link.digest):
        broke(LINK_ALTERED)
    elif event is None:
        broke(DELETED)
    else:
        changed = _changed_fields(kind, link, event)
        if changed:
            broke(CHANGED, fields=changed)
        if event.get("purged_at") is not None:
            result.purged[event["purged_at"]] += 1
    state[link.chain] = (max(seq, link.seq), link.hash)


def _changed_fields(kind, link, event: dict) -> tuple[str, ...]:
    public, personal = split_content(kind, event)
    changed = []
    for name in sorted(set(public) | set(link.fields)):
        if name not in public or name not in link.fields or \
                field_digest(kind, link.event_id, name, public[name]) != link.fields[name]:
            changed.append(_label(name))
    purged = event.get("purged_at") is not None
    if (purged and personal) or (not purged and personal_digest(kind, link.event_id, personal) != link.personal_digest):
        changed.append(_label(kind.personal) if kind.personal else N_("personal details"))
    return tuple(dict.fromkeys(changed))


def _label(name) -> str:
    if isinstance(name, tuple):
        return " / ".join(FIELD_LABELS.get(n, n) for n in name)
    if name.startswith("details."):
        return N_("details")
    return FIELD_LABELS.get(name, name)


def _find_unchained(session: Session, result: Verification, seen: dict[str, set[int]]) -> None:
    for name, kind in KINDS.items():
        table = kind.table
        query = sa.select(table.c.id, table.c.debtor_id, getattr(table.c, kind.time_field)).where(
            table.c.campaign_id == result.campaign_id,
            ~sa.exists().where(_links.c.kind == name, _links.c.event_id == table.c.id))
        if result.debtor_id is not None:
            query = query.where(table.c.debtor_id == result.debtor_id)
        for event_id, debtor_id, at in session.execute(query):
            result.breaks.append(Break(chain_of(result.campaign_id, debtor_id), None, name, event_id, at, UNCHAINED))


def debtor_head(session: Session, campaign_id: int, debtor_id: int) -> tuple[int, str] | None:
    """Where a debtor's chain ends now (its length and last hash), without checking it."""
    link_pending(session)
    row = session.execute(sa.select(_links.c.seq, _links.c.hash).where(
        _links.c.chain == chain_of(campaign_id, debtor_id)).order_by(_links.c.seq.desc()).limit(1)).first()
    return (row.seq, row.hash) if row else None


def campaign_head(session: Session, campaign_id: int) -> str | None:
    """The campaign's head, computed when read: one hash over where each of its chains ends."""
    link_pending(session)
    last = (sa.select(_links.c.chain, sa.func.max(_links.c.seq).label("seq"))
            .where(_links.c.campaign_id == campaign_id).group_by(_links.c.chain).subquery())
    heads = {row.chain: (row.seq, row.hash) for row in session.execute(
        sa.select(_links.c.chain, _links.c.seq, _links.c.hash)
        .join(last, sa.and_(last.c.chain == _links.c.chain, last.c.seq == _links.c.seq)))}
    return combined_head(heads) if heads else None
