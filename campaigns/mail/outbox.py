"""The outbox: messages queued with what caused them, and the sending of those that are due."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from .. import audit, clock
from ..models import DebtorAccount, MessageStatus, OutboundMessage
from .transports import PermanentFailure, TemporaryFailure

# Minutes before each new try after a temporary failure; past the last one the message has failed.
BACKOFF_MINUTES = (1, 5, 15, 60, 240, 720)
BATCH = 100


def deliverable_addresses(debtor: DebtorAccount) -> list[str]:
    """The debtor's e-mail addresses, less those a server refused for good; none if it wants no e-mail."""
    if debtor.no_email:
        return []
    invalid = {a.strip().lower() for a in (debtor.invalid_emails or "").split(",") if a.strip()}
    seen, addresses = set(), []
    for address in (debtor.emails or "").replace(";", ",").split(","):
        address = address.strip()
        if address and "@" in address and address.lower() not in invalid and address.lower() not in seen:
            seen.add(address.lower())
            addresses.append(address)
    return addresses


def queue(session: Session, *, kind: str, recipients: list[str], subject: str, body: str,
          campaign_id: int | None = None, debtor_id: int | None = None, language: str = "fr",
          reply_to: str | None = None, due_at: datetime | None = None, sender_domain: str = "relance.local",
          about: str | None = None) -> OutboundMessage:
    """Queue one message in the caller's transaction: it is sent only if that transaction commits."""
    message = OutboundMessage(campaign_id=campaign_id, debtor_id=debtor_id, kind=kind, about=about, language=language,
                              recipients=list(recipients), reply_to=reply_to, subject=subject, body=body,
                              message_id=make_msgid(domain=sender_domain), next_attempt_at=due_at or clock.now())
    session.add(message)
    session.flush()
    return message


def messages_of(session: Session, campaign_id: int, status: MessageStatus | None = None,
                limit: int | None = None, offset: int = 0) -> list[OutboundMessage]:
    """A campaign's messages (of one status), newest first."""
    query = sa.select(OutboundMessage).where(OutboundMessage.campaign_id == campaign_id)
    if status is not None:
        query = query.where(OutboundMessage.status == status)
    return session.scalars(query.options(selectinload(OutboundMessage.debtor))
                           .order_by(OutboundMessage.id.desc()).offset(offset).limit(limit)).all()


def counts_of(session: Session, campaign_id: int) -> dict[MessageStatus, int]:
    """How many messages of the campaign are in each status."""
    found = dict(session.execute(sa.select(OutboundMessage.status, sa.func.count()).where(
        OutboundMessage.campaign_id == campaign_id).group_by(OutboundMessage.status)).all())
    return {status: found.get(status, 0) for status in MessageStatus}


@dataclass
class Refusal:
    """A debtor address a mail server refused for good, and when (from the audit log)."""
    debtor_id: int
    debtor_name: str
    address: str
    refused_at: datetime | None


def refused_count(session: Session, campaign_id: int) -> int:
    """How many addresses of the campaign's debtors a server refused for good (the dashboard's tag)."""
    return sum(len([a for a in invalid.split(",") if a]) for invalid in session.scalars(
        sa.select(DebtorAccount.invalid_emails).where(DebtorAccount.campaign_id == campaign_id,
                                                      DebtorAccount.invalid_emails.is_not(None))))


def refused_addresses(session: Session, campaign_id: int) -> list[Refusal]:
    """Every address of the campaign's debtors refused for good, newest first: the manager finds another."""
    from ..models import AuditEntry
    debtors = session.execute(sa.select(DebtorAccount.id, sa.func.coalesce(DebtorAccount.company_name,
                                                                           DebtorAccount.customer_code),
                                        DebtorAccount.invalid_emails)
                              .where(DebtorAccount.campaign_id == campaign_id,
                                     DebtorAccount.invalid_emails.is_not(None))).all()
    when: dict[tuple[int, str], datetime] = {}
    if debtors:
        for debtor_id, at, details in session.execute(
                sa.select(AuditEntry.debtor_id, AuditEntry.at, AuditEntry.details)
                .where(AuditEntry.campaign_id == campaign_id, AuditEntry.action == "debtor.email_refused")):
            for address in (details or {}).get("emails", []):
                when[(debtor_id, address.lower())] = at
    found = [Refusal(debtor_id, name or "", address, when.get((debtor_id, address.lower())))
             for debtor_id, name, invalid in debtors for address in invalid.split(",") if address]
    return sorted(found, key=lambda r: (r.refused_at is None, r.refused_at), reverse=True)


@dataclass
class Sending:
    """What one run of ``send_due`` did."""
    sent: int = 0
    retried: int = 0
    failed: int = 0
    cancelled: int = 0


def send_due(session: Session, transport, sender: str, now: datetime | None = None) -> Sending:
    """Send every queued message whose time has come, one transaction per message (so a crash sends
    again at most the one message in flight). Several workers may run it at once: each message is taken
    by one of them (row locks, SKIP LOCKED)."""
    now = clock.now(now)
    done = Sending()
    with transport:
        while True:
            message = session.scalars(
                sa.select(OutboundMessage).where(OutboundMessage.status == MessageStatus.QUEUED,
                                                 OutboundMessage.next_attempt_at <= now)
                .order_by(OutboundMessage.next_attempt_at, OutboundMessage.id).limit(1)
                .with_for_update(skip_locked=True)).first()
            if message is None:
                break
            if _still_wanted(session, message):
                _send_one(session, transport, sender, message, now, done)
            else:
                message.status = MessageStatus.CANCELLED
                done.cancelled += 1
            session.commit()
    return done


def _still_wanted(session: Session, message: OutboundMessage) -> bool:
    """Not sent: anything to a debtor who asked for no e-mail since it was queued, and a reminder whose
    payment was recorded meanwhile."""
    debtor = session.get(DebtorAccount, message.debtor_id) if message.debtor_id else None
    if debtor is not None and debtor.no_email:
        return False
    if message.kind == "reminder":
        from .reminders import still_due
        return still_due(session, message)
    return True


def _send_one(session: Session, transport, sender: str, message: OutboundMessage, now: datetime,
              done: Sending) -> None:
    message.attempts += 1
    try:
        delivery = transport.send(as_email(message, sender, now))
    except TemporaryFailure as exc:
        message.last_error = str(exc)[:500]
        if message.attempts > len(BACKOFF_MINUTES):
            message.status = MessageStatus.FAILED
            done.failed += 1
        else:
            message.next_attempt_at = now + timedelta(minutes=BACKOFF_MINUTES[message.attempts - 1])
            done.retried += 1
        return
    except PermanentFailure as exc:
        message.status, message.last_error = MessageStatus.FAILED, str(exc)[:500]
        done.failed += 1
        _audit(session, message, "message.failed")
        return
    if delivery.refused:
        message.refused = sorted(delivery.refused)
        message.last_error = "; ".join(f"{a}: {answer}" for a, answer in sorted(delivery.refused.items()))[:500]
        _mark_invalid(session, message, delivery.refused)
    if len(delivery.refused) >= len(message.recipients):
        message.status = MessageStatus.FAILED
        done.failed += 1
        _audit(session, message, "message.failed")
        return
    message.status, message.sent_at = MessageStatus.SENT, now
    done.sent += 1
    _audit(session, message, "message.sent",
           emails=[a for a in message.recipients if a not in delivery.refused])


def as_email(message: OutboundMessage, sender: str, now: datetime) -> EmailMessage:
    """The message as it goes (or went) out: what the server receives, an .eml file, a download."""
    email = EmailMessage()
    email["From"] = sender
    email["To"] = ", ".join(message.recipients)
    if message.reply_to:
        email["Reply-To"] = message.reply_to
    email["Subject"] = message.subject
    email["Date"] = format_datetime(now)
    email["Message-ID"] = message.message_id
    email["X-Relance-Message"] = str(message.id)
    email["X-Relance-Kind"] = message.kind
    email.set_content(message.body)
    email["Content-Language"] = message.language          # after set_content, which resets Content-*
    return email


def _mark_invalid(session: Session, message: OutboundMessage, refused: dict[str, str]) -> None:
    """Addresses refused for good are not written to again; the manager finds why in the audit log."""
    if message.debtor_id is None:
        return
    debtor = session.scalar(sa.select(DebtorAccount).where(DebtorAccount.id == message.debtor_id)
                            .with_for_update())
    known = [a for a in (debtor.invalid_emails or "").split(",") if a]
    added = [a for a in sorted(refused) if a.lower() not in {k.lower() for k in known}]
    if added:
        debtor.invalid_emails = ",".join(known + added)[:500]
        audit.record(session, None, "debtor.email_refused", debtor, campaign_id=debtor.campaign_id,
                     debtor_id=debtor.id, emails=added, message=message.id)


def _audit(session: Session, message: OutboundMessage, action: str, **details) -> None:
    audit.record(session, None, action, message, campaign_id=message.campaign_id, debtor_id=message.debtor_id,
                 kind=message.kind, **details)
