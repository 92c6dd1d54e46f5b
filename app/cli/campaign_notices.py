"""``flask campaign notice``, ``notices-zip`` and ``notice-tracking``: the formal notices of approved debtors,
written from the command line, and the postal service's tracking file."""
from __future__ import annotations

from pathlib import Path

import click
import sqlalchemy as sa
from flask import current_app

from campaigns import notices
from campaigns.errors import DomainError, ValidationError
from campaigns.money import format_eur
from campaigns.models import Role, User
from campaigns.notices import tracking

from ..extensions import db
from . import campaign_cli, fail
from .campaign_escalation import _campaign


def _issuer(email: str | None) -> User | None:
    if email is None:
        return None
    user = db.session.scalar(sa.select(User).where(sa.func.lower(User.email) == email.strip().lower()))
    if user is None or not user.is_active or user.role not in (Role.MANAGER, Role.ADMIN):
        fail(f"No active manager or administrator with the e-mail {email}.")
    return user


@campaign_cli.command("notice")
@click.argument("campaign_id", type=int)
@click.argument("debtor_id", type=int)
@click.argument("out", type=click.Path(dir_okay=False, writable=True))
@click.option("--by", "email", default=None, help="The manager who issues it (recorded in the audit log).")
def notice_command(campaign_id, debtor_id, out, email):
    """Write the formal notice of one approved debtor to OUT (a PDF); the same letter if already written."""
    campaign = _campaign(campaign_id)
    try:
        notice = notices.issue(db.session, campaign, debtor_id, _issuer(email),
                               provider=current_app.config.get("PROVIDER"))
    except DomainError as exc:
        db.session.rollback()
        fail(str(exc))
    db.session.commit()
    if not notice.pdf:
        fail("This letter was erased with the campaign's personal data (its sha256 is kept: "
             f"{notice.pdf_sha256}).")
    Path(out).write_bytes(notice.pdf)
    click.echo(f"{notice.reference}: {format_eur(notice.total_cents)} claimed, to pay by "
               f"{notice.deadline_on:%d/%m/%Y}; written to {out} (sha256 {notice.pdf_sha256}).")


@campaign_cli.command("notices-zip")
@click.argument("campaign_id", type=int)
@click.argument("out", type=click.Path(dir_okay=False, writable=True))
@click.option("--by", "email", default=None, help="The manager who issues them (recorded in the audit log).")
def notices_zip_command(campaign_id, out, email):
    """Write every approved debtor's formal notice into one zip at OUT."""
    campaign = _campaign(campaign_id)
    try:
        result = notices.write_zip(db.session, campaign, _issuer(email), Path(out),
                                   provider=current_app.config.get("PROVIDER"), commit=db.session.commit,
                                   progress=lambda done, total: click.echo(f"\r{done}/{total}", nl=False, err=True))
    except DomainError as exc:
        db.session.rollback()
        fail(str(exc))
    db.session.commit()
    click.echo("", err=True)
    for name, reason in result["refused"]:
        click.echo(f"not written: {name}: {reason}", err=True)
    click.echo(f"{result['written']} letters written to {out}.")


@campaign_cli.command("notice-tracking")
@click.argument("campaign_id", type=int)
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def notice_tracking_command(campaign_id, file):
    """Load a tracking file (CSV: reference, mode d'envoi, n° de suivi, dates d'envoi / réception / refus)."""
    campaign = _campaign(campaign_id)
    try:
        result = tracking.load_csv(db.session, campaign, Path(file).read_bytes(), None, file_name=Path(file).name)
    except ValidationError as exc:
        db.session.rollback()
        fail("Nothing was recorded:\n" + "\n".join(str(e) for e in exc.errors.values()))
    db.session.commit()
    click.echo(f"{result.updated} notices updated, {result.unchanged} unchanged.")
