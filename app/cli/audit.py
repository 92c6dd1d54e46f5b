"""``flask audit verify``: recompute a campaign's hash chains and say where one breaks."""
from __future__ import annotations

import sys
from zoneinfo import ZoneInfo

import click
from flask.cli import AppGroup

from campaigns import evidence
from campaigns.models import Campaign

from ..extensions import db
from . import fail

audit_cli = AppGroup("audit", help="Check the contact log's integrity.")


@audit_cli.command("verify")
@click.argument("campaign_id", type=int)
@click.option("--debtor", "debtor_id", type=int, default=None, help="Check only this debtor's chain.")
@click.option("--head", default=None, help="A head printed on a letter: say which event it closed.")
def verify_command(campaign_id, debtor_id, head):
    """Recompute the chains of CAMPAIGN_ID (each debtor's and the campaign's own); exit 1 if one breaks."""
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        fail(f"No campaign {campaign_id}.")
    zone = campaign.timezone or "Europe/Paris"
    result = evidence.verify(db.session, campaign_id, debtor_id, head=head)
    scope = f"debtor {debtor_id} of campaign {campaign_id}" if debtor_id else f"campaign {campaign_id}"
    click.echo(f"{scope} ({campaign.name}): {result.events} events in {len(result.heads)} chain(s).")
    for moment, count in sorted(result.purged.items()):
        click.echo(f"  {count} event(s) purged of personal data on "
                   f"{moment.astimezone(ZoneInfo(zone)):%Y-%m-%d %H:%M} ({zone}); their digests are kept.")
    if head is not None:
        if result.found_head:
            chain, seq, at = result.found_head
            click.echo(f"  head {head[:16]}… closed event {seq} of {chain}, chained "
                       f"{at.astimezone(ZoneInfo(zone)):%Y-%m-%d %H:%M} ({zone}).")
        else:
            click.echo(f"  head {head[:16]}… is the hash of no event in this scope.")
    if result.ok and (head is None or result.found_head):
        click.echo(f"Intact. Head: {result.head if result.heads else 'none (no event yet)'}")
        return
    for found in result.breaks:
        click.echo("  BROKEN " + found.describe(zone))
    click.echo(f"{len(result.breaks)} alteration(s) found." if result.breaks else "The head was not found.")
    sys.exit(1)
