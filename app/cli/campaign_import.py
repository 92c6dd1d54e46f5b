"""``flask campaign create|import|assign|start|pause``: the import and set-up without the browser."""
from __future__ import annotations

import json
from pathlib import Path

import click
import sqlalchemy as sa
from flask import current_app

from campaigns import management
from campaigns.errors import DomainError, ValidationError
from campaigns.importing import service
from campaigns.importing.customers import FIELDS as CUSTOMER_FIELDS
from campaigns.importing.mapping import FIELDS, PAYMENT_FIELDS, fields_for
from campaigns.models import Campaign, ImportKind, UpdateLine
from campaigns.money import decimal_string, format_eur

from ..extensions import db
from . import campaign_cli, fail


def _message(exc: DomainError) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(_message(e) for e in exc.errors.values())
    return str(exc)


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
@click.option("--payments", is_flag=True, help="A payments list: invoice, amount paid, payment date (only the "
                                              "invoices named change).")
@click.option("--update", is_flag=True, help="A complete new balance: every open invoice; those absent are "
                                            "taken as paid.")
@click.option("--map", "maps", multiple=True, metavar="FIELD=COLUMN",
              help=f"Override the mapping; fields: {', '.join(FIELDS)}; for --payments: {', '.join(PAYMENT_FIELDS)}.")
@click.option("--sheet", help="The sheet to read in a workbook.")
@click.option("--customers", "customers_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The client's customers (code, name, phones, e-mails, SIRET, address, language...), joined to the "
                   "invoices by the customer code. A customers sheet beside the invoices is joined without it.")
@click.option("--customers-map", "customers_maps", multiple=True, metavar="FIELD=COLUMN",
              help=f"Override the customers mapping; fields: {', '.join(CUSTOMER_FIELDS)}.")
@click.option("--customers-sheet", help="The customers sheet (of the workbook, or of --customers); '-' for none.")
@click.option("--dry-run", is_flag=True, help="Check everything, write nothing.")
@click.option("--yes", is_flag=True, help="Apply a complete balance even when more than a third of the open "
                                          "amount would be taken as paid.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (with --dry-run: every change).")
def import_file(campaign_id, file, payments, update, maps, sheet, customers_file, customers_maps, customers_sheet,
                dry_run, yes, as_json):
    """Load a receivables file (or, during the mission, a payments list or a new balance), all or nothing."""
    if payments and update:
        fail("--payments and --update are two kinds of file: give one of them.")
    kind = ImportKind.PAYMENTS if payments else ImportKind.UPDATE if update else ImportKind.INITIAL
    campaign = _campaign(campaign_id)
    folder = current_app.config["UPLOAD_FOLDER"]
    max_bytes = current_app.config.get("MAX_UPLOAD_MB", 100) * 1_000_000
    fields = fields_for(payments)
    changes = None
    try:
        batch = service.store_upload(db.session, campaign, file.name, file.read_bytes(), folder, kind=kind,
                                     max_bytes=max_bytes, customers_file=customers_file and (
                                         customers_file.name, customers_file.read_bytes()))
        service.choose_customers(batch, customers_sheet)
        analysis = service.analyse(db.session, batch, sheet)
        mapping = analysis.suggested
        overrides = _overrides(maps, fields, "--map")
        mapping.update(overrides)
        doubts = [c for c in analysis.plan.uncertain() if c.field not in overrides]
        customers_mapping = None
        if analysis.customers is not None:
            customers_overrides = _overrides(customers_maps, CUSTOMER_FIELDS, "--customers-map")
            customers_mapping = {**analysis.customers.suggested, **customers_overrides}
            customer_doubts = [c for c in analysis.customers.plan.uncertain() if c.field not in customers_overrides]
        elif customers_maps:
            fail("--customers-map: there is no customers table to join (give one with --customers).")
        if doubts or (analysis.customers is not None and customer_doubts):
            fail(_uncertain(doubts, customer_doubts if analysis.customers is not None else []))
        result = service.check(db.session, batch, mapping, sheet, customers_chosen=customers_mapping)
        summary = batch.changes_summary or {}
        if kind.is_update:
            changes = _changes(batch)
        absent = summary.get("absent_paid", 0)
        if not dry_run:
            if absent and summary.get("needs_typed_confirmation") and not yes:
                fail(f"{absent} invoices absent from this file ({format_eur(summary['absent_cents'])} of "
                     f"{format_eur(summary['open_cents'])} still open, more than a third) would be taken as paid. "
                     "Check that it is the complete balance, then run again with --yes; a list of payments "
                     "goes with --payments.")
            service.confirm(db.session, batch, absent_acknowledged=True, typed=str(absent))
            service.apply(db.session, batch, result=result)
            if kind.is_update:
                changes = _changes(batch)
    except DomainError as exc:
        db.session.rollback()
        fail(_message(exc))
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    output = result.as_dict()
    output.update(batch_id=None if dry_run else batch.id, applied=not dry_run, kind=kind.value,
                  summary=batch.changes_summary if kind.is_update else None, changes=changes)
    if as_json:
        click.echo(json.dumps(output, ensure_ascii=False))
        return
    click.echo(f"Rows read {result.rows_read}: accepted {result.accepted}, rejected {result.rejected}, "
               f"skipped (totals, blank) {result.skipped}.")
    if kind is ImportKind.PAYMENTS:
        click.echo(f"{result.accepted} payments, total paid {format_eur(result.total_paid_cents, result.currency)}.")
    else:
        totals = ", ".join(f"{format_eur(cents, currency)} ({count} invoices)" if len(result.by_currency) > 1
                           else format_eur(cents, currency) for currency, (count, cents) in result.by_currency.items())
        click.echo(f"{len(result.debtors)} debtors, {len(result.invoices)} invoices, total outstanding {totals}.")
        if result.join:
            join = result.join
            click.echo(f"Customers from {'the file' if join.source == 'file' else 'the sheet'} “{join.name}”: "
                       f"{join.customers} read, {join.matched_debtors} debtors found there, "
                       f"{join.unmatched_invoices} invoices whose customer code is in no customer row"
                       + (f" ({', '.join(join.unmatched_keys)})" if join.unmatched_keys else "") + ".")
    for r in result.rejections[:50]:
        click.echo(f"  row {r.row}, {r.column}: {r.reason}")
    if result.rejected > 50:
        click.echo(f"  ... and {result.rejected - 50} more rejected rows.")
    if kind.is_update:
        _echo_changes(batch.changes_summary or {}, changes or [])
    click.echo("Dry run: nothing written." if dry_run else f"Applied as import {batch.id}.")


def _overrides(items, fields, option: str) -> dict[str, list[str]]:
    overrides: dict[str, list[str]] = {}
    for item in items:
        field, sep, column = item.partition("=")
        if not sep or field not in fields:
            fail(f"{option} expects FIELD=COLUMN with FIELD among {', '.join(fields)}: got {item!r}.")
        overrides.setdefault(field, []).append(column)
    return overrides


def _uncertain(doubts, customer_doubts=()) -> str:
    """Why the mapping is refused, and the --map (or --customers-map) that would settle each doubt."""
    lines = ["The file's contents do not bear out this mapping; nothing was loaded:"]
    for choice, option in [(c, "--map") for c in doubts] + [(c, "--customers-map") for c in customer_doubts]:
        columns = ", ".join(f"“{c}”" for c in choice.columns) or "no column"
        params = {k: ", ".join(f"“{c}”" for c in v) if isinstance(v, list) else v for k, v in choice.params.items()}
        lines.append(f"  {choice.field}: {columns} ({choice.reason.format(**params)})")
        candidates = choice.params.get("columns") or choice.columns
        lines.append("    settle it with " + " or ".join(f'{option} {choice.field}="{c}"' for c in candidates))
    return "\n".join(lines)


CHANGE_WORDS = {"paid": "paid", "partly_paid": "partly paid", "overpaid": "overpaid (set to zero)",
                "increased": "increased", "new": "new", "absent_paid": "absent, taken as paid",
                "matched": "matched in the ledger, paid",
                "unknown": "unknown invoice, not applied", "already_paid": "already paid, not applied",
                "ambiguous": "several customers share this number, not applied",
                "kept_rejected": "row rejected, left as it was",
                "bad_reference": "payment reference with wrong check digits, not applied"}


def _changes(batch) -> list[dict]:
    """Every line of the batch's preview (or record), for the JSON output."""
    lines = db.session.scalars(sa.select(UpdateLine).where(UpdateLine.batch_id == batch.id).order_by(UpdateLine.seq))
    return [{"row": line.row_number, "invoice": line.invoice_number, "debtor": line.debtor_name,
             "change": line.kind.value, "applied": line.kind.applied,
             "before": None if line.before_cents is None else decimal_string(line.before_cents),
             "after": None if line.after_cents is None else decimal_string(line.after_cents),
             "paid": None if line.paid_cents is None else decimal_string(line.paid_cents),
             "paid_on": line.paid_on and line.paid_on.isoformat(), "reference": line.payment_reference,
             "promise": line.promise_status}
            for line in lines]


def _echo_changes(summary: dict, changes: list[dict]) -> None:
    counts = [f"{CHANGE_WORDS[k]} {summary[k]}" for k in CHANGE_WORDS if summary.get(k)]
    click.echo("Changes: " + (", ".join(counts) or "none") + f"; unchanged {summary.get('unchanged', 0)}.")
    if summary.get("absent_paid"):
        click.echo(f"Warning: {summary['absent_paid']} invoices absent from the file "
                   f"({format_eur(summary['absent_cents'])}) are taken as paid.")
    for change in changes[:50]:
        promise = f", promise {change['promise'].replace('_', ' ')}" if change["promise"] else ""
        amounts = f" {change['before'] or '-'} -> {change['after'] or '-'}" if change["applied"] else ""
        click.echo(f"  {change['invoice']} ({change['debtor'] or '?'}): {CHANGE_WORDS[change['change']]}"
                   f"{amounts}{promise}")
    if len(changes) > 50:
        click.echo(f"  ... and {len(changes) - 50} more lines (--json lists them all).")


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
