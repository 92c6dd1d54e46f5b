"""Accounts, throttling and UTC timestamps against a real database."""
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from campaigns import accounts
from campaigns.errors import DomainError, ValidationError
from campaigns.models import AuditEntry, CallAttempt, ContactResult, Role


def test_a_user_is_created_with_a_hashed_password_and_an_audit_entry(session):
    user = accounts.create_user(session, " Nadia@Example.FR ", "Nadia", Role.AGENT, "bonjour-2026")
    assert user.email == "nadia@example.fr"
    assert "bonjour-2026" not in user.password_hash
    entry = session.scalar(sa.select(AuditEntry).where(AuditEntry.entity_id == user.id))
    assert entry.action == "user.create"


def test_weak_passwords_and_clients_without_company_are_refused(session):
    with pytest.raises(ValidationError) as err:
        accounts.create_user(session, "c@example.fr", "C", Role.CLIENT, "short")
    assert set(err.value.errors) == {"password", "client_company_id"}


def test_an_account_is_locked_after_five_failures_then_unlocked_after_the_window(session, make):
    user = make.user(Role.AGENT)
    now = datetime(2026, 11, 24, 9, 0, tzinfo=timezone.utc)
    for _ in range(5):
        with pytest.raises(DomainError):
            accounts.authenticate(session, user.email, "wrong-password-1", "10.0.0.1", now=now)
    with pytest.raises(DomainError, match="Too many failed attempts"):
        accounts.authenticate(session, user.email, "correct-horse-42", "10.0.0.1", now=now)
    later = now + accounts.THROTTLE_WINDOW + timedelta(seconds=1)
    assert accounts.authenticate(session, user.email, "correct-horse-42", "10.0.0.1", now=later) == user


def test_timestamps_come_back_timezone_aware_in_utc(session, make):
    campaign = make.campaign()
    debtor = make.debtor(campaign)
    paris_time = datetime(2026, 11, 24, 10, 30, tzinfo=timezone(timedelta(hours=1)))
    session.add(CallAttempt(campaign_id=campaign.id, debtor_id=debtor.id, started_at=paris_time,
                            result=ContactResult.NO_ANSWER))
    session.commit()
    session.expire_all()
    stored = session.scalar(sa.select(CallAttempt.started_at))
    assert stored.tzinfo is not None
    assert stored == datetime(2026, 11, 24, 9, 30, tzinfo=timezone.utc)


def test_naive_datetimes_are_refused(session, make):
    campaign = make.campaign()
    debtor = make.debtor(campaign)
    session.add(CallAttempt(campaign_id=campaign.id, debtor_id=debtor.id, started_at=datetime(2026, 1, 1),
                            result=ContactResult.BUSY))
    with pytest.raises(Exception, match="naive datetime"):
        session.flush()
