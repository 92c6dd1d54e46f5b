"""``flask campaign escalation`` and ``approve-notice``: who is due for a formal notice, and the client's decision."""
from __future__ import annotations

import json

import click
import sqlalchemy as sa

from campaigns import escalation
from campaigns.errors import DomainError
from campaigns.models import Campaign, User

from ..extensions import db
from . import campaign_cli, fail

REASONS = {escalation.REFUSAL: "refusal", escalation.BROKEN_PROMISES: "broken promises",
           escalation.UNREACHABLE: "unreachable", escalation.OVERDUE: "overdue"}


def _campaign(campaign_id: int) -> Campaign:
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        fail(f"No campaign with id {campaign_id}.")
    return campaign


@campaign_cli.command("escalation")
@click.argument("campaign_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="A JSON list; money as decimal strings in EUR.")
def escalation_command(campaign_id, as_json):
    """The debtors due for a formal notice under the campaign's rules, with their penalties to date."""
    campaign = _campaign(campaign_id)
    rows = escalation.candidates(db.session, campaign)
    if as_json:
        click.echo(json.dumps([c.as_json() for c in rows], ensure_ascii=False))
        return
    if not rows:
        click.echo("No debtor is due for a formal notice.")
    for c in rows:
        click.echo(f"{c.debtor_id}  {c.customer_code or '-'}  {c.company_name or '-'}  "
                   f"owes {c.as_json()['outstanding']} {c.currency}, indemnity {c.as_json()['indemnity']}, "
                   f"interest {c.as_json()['interest']}{' (estimated)' if c.estimated else ''}  "
                   f"[{', '.join(REASONS[r] for r in c.reasons)}]  {c.approval}")


@campaign_cli.command("approve-notice")
@click.argument("campaign_id", type=int)
@click.argument("debtor_id", type=int)
@click.option("--by", "email", required=True, help="The client company's user who decides.")
@click.option("--decline", is_flag=True, help="Do not send a formal notice: calls go on.")
@click.option("--comment", default=None, help="Why (shown to the manager).")
def approve_notice_command(campaign_id, debtor_id, email, decline, comment):
    """Record the client company's decision on one debtor's formal notice, on behalf of one of its users."""
    campaign = _campaign(campaign_id)
    user = db.session.scalar(sa.select(User).where(sa.func.lower(User.email) == email.strip().lower()))
    if user is None or not user.is_active:
        fail(f"No active user with the e-mail {email}.")
    try:
        escalation.decide(db.session, campaign, debtor_id, user, approve=not decline, comment=comment)
    except DomainError as exc:
        db.session.rollback()
        fail(str(exc))
    db.session.commit()
    click.echo(f"Debtor {debtor_id}: formal notice {'declined' if decline else 'approved'} by {user.email}.")
