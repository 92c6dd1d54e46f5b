"""``flask rates list|add``: the published interest rates administrators maintain (legal rate, ECB rate)."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from campaigns import rates
from campaigns.errors import ValidationError, plain_params

from ..extensions import db
from . import fail

rates_cli = AppGroup("rates", help="The legal interest rate and the ECB rate, by half-year.")


@rates_cli.command("list")
def list_rates():
    """Every rate recorded, newest half-year first, with the late-payment default (ECB + 10 points)."""
    for half in rates.half_years(db.session):
        for kind, row in (("legal", half.legal), ("ecb", half.ecb)):
            if row is not None:
                extra = f"  (late-payment default {half.default_late_rate} %)" if kind == "ecb" else ""
                click.echo(f"{half.label.replace('-', ' ')}  {kind:5}  {row.rate:>7} %  {row.source}{extra}")


@rates_cli.command("add")
@click.argument("kind", type=click.Choice(sorted(rates.KINDS)))
@click.argument("half_year", metavar="YYYY-H1|YYYY-H2")
@click.argument("rate", metavar="PERCENT")
@click.option("--source", required=True, help="Where it was published (the ECB decision, the legal-rate order).")
def add_rate(kind, half_year, rate, source):
    """Record the rate of a half-year (``legal`` or ``ecb``), e.g. ``flask rates add legal 2026-H2 2,62``."""
    try:
        row = rates.add_rate(db.session, None, kind, half_year, rate, source)
    except ValidationError as exc:
        db.session.rollback()
        fail(" ".join(err.message.format(**plain_params(err.params)) for err in exc.errors.values()))
    db.session.commit()
    click.echo(f"{kind} rate of {rates.half_year_label(row.starts_on)}: {row.rate} %.")
