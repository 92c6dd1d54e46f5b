"""People who log in, their roles, and the record of login attempts used for throttling."""
from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, str_enum, utcnow


class Role(enum.StrEnum):
    ADMIN = "admin"
    MANAGER = "manager"
    AGENT = "agent"
    CLIENT = "client"


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    role: Mapped[Role] = mapped_column(str_enum(Role, 16))
    password_hash: Mapped[str] = mapped_column(sa.String(256))
    is_active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(sa.String(8))
    # Only for role CLIENT: the company whose campaigns this user may see.
    client_company_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("client_companies.id", ondelete="RESTRICT"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The console's last sign of life (its lease renewal): a shift left open ends there (campaigns.shift).
    last_heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The daily digest of what waits for them (campaigns.digest): on unless they turn it off.
    digest_enabled: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    # Part of the session cookie's identity: raised at logout (and password change), it ends every session.
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")

    client_company = relationship("ClientCompany", back_populates="users")

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


class LoginAttempt(Base):
    """One try at logging in, kept to slow down password guessing per account and per address."""

    __tablename__ = "login_attempts"
    __table_args__ = (sa.Index("ix_login_attempts_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(300))  # "email:x@y" or "ip:1.2.3.4"
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    succeeded: Mapped[bool] = mapped_column(default=False)
