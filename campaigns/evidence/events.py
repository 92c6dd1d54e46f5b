"""What is chained: the immutable events of a mission, and the digest of each one's content.

Two kinds today: call attempts and audit entries (every change of a promise, motive, dispute, notice or
setting is an audit entry). Each event's content is split in two: its public fields, each digested on its
own so that a check names the field that changed, and its personal fields (the number dialled, notes,
free-text comments in an entry's details), digested together and blanked by the personal-data purge.
"""
from __future__ import annotations

import enum
import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal

import sqlalchemy as sa

from ..errors import N_
from ..models import AuditEntry, CallAttempt
from ..models.evidence import PERSONAL_DETAIL_KEYS

GENESIS = "0" * 64

# Keys of an audit entry's details that may hold a person's words or contact details.
PERSONAL_DETAILS = frozenset(PERSONAL_DETAIL_KEYS)


@dataclass(frozen=True)
class Kind:
    name: str                       # stored in ``event_chain.kind``
    model: type
    label: str                      # how a check names one event ("call", "audit entry")
    time_field: str
    personal: tuple[str, ...] = ()  # columns the purge blanks
    personal_details: bool = False  # the PERSONAL_DETAILS keys of ``details`` too

    @property
    def table(self) -> sa.Table:
        return self.model.__table__


CALL = Kind("call", CallAttempt, N_("call"), "started_at", personal=("phone_dialled", "notes"))
AUDIT = Kind("audit", AuditEntry, N_("audit entry"), "at", personal_details=True)
KINDS = {kind.name: kind for kind in (CALL, AUDIT)}
KIND_OF_MODEL = {kind.model: kind for kind in KINDS.values()}

# How a check names a field that changed (the column's meaning, not its name).
FIELD_LABELS = {
    "campaign_id": N_("campaign"), "debtor_id": N_("debtor"), "agent_id": N_("agent"),
    "started_at": N_("start time"), "ended_at": N_("end time"), "duration_seconds": N_("duration"),
    "result": N_("result"), "outcome": N_("outcome"), "request_key": N_("form key"),
    "created_at": N_("time recorded"), "at": N_("time"), "user_id": N_("author"), "action": N_("action"),
    "entity_type": N_("subject"), "entity_id": N_("subject"), "phone_dialled": N_("number dialled"),
    "notes": N_("notes"),
}


def chain_of(campaign_id: int | None, debtor_id: int | None) -> str:
    """A debtor's chain, a campaign's own chain, or the chain of events outside any campaign."""
    if campaign_id is None:
        return "global"
    if debtor_id is None:
        return f"campaign:{campaign_id}"
    return f"campaign:{campaign_id}/debtor:{debtor_id}"


def _plain(value):
    """One spelling of a value, whichever database it was read back from."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
        return moment.astimezone(timezone.utc).isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _canonical(value) -> str:
    return json.dumps(_plain(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def values_of(event) -> dict:
    """A model instance's columns by name, as a row read back would give them."""
    return {c.key: getattr(event, c.key) for c in type(event).__table__.columns}


def split_content(kind: Kind, values: dict) -> tuple[dict, dict]:
    """An event's public fields and its personal ones, by name (details keys as ``details.KEY``), from its
    columns. Empty fields are left out: a column added by a later version does not alter older events."""
    public, personal = {}, {}
    for name, value in values.items():
        if name in ("id", "purged_at", "details") or value is None:
            continue
        (personal if name in kind.personal else public)[name] = _plain(value)
    details = values.get("details") if kind.personal_details else None
    for key, value in (details or {}).items():
        if value is not None:
            (personal if key in PERSONAL_DETAILS else public)[f"details.{key}"] = _plain(value)
    return public, personal


def field_digest(kind: Kind, event_id: int, name: str, value) -> str:
    return sha256(f"{kind.name}|{event_id}|{name}|{_canonical(value)}")[:16]


def personal_digest(kind: Kind, event_id: int, personal: dict) -> str:
    return sha256(f"{kind.name}|{event_id}|personal|{_canonical(personal)}")


def digest_of(fields: dict, personal: str) -> str:
    return sha256(_canonical({"fields": fields, "personal": personal}))


def link_hash(prev_hash: str, chain: str, seq: int, kind: str, event_id: int, event_at, digest: str) -> str:
    return sha256(f"{prev_hash}|{chain}|{seq}|{kind}|{event_id}|{_plain(event_at)}|{digest}")


@dataclass(frozen=True)
class Sealed:
    """What the chain keeps of one event."""
    fields: dict
    personal_digest: str
    digest: str


def seal(kind: Kind, values: dict) -> Sealed:
    """The digests of one event, from its columns (``values_of`` or a row's mapping)."""
    public, personal = split_content(kind, values)
    event_id = values["id"]
    fields = {name: field_digest(kind, event_id, name, value) for name, value in public.items()}
    personal_hash = personal_digest(kind, event_id, personal)
    return Sealed(fields, personal_hash, digest_of(fields, personal_hash))
