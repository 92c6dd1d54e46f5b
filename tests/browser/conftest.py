"""Browser tests: Debian's chromium driven by Playwright against a live server thread.

Never `playwright install`: the browser is /usr/bin/chromium (installed by `make test`).
"""
from __future__ import annotations

import os
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from campaigns.db import make_session_factory
from tests.conftest import _empty_all_tables, engine_for
from tests.factories import PASSWORD, Factory

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-results"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.skip(f"chromium not found at {CHROMIUM}: `make test` installs Debian's chromium")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "fr-FR", "timezone_id": "Europe/Paris",
            "viewport": {"width": 1440, "height": 900}}


@dataclass
class LiveServer:
    url: str
    app: object
    session: object  # a session on the server's database, for setting up and checking data
    make: Factory

    def commit(self):
        self.session.commit()


@pytest.fixture
def live_server(sqlite_url, tmp_path):
    """The app served from a thread on a free port, on the run's SQLite database (emptied after)."""
    from app import create_app

    app = create_app({
        "DATABASE_URL": sqlite_url, "SECRET_KEY": "browser-test-key",
        "UPLOAD_FOLDER": str(tmp_path / "uploads"), "EXPORT_FOLDER": str(tmp_path / "exports"),
    })
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    session = make_session_factory(engine_for(sqlite_url))()
    yield LiveServer(f"http://127.0.0.1:{server.server_port}", app, session, Factory(session))
    server.shutdown()
    session.close()
    app.extensions["relance_engine"].dispose()
    _empty_all_tables(sqlite_url)


def log_in(page, live_server, user, password=PASSWORD):
    """Log in through the form, as a person would."""
    page.goto(live_server.url + "/login")
    page.get_by_label("Adresse e-mail").fill(user.email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(live_server.url + "/**")


def start_calling(page, live_server, campaign):
    """Open the campaign in the console and ask for the next debtor."""
    page.goto(f"{live_server.url}/console/campaigns/{campaign.id}")
    page.get_by_role("button", name="Appeler le débiteur suivant").click()


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot under test-results/ for people to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
