"""The reasons an agent may give for a pause: five built in (break, lunch, training, technical problem,
briefing), and the list managers make of them: renamed, reordered, added to, retired.

A reason is never deleted: a pause stamped with it keeps its name on the live view and in the day's times.
A built-in reason keeps no label of its own until a manager renames it, so it reads in each user's
language; a reason a manager wrote reads as written.
"""
from __future__ import annotations

import secrets
import unicodedata

import sqlalchemy as sa
from sqlalchemy.orm import Session

from . import audit
from .errors import N_, DomainError, NotFound, ValidationError
from .models import AgentStateChange, PauseReason

BUILT_IN = {"break": N_("Break"), "lunch": N_("Lunch"), "training": N_("Training"),
            "technical": N_("Technical problem"), "briefing": N_("Briefing")}
LABEL_MAX = 60


def listed(session: Session, include_retired: bool = False) -> list[PauseReason]:
    """The reasons in the console's order (the offered ones only, unless ``include_retired``). Before any
    row exists (a database made without the migrations), the built-in list, unsaved."""
    rows = session.scalars(sa.select(PauseReason).order_by(PauseReason.position, PauseReason.id)).all()
    if not rows:
        rows = _built_in_rows()
    return [r for r in rows if include_retired or r.active]


def is_offered(session: Session, code: str | None) -> bool:
    return bool(code) and any(r.code == code for r in listed(session))


def times_chosen(session: Session) -> dict[str, int]:
    """How many pauses each reason was given for, all campaigns and days together."""
    return dict(session.execute(sa.select(AgentStateChange.reason, sa.func.count())
                                .where(AgentStateChange.state == "pause", AgentStateChange.reason.is_not(None))
                                .group_by(AgentStateChange.reason)).all())


def label_msgid(reason: PauseReason) -> tuple[str, bool]:
    """(text, translatable): a built-in reason's own words to translate, or the manager's label as written."""
    if reason.label:
        return reason.label, False
    return BUILT_IN.get(reason.code, reason.code), reason.code in BUILT_IN


def ensure_defaults(session: Session) -> None:
    """Save the built-in reasons when the table holds none (the migration seeds them; test databases and
    ``create_all`` do not)."""
    if session.scalar(sa.select(sa.func.count()).select_from(PauseReason)) == 0:
        session.add_all(_built_in_rows())
        session.flush()


def add(session: Session, by: int, label: str, translate=lambda text: text) -> PauseReason:
    """``translate``: the built-in names as the manager reads them, so that no reason is written twice."""
    ensure_defaults(session)
    label = _clean(session, label, translate)
    last = session.scalar(sa.select(sa.func.max(PauseReason.position))) or 0
    reason = PauseReason(code="c" + secrets.token_hex(6), label=label, position=last + 1, active=True)
    session.add(reason)
    session.flush()
    audit.record(session, by, "pause_reason.add", reason, label=label)
    return reason


def rename(session: Session, by: int, reason_id: int, label: str, translate=lambda text: text) -> PauseReason:
    reason = _get(session, reason_id)
    label = _clean(session, label, translate, but=reason)
    before = label_msgid(reason)[0]
    reason.label = label
    audit.record(session, by, "pause_reason.rename", reason, before=before, after=label)
    return reason


def set_offered(session: Session, by: int, reason_id: int, offered: bool) -> PauseReason:
    """Retire a reason (agents no longer see it) or offer it again. One reason at least stays offered."""
    reason = _get(session, reason_id)
    if not offered and reason.active and sum(1 for r in listed(session)) <= 1:
        raise DomainError(N_("Keep at least one reason for a pause."), field="active")
    reason.active = offered
    audit.record(session, by, "pause_reason.offered" if offered else "pause_reason.retired", reason)
    return reason


def move(session: Session, by: int, reason_id: int, step: int) -> PauseReason:
    """One place up (``step`` −1) or down (+1) in the console's list."""
    reason = _get(session, reason_id)
    rows = listed(session, include_retired=True)
    at = next(i for i, r in enumerate(rows) if r.id == reason.id)
    to = min(max(at + (1 if step > 0 else -1), 0), len(rows) - 1)
    rows.insert(to, rows.pop(at))
    for i, r in enumerate(rows):
        r.position = i
    audit.record(session, by, "pause_reason.moved", reason, position=to + 1)
    return reason


def _get(session: Session, reason_id: int) -> PauseReason:
    ensure_defaults(session)
    reason = session.get(PauseReason, reason_id)
    if reason is None:
        raise NotFound(N_("This reason for a pause does not exist."))
    return reason


def _clean(session: Session, label, translate, but: PauseReason | None = None) -> str:
    # Control and formatting characters (bidi marks included) are dropped, blanks collapsed.
    text = " ".join("".join(ch for ch in (label or "") if unicodedata.category(ch) not in ("Cc", "Cf")).split())
    if not text:
        raise _invalid(N_("Write the reason, as agents will read it."))
    if len(text) > LABEL_MAX:
        raise _invalid(N_("A reason is at most {limit} characters."), limit=LABEL_MAX)
    for other in listed(session, include_retired=True):
        name, translatable = label_msgid(other)
        if other is not but and text.casefold() in {name.casefold(), translate(name).casefold() if translatable
                                                    else name.casefold()}:
            raise _invalid(N_("This reason is in the list already."))
    return text


def _invalid(message: str, **params) -> ValidationError:
    return ValidationError({"label": DomainError(message, field="label", **params)})


def _built_in_rows() -> list[PauseReason]:
    return [PauseReason(code=code, label=None, position=i, active=True) for i, code in enumerate(BUILT_IN)]
