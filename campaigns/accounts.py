"""User accounts: creation, password checks and login throttling."""
from __future__ import annotations

import functools
import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from . import audit
from .errors import N_, Conflict, NotFound, ValidationError, DomainError
from .models import LoginAttempt, Role, User, utcnow

MIN_PASSWORD_LENGTH = 10
# Failed attempts allowed within the window (failures since that key's last success):
MAX_FAILURES_PER_PAIR = 5          # one account from one address: a guesser at a known account
MAX_FAILURES_PER_ACCOUNT = 20      # one account from every address: guessing spread over many machines
# One address (a call centre's floor shares one): past this many failures on any accounts it is "noisy", and
# from a noisy address each account gets one try per window, so that colleagues who type their password
# right still log in while someone spraying guesses from behind the same address is slowed to a crawl.
NOISY_ADDRESS_FAILURES = 50
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
    end_sessions(user)
    audit.record(session, by_user_id, "user.set_password", user)


def _keys(email: str, address: str | None) -> dict[str, str]:
    keys = {"account": "email:" + email}
    if address:
        keys["address"] = "ip:" + address
        keys["pair"] = "pair:" + hashlib.sha256(f"{email}|{address}".encode()).hexdigest()[:40]
    return keys


def _failures(session: Session, key: str, since: datetime, reset_by_success: bool = True) -> int:
    """Failed attempts of ``key`` within the window, counted from its last success when ``reset_by_success``."""
    start = since
    if reset_by_success:
        last_ok = session.scalar(sa.select(sa.func.max(LoginAttempt.at)).where(
            LoginAttempt.key == key, LoginAttempt.succeeded.is_(True), LoginAttempt.at >= since))
        start = max(since, last_ok) if last_ok else since
    return session.scalar(sa.select(sa.func.count()).select_from(LoginAttempt).where(
        LoginAttempt.key == key, LoginAttempt.succeeded.is_(False), LoginAttempt.at >= start)) or 0


def is_throttled(session: Session, email: str, address: str | None, now: datetime | None = None,
                 counting_this_try: bool = False) -> bool:
    """True when this account may not be tried now, from this address.

    ``counting_this_try``: the current try is already recorded as a failure (see ``authenticate``).
    A success resets its own account's counters only, never the address's: logging into one's own account
    does not buy more guesses at another.
    """
    now = now or utcnow()
    since = now - THROTTLE_WINDOW
    mine = 1 if counting_this_try else 0
    keys = _keys(normalise_email(email), address)
    if _failures(session, keys["account"], since) - mine >= MAX_FAILURES_PER_ACCOUNT:
        return True
    if not address:
        return False
    pair = _failures(session, keys["pair"], since) - mine
    if pair >= MAX_FAILURES_PER_PAIR:
        return True
    noisy = _failures(session, keys["address"], since, reset_by_success=False) - mine >= NOISY_ADDRESS_FAILURES
    return noisy and pair >= 1


@functools.cache
def _decoy_hash() -> str:
    """A hash checked for unknown or disabled accounts: they take the same time as a wrong password."""
    return generate_password_hash(secrets.token_hex(16))


def authenticate(session: Session, email: str, password: str, address: str | None = None,
                 now: datetime | None = None, commit=None) -> User:
    """Return the user for these credentials, or raise; every try is recorded.

    The try is recorded as a failure and committed (``commit``, by default the session's) *before* the limits
    are counted and the password is checked, so that tries sent in parallel count each other and no more
    passwords are checked than the limits allow; a right password then turns it into a success. A refused
    try (throttled) checks no password and is not kept. Known and unknown accounts cost the same work.
    """
    now = now or utcnow()
    email = normalise_email(email)[:254]
    attempts = [LoginAttempt(key=k, at=now, succeeded=False) for k in _keys(email, address).values()]
    session.add_all(attempts)
    (commit or session.commit)()
    if is_throttled(session, email, address, now, counting_this_try=True):
        for attempt in attempts:
            session.delete(attempt)
        raise DomainError(N_("Too many failed attempts. Try again in {minutes} minutes."),
                          minutes=int(THROTTLE_WINDOW.total_seconds() // 60))
    user = session.scalar(sa.select(User).where(User.email == email))
    if user is None or not user.is_active:
        check_password_hash(_decoy_hash(), password)
        raise DomainError(N_("Wrong email or password."))
    if not check_password_hash(user.password_hash, password):
        raise DomainError(N_("Wrong email or password."))
    for attempt in attempts:
        attempt.succeeded = True
    user.last_login_at = now
    return user


def end_sessions(user: User) -> None:
    """Every session of this user stops working at its next request (logout, password change)."""
    user.session_version = (user.session_version or 0) + 1


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
