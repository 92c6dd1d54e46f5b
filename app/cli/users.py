import click
import sqlalchemy as sa
from flask.cli import AppGroup

from campaigns import accounts
from campaigns.errors import DomainError, ValidationError
from campaigns.models import ClientCompany, Role, User

from ..extensions import db
from . import fail

users_cli = AppGroup("users", help="Manage accounts.")


@users_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--name", required=True)
@click.option("--password", help="Prompted for when not given.")
@click.option("--client", "client_name", help="Client company name (role client only).")
def create(email, role, name, password, client_name):
    """Create an account."""
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    client_id = None
    if client_name:
        client_id = db.session.scalar(sa.select(ClientCompany.id).where(ClientCompany.name == client_name))
        if client_id is None:
            fail(f"No client company named {client_name!r}.")
    try:
        user = accounts.create_user(db.session, email, name, role, password, client_company_id=client_id)
    except ValidationError as exc:
        fail("; ".join(str(e) for e in exc.errors.values()))
    except DomainError as exc:
        fail(str(exc))
    db.session.commit()
    click.echo(f"Created {user.email} ({user.role.value}), id {user.id}.")


@users_cli.command("list")
def list_users():
    """List accounts."""
    for user in db.session.scalars(sa.select(User).order_by(User.role, User.email)):
        company = f" [{user.client_company.name}]" if user.client_company else ""
        state = "" if user.is_active else " (disabled)"
        click.echo(f"{user.id:>4}  {user.role.value:<8} {user.email:<40} {user.name}{company}{state}")
