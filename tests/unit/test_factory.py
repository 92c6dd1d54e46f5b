"""The app factory builds an app from overrides and safe defaults."""
from app import create_app
from app.auth.permissions import PUBLIC


def test_the_factory_applies_overrides_and_keeps_cookies_safe(tmp_path):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}", "SECRET_KEY": "k", "TESTING": True})
    assert app.config["DATABASE_URL"].endswith("x.db")
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["BABEL_DEFAULT_LOCALE"] == "fr"
    assert app.view_functions["auth.login"].allowed_roles == PUBLIC


def test_the_secret_key_is_generated_once_and_never_a_constant(tmp_path, monkeypatch):
    from app.config import from_environment

    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = from_environment(str(tmp_path))["SECRET_KEY"]
    second = from_environment(str(tmp_path))["SECRET_KEY"]
    assert first == second and len(first) >= 32
    assert from_environment(str(tmp_path / "other"))["SECRET_KEY"] != first


def test_database_url_comes_from_the_environment(tmp_path, monkeypatch):
    from app.config import from_environment

    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://u@h/db")
    assert from_environment(str(tmp_path))["DATABASE_URL"] == "postgresql+psycopg://u@h/db"
    monkeypatch.delenv("DATABASE_URL")
    assert from_environment(str(tmp_path))["DATABASE_URL"].startswith("sqlite:///")
