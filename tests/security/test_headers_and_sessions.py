"""What the browser is told (headers, cookies) and how long a session lives; throttled logins, password rules."""
from __future__ import annotations

import re
from pathlib import Path

import itsdangerous.timed
import pytest
import sqlalchemy as sa

from campaigns.models import LoginAttempt, Role

TEMPLATES = Path(__file__).resolve().parents[2] / "app" / "templates"


def _csp(response) -> dict[str, str]:
    policy = response.headers.get("Content-Security-Policy", "")
    return {d.split()[0]: d for d in (part.strip() for part in policy.split(";")) if d}


@pytest.mark.parametrize("url,status", [("/login", 200), ("/", 200), ("/no-such-page", 404),
                                        ("/admin/users", 403)])
def test_every_answer_forbids_inline_scripts_framing_and_sniffing(web, app_make, url, status):
    if url != "/login":
        web.login(app_make.user(Role.MANAGER))
    response = web.get(url)
    assert response.status_code == status
    csp = _csp(response)
    assert csp["script-src"] == "script-src 'self'" and csp["style-src"] == "style-src 'self'"
    assert csp["frame-ancestors"] == "frame-ancestors 'none'"
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert "unsafe-eval" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_a_downloaded_workbook_carries_the_same_headers(web, world):
    web.login(world.users["client_a"])
    response = web.get(f"/campaigns/{world.ids['campaign_id']}/supervision/recap.xlsx")
    assert response.status_code == 200
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in response.headers["Content-Disposition"]


@pytest.mark.parametrize("template", sorted(p.relative_to(TEMPLATES).as_posix() for p in TEMPLATES.rglob("*.html")))
def test_no_template_holds_what_the_policy_would_block(template):
    """Inline <script> bodies, on*= handlers, style attributes and javascript: links never run under the CSP."""
    text = (TEMPLATES / template).read_text()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), "inline <script>"
    assert not re.search(r"\son[a-z]+\s*=", text), "on*= handler"
    assert not re.search(r"\sstyle\s*=", text), "style attribute"
    assert "javascript:" not in text
    assert not re.search(r"hx-on[:-]", text), "hx-on handlers are evaluated code"


def test_htmx_is_told_not_to_inject_its_indicator_styles(web, app_make):
    web.login(app_make.user(Role.AGENT))
    page = web.get("/").get_data(as_text=True)
    assert '"includeIndicatorStyles": false' in page and '"allowEval": false' in page


def test_behind_https_the_session_cookie_is_secure_and_http_only(app, web, app_make):
    app.config["SESSION_COOKIE_SECURE"] = True
    response = web.login(app_make.user(Role.AGENT))
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_without_https_configured_the_cookie_is_not_marked_secure(web, app_make):
    cookie = web.login(app_make.user(Role.AGENT)).headers["Set-Cookie"]
    assert "Secure" not in cookie and "HttpOnly" in cookie


@pytest.fixture
def proxied_app(db_url, tmp_path):
    """The app as deployed behind one reverse proxy that terminates TLS."""
    from app import create_app
    app = create_app({"TESTING": True, "DATABASE_URL": db_url, "SECRET_KEY": "test-secret-key",
                      "UPLOAD_FOLDER": str(tmp_path / "u"), "EXPORT_FOLDER": str(tmp_path / "e"),
                      "TRUSTED_PROXIES": 1, "SESSION_COOKIE_SECURE": True})
    yield app
    app.extensions["relance_engine"].dispose()


def _failed_login(client, email, **headers):
    page = client.get("/login", headers=headers)
    token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page.data).group(1).decode()
    return client.post("/login", data={"email": email, "password": "wrong-password-1", "csrf_token": token},
                       headers=headers)


def test_behind_a_trusted_proxy_the_client_address_and_https_come_from_its_headers(proxied_app, db):
    client = proxied_app.test_client()
    forwarded = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https",
                 "Referer": "https://localhost/login"}  # CSRF checks the referrer on https
    response = _failed_login(client, "nobody@example.fr", **forwarded)
    assert response.status_code == 401
    assert "max-age" in response.headers["Strict-Transport-Security"]
    keys = set(db.scalars(sa.select(LoginAttempt.key)))
    assert "ip:203.0.113.9" in keys


def test_without_trusted_proxies_forwarded_headers_are_ignored(app, client, db):
    response = _failed_login(client, "nobody@example.fr", **{"X-Forwarded-For": "203.0.113.9",
                                                             "X-Forwarded-Proto": "https"})
    assert response.status_code == 401 and "Strict-Transport-Security" not in response.headers
    assert "ip:203.0.113.9" not in set(db.scalars(sa.select(LoginAttempt.key)))


def _login(client, address, email, password):
    page = client.get("/login", environ_base=address)
    token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page.data).group(1).decode()
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token},
                       environ_base=address)


def test_a_guesser_behind_the_floors_address_is_slowed_and_the_floor_still_logs_in(app, app_make):
    floor = {"REMOTE_ADDR": "198.51.100.7"}
    colleague, victim = app_make.user(Role.AGENT), app_make.user(Role.AGENT)
    attacker = app.test_client()
    for n in range(50):                                   # spraying guesses at many accounts
        _login(attacker, floor, f"guess{n}@example.fr", "nope-nope-1")
    assert _login(attacker, floor, victim.email, "nope-nope-1").status_code == 401
    # From the noisy address an account that already failed gets no second try, even with the right password...
    refused = _login(attacker, floor, victim.email, "correct-horse-42")
    assert refused.status_code == 401 and "Trop de tentatives" in refused.get_data(as_text=True)
    # ...while a colleague on the same floor who types the right password logs in.
    assert _login(app.test_client(), floor, colleague.email, "correct-horse-42").status_code == 303


def test_logging_into_ones_own_account_does_not_buy_more_guesses_at_another(app, app_make):
    address = {"REMOTE_ADDR": "203.0.113.9"}
    mine, target = app_make.user(Role.AGENT), app_make.user(Role.AGENT)
    for _ in range(5):
        _login(app.test_client(), address, target.email, "nope-nope-1")
    assert _login(app.test_client(), address, mine.email, "correct-horse-42").status_code == 303
    refused = _login(app.test_client(), address, target.email, "correct-horse-42")
    assert refused.status_code == 401 and "Trop de tentatives" in refused.get_data(as_text=True)
    # The target's own address is not locked out by the guesser's.
    assert _login(app.test_client(), {"REMOTE_ADDR": "192.0.2.1"}, target.email,
                  "correct-horse-42").status_code == 303


def test_parallel_guesses_check_no_more_passwords_than_the_limit(pg_url, tmp_path):
    """Fifteen tries at once at one account on PostgreSQL: at most five passwords are checked."""
    from concurrent.futures import ThreadPoolExecutor

    from app import create_app
    from campaigns import accounts
    from campaigns.db import make_engine, make_session_factory
    engine = make_engine(pg_url)
    factory = make_session_factory(engine)
    with factory() as s:
        user = accounts.create_user(s, "target@example.fr", "Target", Role.AGENT, "correct-horse-42")
        s.commit()
    checked = []

    def guess(n):
        with factory() as s:
            try:
                accounts.authenticate(s, "target@example.fr", f"wrong-{n}-guess", address="198.51.100.20")
            except Exception as exc:  # noqa: BLE001
                checked.append("Wrong" in str(exc))
            s.commit()

    with ThreadPoolExecutor(15) as pool:
        list(pool.map(guess, range(15)))
    engine.dispose()
    assert len(checked) == 15 and sum(checked) <= accounts.MAX_FAILURES_PER_PAIR


def test_a_session_cookie_copied_before_logout_no_longer_works(app, app_make):
    user = app_make.user(Role.MANAGER)
    browser = app.test_client()
    assert _login(browser, {}, user.email, "correct-horse-42").status_code == 303
    copied = browser.get_cookie("session").value
    before = app.test_client()
    before.set_cookie("session", copied)
    assert "/login" not in before.get("/").headers.get("Location", "")     # the copy works while logged in
    page = browser.get("/", follow_redirects=True)
    token = re.search(rb'name="csrf_token" value="([^"]+)"', page.data) or \
        re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page.data)
    browser.post("/logout", data={"csrf_token": token.group(1).decode()})
    thief = app.test_client()
    thief.set_cookie("session", copied)
    answer = thief.get("/")
    assert answer.status_code in (302, 303) and "/login" in answer.headers["Location"]


@pytest.mark.parametrize("password", ["short1!", "onlyletterslong", "   ", "abcd1234"])
def test_an_admin_cannot_give_an_account_a_weak_password(web, app_make, password):
    web.login(app_make.user(Role.ADMIN))
    response = web.post("/admin/users", data={"email": "new@example.fr", "name": "New", "role": "agent",
                                              "password": password})
    assert response.status_code == 422


class _Clock:
    """The clock sessions are signed with, moved forward by the test."""

    def __init__(self):
        import time
        self.offset = 0
        self._time = time.time

    def time(self):
        return self._time() + self.offset


@pytest.fixture
def clock(monkeypatch):
    fake = _Clock()
    monkeypatch.setattr(itsdangerous.timed, "time", fake)
    return fake


def test_an_idle_session_expires_and_the_next_request_goes_to_the_login_page(app, web, app_make, clock):
    idle = app.permanent_session_lifetime.total_seconds()
    web.login(app_make.user(Role.AGENT))
    clock.offset = idle + 60
    response = web.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    htmx = web.get("/console/campaigns/1/day", htmx=True)
    assert htmx.status_code == 401 and "/login" in htmx.headers["HX-Redirect"]


def test_activity_keeps_the_session_alive_past_the_idle_time_counted_from_login(app, web, app_make, clock):
    idle = app.permanent_session_lifetime.total_seconds()
    web.login(app_make.user(Role.AGENT))
    clock.offset = idle - 60
    assert web.get("/").status_code == 200
    clock.offset = idle + 60           # more than the idle time since login, a minute since the last request
    assert web.get("/").status_code == 200
    clock.offset = 2 * idle + 120      # then idle again for longer than allowed
    assert web.get("/").status_code == 302


def test_a_dashboard_polling_by_itself_does_not_keep_an_unattended_session_alive(app, web, world, clock):
    idle = app.permanent_session_lifetime.total_seconds()
    web.login(world.users["client_a"])
    dashboard = f"/campaigns/{world.ids['campaign_id']}/supervision/"
    page = web.get(dashboard).get_data(as_text=True)
    assert "X-Relance-Poll" in page  # the figures region marks its polls
    clock.offset = idle - 60
    poll = web.get(dashboard, htmx=True, headers={"X-Relance-Poll": "1"})
    assert poll.status_code == 200 and "Set-Cookie" not in poll.headers
    clock.offset = idle + 60
    assert web.get(dashboard, htmx=True, headers={"X-Relance-Poll": "1"}).status_code == 401


def test_the_idle_time_comes_from_session_idle_minutes(monkeypatch, tmp_path):
    from app.config import from_environment
    monkeypatch.setenv("SESSION_IDLE_MINUTES", "30")
    assert from_environment(str(tmp_path))["PERMANENT_SESSION_LIFETIME"] == 30 * 60
