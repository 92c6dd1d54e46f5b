"""``flask rates list|add``: the published interest rates administrators maintain (legal rate, ECB rate)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from campaigns.models import LegalRate

from ..extensions import db
from . import fail

rates_cli = AppGroup("rates", help="The legal interest rate and the ECB rate, by half-year.")
KINDS = {"legal": LegalRate.LEGAL_INTEREST, "ecb": LegalRate.ECB_REFI}


@rates_cli.command("list")
def list_rates():
    """Every rate recorded, newest half-year first."""
    for rate in db.session.scalars(sa.select(LegalRate).order_by(LegalRate.starts_on.desc(), LegalRate.kind)):
        kind = next(k for k, v in KINDS.items() if v == rate.kind)
        half = f"{rate.starts_on.year} H{1 if rate.starts_on.month == 1 else 2}"
        click.echo(f"{half}  {kind:5}  {rate.rate:>7} %  {rate.source}")


@rates_cli.command("add")
@click.argument("kind", type=click.Choice(sorted(KINDS)))
@click.argument("half_year", metavar="YYYY-H1|YYYY-H2")
@click.argument("rate", metavar="PERCENT")
@click.option("--source", required=True, help="Where it was published (the ECB decision, the legal-rate order).")
def add_rate(kind, half_year, rate, source):
    """Record the rate of a half-year (``legal`` or ``ecb``), e.g. ``flask rates add legal 2026-H2 2,62``."""
    try:
        year, half = half_year.upper().split("-H")
        starts_on = date(int(year), 1 if half == "1" else 7, 1)
        if half not in ("1", "2"):
            raise ValueError
    except ValueError:
        fail(f"The half-year is written YYYY-H1 or YYYY-H2: got {half_year!r}.")
    try:
        value = Decimal(rate.replace(",", ".").rstrip("%").strip())
    except InvalidOperation:
        fail(f"The rate is a percentage such as 3,15: got {rate!r}.")
    if not value.is_finite() or not Decimal(-5) < value < Decimal(50):
        fail(f"A rate of {rate} % a year is not plausible.")
    existing = db.session.scalar(sa.select(LegalRate).where(LegalRate.kind == KINDS[kind],
                                                            LegalRate.starts_on == starts_on))
    if existing is not None:
        fail(f"The {kind} rate of {half_year} is already recorded ({existing.rate} %).")
    source = "".join(ch for ch in source if ch.isprintable()).strip()[:300]
    if not source:
        fail("Say where the rate was published (--source).")
    db.session.add(LegalRate(kind=KINDS[kind], starts_on=starts_on, rate=value, source=source))
    db.session.commit()
    click.echo(f"{kind} rate of {half_year}: {value} %.")
