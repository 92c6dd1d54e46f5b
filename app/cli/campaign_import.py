"""``flask campaign create|import|assign|start|pause``: the import and set-up without the browser."""
from __future__ import annotations

import json
from pathlib import Path

import click
from flask import current_app

from campaigns import management
from campaigns.errors import DomainError, ValidationError
from campaigns.importing import service
from campaigns.importing.mapping import FIELDS
from campaigns.models import Campaign, ImportKind
from campaigns.money import format_eur

from ..extensions import db
from . import campaign_cli, fail


def _message(exc: DomainError) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(_message(e) for e in exc.errors.values())
    return exc.message.format(**exc.params) if exc.params else exc.message


def _campaign(campaign_id: int) -> Campaign:
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        fail(f"No campaign with id {campaign_id}.")
    return campaign


@campaign_cli.command("create")
@click.option("--client", "client_name", required=True, help="Client company (created when new).")
@click.option("--name", required=True)
@click.option("--start", type=click.DateTime(["%Y-%m-%d"]))
@click.option("--end", type=click.DateTime(["%Y-%m-%d"]))
def create(client_name, name, start, end):
    """Create a draft campaign; prints its id on the last line."""
    try:
        campaign = management.create_campaign(db.session, client_name, name, start and start.date(),
                                              end and end.date())
    except DomainError as exc:
        fail(_message(exc))
    db.session.commit()
    click.echo(f"Campaign « {campaign.name} » created for {client_name}.")
    click.echo(campaign.id)


@campaign_cli.command("import")
@click.argument("campaign_id", type=int)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--update", is_flag=True, help="An update file: reconcile payments instead of a first load.")
@click.option("--map", "maps", multiple=True, metavar="FIELD=COLUMN", help=f"Override the mapping; fields: {', '.join(FIELDS)}.")
@click.option("--sheet", help="The sheet to read in a workbook.")
@click.option("--dry-run", is_flag=True, help="Check everything, write nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def import_file(campaign_id, file, update, maps, sheet, dry_run, as_json):
    """Load a receivables (or update) file into a campaign, all or nothing."""
    campaign = _campaign(campaign_id)
    folder = current_app.config["UPLOAD_FOLDER"]
    max_bytes = current_app.config.get("MAX_UPLOAD_MB", 100) * 1_000_000
    try:
        batch = service.store_upload(db.session, campaign, file.name, file.read_bytes(), folder,
                                     kind=ImportKind.UPDATE if update else ImportKind.INITIAL, max_bytes=max_bytes)
        mapping = service.analyse(db.session, batch, sheet).suggested
        overrides: dict[str, list[str]] = {}
        for item in maps:
            field, sep, column = item.partition("=")
            if not sep or field not in FIELDS:
                fail(f"--map expects FIELD=COLUMN with FIELD among {', '.join(FIELDS)}: got {item!r}.")
            overrides.setdefault(field, []).append(column)
        mapping.update(overrides)
        result = service.check(db.session, batch, mapping, sheet)
        if not dry_run:
            service.confirm(db.session, batch)
            service.apply(db.session, batch, result=result)
    except DomainError as exc:
        db.session.rollback()
        fail(_message(exc))
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    summary = result.as_dict()
    summary.update(batch_id=None if dry_run else batch.id, applied=not dry_run,
                   changes=batch.changes_summary if update else None)
    if as_json:
        click.echo(json.dumps(summary, ensure_ascii=False))
        return
    click.echo(f"Rows read {result.rows_read}: accepted {result.accepted}, rejected {result.rejected}, "
               f"skipped (totals, blank) {result.skipped}.")
    click.echo(f"{len(result.debtors)} debtors, {len(result.invoices)} invoices, "
               f"total outstanding {format_eur(result.total_outstanding_cents, result.currency)}.")
    for r in result.rejections[:50]:
        click.echo(f"  row {r.row}, {r.column}: {r.reason}")
    if result.rejected > 50:
        click.echo(f"  ... and {result.rejected - 50} more rejected rows.")
    if update and batch.changes_summary:
        click.echo("Changes: " + ", ".join(f"{k} {v}" for k, v in batch.changes_summary.items()))
    click.echo("Dry run: nothing written." if dry_run else f"Applied as import {batch.id}.")


@campaign_cli.command("assign")
@click.argument("campaign_id", type=int)
@click.argument("emails", nargs=-1, required=True)
def assign(campaign_id, emails):
    """Assign negotiators (by email) to a campaign."""
    campaign = _campaign(campaign_id)
    try:
        management.assign_by_email(db.session, campaign, list(emails))
    except DomainError as exc:
        fail(_message(exc))
    db.session.commit()
    click.echo(f"{len(campaign.agents)} negotiators on campaign {campaign.id}.")


def _status_command(action: str):
    @campaign_cli.command(action)
    @click.argument("campaign_id", type=int)
    def command(campaign_id):
        campaign = _campaign(campaign_id)
        try:
            management.change_status(db.session, campaign, action)
        except DomainError as exc:
            fail(_message(exc))
        db.session.commit()
        click.echo(f"Campaign {campaign.id} is now {campaign.status.value}.")
    command.__doc__ = f"{action.capitalize()} a campaign."
    return command


start = _status_command("start")
pause = _status_command("pause")
