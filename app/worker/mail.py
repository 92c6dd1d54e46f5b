"""Every minute: send the e-mails that are due (``flask mail send`` by hand); every hour, queue the daily
digests not queued yet (``flask mail digest``)."""
from __future__ import annotations

import logging

from datetime import datetime

from flask import current_app
from huey import crontab

from campaigns import digest, mail
from campaigns.mail import reminders

from ..extensions import db
from .context import in_app
from .store import huey

log = logging.getLogger(__name__)


def send_due(now: datetime | None = None) -> mail.outbox.Sending:
    """Queue the reminders of tomorrow's promised dates, then send the messages due, through MAIL_URL or
    into the outbox folder (``flask mail send`` runs the same)."""
    reminders.queue_due(db.session, now)
    db.session.commit()
    config = current_app.config
    transport = mail.transport_for(config["MAIL_URL"], config["MAIL_OUTBOX"])
    return mail.send_due(db.session, transport, config["MAIL_FROM"], now)


def queue_digests(now: datetime | None = None) -> int:
    """Queue today's digests (from 08:00 Paris time, once per user and day); they go with the next sending."""
    queued = digest.queue_due(db.session, current_app.config["PUBLIC_URL"], now)
    db.session.commit()
    return queued


@huey.periodic_task(crontab(minute="5"))
@in_app
def send_digests() -> int:
    """Every hour at :05: the daily digests not queued yet (a worker down at 08:00 catches up later)."""
    try:
        return queue_digests()
    except Exception:
        db.session.rollback()
        log.exception("queueing the daily digests failed")
        raise


@huey.periodic_task(crontab(minute="*"))
@in_app
def send_mail() -> int:
    try:
        done = send_due()
    except Exception:
        db.session.rollback()
        log.exception("sending the e-mails that are due failed")
        raise
    if done.sent or done.retried or done.failed:
        log.info("mail: %s sent, %s to retry, %s failed", done.sent, done.retried, done.failed)
    return done.sent
