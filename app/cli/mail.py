"""``flask mail send`` and ``flask mail outbox``: what the worker does every minute, by hand."""
from __future__ import annotations

import json
from datetime import datetime, timezone

import click
from flask.cli import AppGroup

from campaigns import mail
from campaigns.errors import DomainError
from campaigns.models import Campaign

from ..extensions import db
from ..worker.mail import send_due
from . import fail

mail_cli = AppGroup("mail", help="Send the e-mails that are due; list a campaign's messages.")


@mail_cli.command("send")
@click.option("--now", "now", default=None, help="Send as if it were this moment (ISO 8601, UTC if no zone).")
def send_command(now):
    """Queue the reminders of tomorrow's promised dates and send every message whose time has come."""
    try:
        done = send_due(_moment(now))
    except DomainError as exc:
        fail(str(exc))
    click.echo(f"{done.sent} sent, {done.retried} to retry, {done.failed} failed"
               + (f", {done.cancelled} no longer due." if done.cancelled else "."))


@mail_cli.command("digest")
@click.option("--now", "now", default=None, help="As if it were this moment (ISO 8601, UTC if no zone).")
def digest_command(now):
    """Queue today's digests for the client users and the managers (from 08:00 Paris time, once a day)."""
    from ..worker.mail import queue_digests
    click.echo(f"{queue_digests(_moment(now))} digests queued; `flask mail send` sends them.")


def _moment(now):
    if not now:
        return None
    try:
        moment = datetime.fromisoformat(now)
    except ValueError:
        fail(f"--now {now!r} is not a date and time (for example 2026-12-08T09:00).")
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


@mail_cli.command("outbox")
@click.argument("campaign_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per message.")
def outbox_command(campaign_id, as_json):
    """The campaign's messages, newest first, with their status and the server's answer."""
    if db.session.get(Campaign, campaign_id) is None:
        fail(f"No campaign {campaign_id}.")
    rows = [{"id": m.id, "kind": m.kind, "to": m.recipients, "subject": m.subject, "status": m.status.value,
             "attempts": m.attempts, "next_attempt_at": m.next_attempt_at.isoformat(),
             "sent_at": m.sent_at.isoformat() if m.sent_at else None, "server_answer": m.last_error,
             "refused": m.refused or []}
            for m in mail.messages_of(db.session, campaign_id)]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    if not rows:
        click.echo("No message.")
    for row in rows:
        answer = f" — {row['server_answer']}" if row["server_answer"] else ""
        click.echo(f"#{row['id']} {row['status']:<6} {row['kind']} to {', '.join(row['to'])}: {row['subject']}{answer}")
