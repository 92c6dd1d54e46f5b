"""Configuration from the environment, with safe defaults for one machine."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _secret_key(instance: Path) -> str:
    """SECRET_KEY from the environment, else generated once into instance/secret_key."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def database_url(instance: Path | None = None) -> str:
    """DATABASE_URL from the environment, else the embedded SQLite file under instance/."""
    return os.environ.get("DATABASE_URL") or f"sqlite:///{(instance or ROOT / 'instance') / 'relance.db'}"


def export_folder(instance: Path | None = None) -> str:
    """EXPORT_FOLDER from the environment, else instance/exports (the web app and the job worker agree)."""
    return os.environ.get("EXPORT_FOLDER") or str((instance or ROOT / "instance") / "exports")


def provider_from_environment():
    from campaigns.notices import Provider

    name = (os.environ.get("PROVIDER_NAME") or "").strip()
    lines = tuple(part.strip() for part in (os.environ.get("PROVIDER_ADDRESS") or "").split("|") if part.strip())
    if not name or not lines:
        return None
    return Provider(name, lines, (os.environ.get("PROVIDER_SIREN") or "").strip() or None,
                    city=(os.environ.get("PROVIDER_CITY") or "").strip() or None)


def from_environment(instance_path: str) -> dict:
    instance = Path(instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    return {
        "DATABASE_URL": database_url(instance),
        "SECRET_KEY": _secret_key(instance),
        "UPLOAD_FOLDER": os.environ.get("UPLOAD_FOLDER") or str(instance / "uploads"),
        "EXPORT_FOLDER": export_folder(instance),
        "MAX_UPLOAD_MB": int(os.environ.get("MAX_UPLOAD_MB", "100")),
        # Any request body that is not a multipart upload (forms, htmx posts): read whole, so kept small.
        "MAX_FORM_BYTES": 1024 * 1024,
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "INFO"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # Behind HTTPS in production: set SESSION_COOKIE_SECURE=1.
        "SESSION_COOKIE_SECURE": os.environ.get("SESSION_COOKIE_SECURE", "0") == "1",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SECURE": os.environ.get("SESSION_COOKIE_SECURE", "0") == "1",
        # Behind a reverse proxy (load balancer, TLS terminator): how many proxies set X-Forwarded-For/-Proto/
        # -Host in front of the app. 0 trusts none of those headers, which a client could otherwise forge.
        "TRUSTED_PROXIES": int(os.environ.get("TRUSTED_PROXIES", "0")),
        "PERMANENT_SESSION_LIFETIME": int(os.environ.get("SESSION_IDLE_MINUTES", "480")) * 60,
        "BABEL_DEFAULT_LOCALE": "fr",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Paris",
        "LANGUAGES": ["fr", "en"],
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
        # Who writes formal notices on a client's behalf (campaign setting "sent by the provider"): the
        # mentions of CPCE R124-4 need the provider's name and address. PROVIDER_ADDRESS: lines split by "|".
        "PROVIDER": provider_from_environment(),
        # E-mail to debtors: MAIL_URL smtp://user:pass@host:587?starttls=1 or smtps://…; without it, messages
        # are written as .eml files into MAIL_OUTBOX (instance/outbox) and count as sent.
        "MAIL_URL": os.environ.get("MAIL_URL") or None,
        "MAIL_FROM": os.environ.get("MAIL_FROM") or "Relance <no-reply@relance.local>",
        "MAIL_OUTBOX": os.environ.get("MAIL_OUTBOX") or str(instance / "outbox"),
        # Where users reach the app: the links of the daily digest start with it.
        "PUBLIC_URL": os.environ.get("PUBLIC_URL") or "http://127.0.0.1:5000",
    }
