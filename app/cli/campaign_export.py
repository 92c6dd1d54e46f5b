"""``flask campaign export`` (the recap workbook) and ``flask campaign purge-due`` (retention)."""
import time

import click
from flask import current_app

from campaigns import supervision
from campaigns.errors import DomainError
from campaigns.models import Campaign
from campaigns.recap import write_enriched, write_recap

from ..extensions import db
from . import campaign_cli, fail


@campaign_cli.command("export")
@click.argument("campaign_id", type=int)
@click.argument("out", type=click.Path(dir_okay=False, writable=True))
@click.option("--final", is_flag=True, help="The final recap (logged; required before the purge).")
@click.option("--enriched", is_flag=True, help="Write the client's own file with the outcome columns instead.")
def export(campaign_id, out, final, enriched):
    """Write the recap workbook of CAMPAIGN_ID to OUT (.xlsx)."""
    if db.session.get(Campaign, campaign_id) is None:
        fail(f"No campaign {campaign_id}.")
    started = time.perf_counter()
    try:
        if enriched:
            result = write_enriched(db.session, campaign_id, out)
            click.echo(f"{out}: {result['rows']} rows, {result['matched']} with an outcome.")
        else:
            def progress(done, total):
                click.echo(f"\r  {done}/{total} invoices", nl=False, err=True)
            totals = write_recap(db.session, campaign_id, out, final=final, progress=progress)
            click.echo("", err=True)
            click.echo(f"{out}: {'final' if final else 'interim'} recap, {totals['Factures']} invoices, "
                       f"{totals['Appels']} calls, Montant dû {totals['montant_du_cents'] / 100:.2f}.")
    except DomainError as exc:
        fail(str(exc))
    db.session.commit()
    click.echo(f"Written in {time.perf_counter() - started:.1f} s.")


@campaign_cli.command("purge-due")
@click.option("--dry-run", is_flag=True)
def purge_due(dry_run):
    """Purge personal data of closed campaigns whose retention period has passed (the worker does it daily)."""
    if dry_run:
        for campaign in supervision.purge_due(db.session):
            click.echo(f"would purge campaign {campaign.id} ({campaign.name})")
        return
    for result in supervision.purge_all_due(db.session, current_app.config["EXPORT_FOLDER"]):
        if result.counts is None:
            click.echo(f"campaign {result.campaign_id}: {result.refusal}", err=True)
        else:
            click.echo(f"purged campaign {result.campaign_id}: {result.counts['debtors']} debtors anonymised, "
                       f"{result.files} files deleted (uploads and recaps)")
    db.session.commit()
