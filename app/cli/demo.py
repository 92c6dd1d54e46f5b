import click
from flask import current_app
from flask.cli import AppGroup

from campaigns import demo

from ..extensions import db

demo_cli = AppGroup("demo", help="The demo campaign and logins.")


@demo_cli.command("load")
def load():
    """Create the demo client, campaign and logins (idempotent)."""
    campaign = demo.load_demo(db.session, current_app.config["UPLOAD_FOLDER"])
    db.session.commit()
    click.echo(f"Demo campaign {campaign.id}: {campaign.name} ({demo.DEMO_CLIENT}).")
    click.echo("Demo logins (password for all: %s):" % demo.DEMO_PASSWORD)
    for login in demo.DEMO_LOGINS:
        click.echo(f"  {login.role.value:<8} {login.email}")
