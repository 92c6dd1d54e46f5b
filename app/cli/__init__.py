"""Command line: ``flask users``, ``flask db``, ``flask demo``, ``flask rates``, ``flask campaign``, ``flask audit``,
``flask mail``.

The ``campaign`` group is shared: each area adds its commands from its own module
(campaign_*.py in this package), so that no file grows into a god module.
"""
from __future__ import annotations

import importlib
import pkgutil

import click
from flask.cli import AppGroup

campaign_cli = AppGroup("campaign", help="Create, import, run and export campaigns.")


def register_cli(app):
    from .audit import audit_cli
    from .db import db_cli
    from .mail import mail_cli
    from .demo import demo_cli
    from .rates import rates_cli
    from .users import users_cli

    for module in pkgutil.iter_modules(__path__):
        if module.name.startswith("campaign_"):
            importlib.import_module(f"{__name__}.{module.name}")
    app.cli.add_command(users_cli)
    app.cli.add_command(db_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(rates_cli)
    app.cli.add_command(campaign_cli)
    app.cli.add_command(audit_cli)
    app.cli.add_command(mail_cli)


def fail(message: str) -> None:
    """Stop the command with a clear message and a non-zero exit status."""
    raise click.ClickException(message)
