"""User accounts: creation, password checks and login throttling."""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from . import audit
from .errors import N_, Conflict, NotFound, ValidationError, DomainError
from .models import LoginAttempt, Role, User, utcnow

MIN_PASSWORD_LENGTH = 10
# Failed attempts allowed within the window before refusing, per account and per address.
MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_ADDRESS = 20
THROTTLE_WINDOW = timedelta(minutes=15)


def normalise_email(email: str) -> str:
    return email.strip().lower()


def check_password_rules(password: str) -> None:
    """Refuse passwords a call centre's clients would not accept."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(N_("The password must have at least {n} characters."), field="password",
                          n=MIN_PASSWORD_LENGTH)
    if password.isalpha() or password.isdigit():
        raise DomainError(N_("The password must mix letters with digits or symbols."), field="password")


def create_user(session: Session, email: str, name: str, role: Role | str, password: str,
                client_company_id: int | None = None, by_user_id: int | None = None) -> User:
    """Create an account; a client user must belong to a client company."""
    role = Role(role)
    email = normalise_email(email)
    errors = {}
    if "@" not in email or len(email) > 254:
        errors["email"] = DomainError(N_("Invalid email address: {email}"), field="email", email=email)
    if not name.strip():
        errors["name"] = DomainError(N_("The name is required."), field="name")
    try:
        check_password_rules(password)
    except DomainError as exc:
        errors["password"] = exc
    if role is Role.CLIENT and client_company_id is None:
        errors["client_company_id"] = DomainError(
            N_("A client user must belong to a client company."), field="client_company_id")
    if errors:
        raise ValidationError(errors)
    if session.scalar(sa.select(User.id).where(User.email == email)):
        raise Conflict(N_("An account already exists for {email}."), field="email", email=email)
    user = User(email=email, name=name.strip(), role=role, password_hash=generate_password_hash(password),
                client_company_id=client_company_id if role is Role.CLIENT else None)
    session.add(user)
    session.flush()
    audit.record(session, by_user_id, "user.create", user, email=email, role=role.value)
    return user


def set_password(session: Session, user: User, password: str, by_user_id: int | None = None) -> None:
    check_password_rules(password)
    user.password_hash = generate_password_hash(password)
    audit.record(session, by_user_id, "user.set_password", user)


def is_throttled(session: Session, email: str, address: str | None, now: datetime | None = None) -> bool:
    """True when too many recent failures for this account or this address."""
    now = now or utcnow()
    since = now - THROTTLE_WINDOW

    def failures(key: str) -> int:
        # Failures since the last success for this key, within the window.
        last_ok = session.scalar(sa.select(sa.func.max(LoginAttempt.at)).where(
            LoginAttempt.key == key, LoginAttempt.succeeded.is_(True), LoginAttempt.at >= since))
        start = max(since, last_ok) if last_ok else since
        return session.scalar(sa.select(sa.func.count()).select_from(LoginAttempt).where(
            LoginAttempt.key == key, LoginAttempt.succeeded.is_(False), LoginAttempt.at >= start)) or 0

    if failures("email:" + normalise_email(email)) >= MAX_FAILURES_PER_ACCOUNT:
        return True
    return bool(address) and failures("ip:" + address) >= MAX_FAILURES_PER_ADDRESS


def authenticate(session: Session, email: str, password: str, address: str | None = None,
                 now: datetime | None = None) -> User:
    """Return the user for these credentials, or raise; every try is recorded."""
    now = now or utcnow()
    email = normalise_email(email)
    if is_throttled(session, email, address, now):
        raise DomainError(N_("Too many failed attempts. Try again in {minutes} minutes."),
                          minutes=int(THROTTLE_WINDOW.total_seconds() // 60))
    user = session.scalar(sa.select(User).where(User.email == email))
    ok = user is not None and user.is_active and check_password_hash(user.password_hash, password)
    keys = ["email:" + email] + (["ip:" + address] if address else [])
    session.add_all(LoginAttempt(key=k, at=now, succeeded=ok) for k in keys)
    if not ok:
        raise DomainError(N_("Wrong email or password."))
    user.last_login_at = now
    return user


def get_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(N_("No such user."))
    return user


def set_active(session: Session, user: User, active: bool, by_user_id: int | None = None) -> None:
    """Disable or re-enable an account; nobody disables their own."""
    if by_user_id == user.id and not active:
        raise DomainError(N_("You cannot disable your own account."))
    user.is_active = active
    audit.record(session, by_user_id, "user.enable" if active else "user.disable", user)


def list_users(session: Session) -> list[User]:
    return list(session.scalars(sa.select(User).order_by(User.role, User.name)))
