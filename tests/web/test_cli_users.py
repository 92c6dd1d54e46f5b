"""Operations create accounts and migrate from the command line."""
import sqlalchemy as sa

from campaigns.models import Role, User


def test_users_create_and_list(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "Nadia@Example.fr", "--role", "agent", "--name", "Nadia",
                                 "--password", "bonjour-2026"])
    assert result.exit_code == 0, result.output
    assert "Created nadia@example.fr (agent)" in result.output
    listing = runner.invoke(args=["users", "list"])
    assert "nadia@example.fr" in listing.output and "agent" in listing.output
    assert db.scalar(sa.select(User.role).where(User.email == "nadia@example.fr")) is Role.AGENT


def test_users_create_prompts_for_the_password_when_not_given(app):
    result = app.test_cli_runner().invoke(
        args=["users", "create", "m@example.fr", "--role", "manager", "--name", "M"],
        input="secret-pass-9\nsecret-pass-9\n")
    assert result.exit_code == 0, result.output


def test_users_create_refuses_a_weak_password_with_a_clear_message(app):
    result = app.test_cli_runner().invoke(
        args=["users", "create", "m@example.fr", "--role", "manager", "--name", "M", "--password", "abc"])
    assert result.exit_code != 0
    assert "at least 10 characters" in result.output


def test_a_client_user_needs_an_existing_company(app):
    result = app.test_cli_runner().invoke(
        args=["users", "create", "c@example.fr", "--role", "client", "--name", "C", "--password", "secret-pass-9",
              "--client", "Nobody SA"])
    assert result.exit_code != 0
    assert "No client company named 'Nobody SA'" in result.output
