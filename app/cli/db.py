import click
from flask import current_app
from flask.cli import AppGroup

from campaigns import migrate

db_cli = AppGroup("db", help="Database migrations (Alembic).")


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def upgrade(revision):
    """Apply the migrations to the configured database."""
    migrate.upgrade(current_app.config["DATABASE_URL"], revision)
    click.echo(f"Database at {revision}.")


@db_cli.command("downgrade")
@click.argument("revision")
def downgrade(revision):
    """Revert the migrations down to REVISION."""
    migrate.downgrade(current_app.config["DATABASE_URL"], revision)
    click.echo(f"Database at {revision}.")


@db_cli.command("current")
def current():
    """Show the revision the database is at."""
    from alembic import command
    command.current(migrate.alembic_config(current_app.config["DATABASE_URL"]))
