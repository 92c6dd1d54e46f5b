"""``flask campaign queue CAMPAIGN_ID [--top N]``: who the agents will call next, and why."""
from __future__ import annotations

import click

from campaigns import queue
from campaigns.models import Campaign
from campaigns.money import format_eur

from ..extensions import db
from . import campaign_cli, fail


@campaign_cli.command("queue")
@click.argument("campaign_id", type=int)
@click.option("--top", default=20, show_default=True, help="How many debtors to show.")
@click.option("--tick/--no-tick", default=True, show_default=True,
              help="Judge promises past due and recompute priorities first.")
def queue_command(campaign_id: int, top: int, tick: bool) -> None:
    """Print the next debtors in order with the reasons for their place."""
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        fail(f"No campaign with id {campaign_id}.")
    if tick:
        queue.tick(db.session, campaign_id)
        db.session.commit()
    debtors = queue.next_debtors(db.session, campaign_id, top)
    if not debtors:
        click.echo("Nobody to call now.")
        return
    for rank, debtor in enumerate(debtors, start=1):
        reasons = "; ".join(t.format(**p) for t, p in queue.explain(db.session, debtor))
        click.echo(f"{rank:>3}. [{debtor.priority:7.2f}] {debtor.company_name or debtor.customer_code} "
                   f"({format_eur(debtor.total_outstanding_cents)}) - {reasons}")
