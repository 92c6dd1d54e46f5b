"""An agent's shift: each change of state (ready, on a call, wrap-up, pause with its reason, logged out),
stamped when it happens (``campaigns.shift``)."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime, utcnow


class AgentStateChange(Base):
    __tablename__ = "agent_state_changes"
    __table_args__ = (sa.Index("ix_agent_state_changes_agent_at", "agent_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agent_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    campaign_id: Mapped[int | None] = mapped_column(sa.ForeignKey("campaigns.id", ondelete="SET NULL"))
    state: Mapped[str] = mapped_column(sa.String(12))      # campaigns.shift.STATES
    reason: Mapped[str | None] = mapped_column(sa.String(20))  # a pause's reason (pause_reasons.code)
    debtor_id: Mapped[int | None] = mapped_column()         # the debtor of a call (for the live view)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AgentMessage(Base):
    """A word from a manager to an agent, shown on the agent's console until read."""

    __tablename__ = "agent_messages"
    __table_args__ = (sa.Index("ix_agent_messages_agent_read", "agent_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agent_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    sender_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    campaign_id: Mapped[int | None] = mapped_column(sa.ForeignKey("campaigns.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(sa.String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PauseReason(Base):
    """A reason an agent may give for a pause, in the order the console lists them. Managers edit the list;
    a reason no longer offered is retired, never deleted (past pauses keep naming it). The five built-in
    reasons have no label of their own until a manager renames one: they are shown in the reader's language."""

    __tablename__ = "pause_reasons"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(20), unique=True)   # what agent_state_changes.reason holds
    label: Mapped[str | None] = mapped_column(sa.String(60))
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
