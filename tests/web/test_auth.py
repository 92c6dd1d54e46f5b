"""Logging in and out, throttling, CSRF and expired sessions, seen from the browser's side."""
from campaigns.models import LoginAttempt, Role
import sqlalchemy as sa


def test_a_manager_logs_in_and_lands_on_the_campaign_list(web, app_make):
    manager = app_make.user(Role.MANAGER, name="Marc Manager")
    response = web.login(manager)
    assert response.headers["Location"] == "/"
    page = web.get("/")
    assert page.status_code == 200
    assert "Marc Manager" in page.text
    assert "Campagnes" in page.text  # French by default


def test_a_wrong_password_is_refused_with_a_message_and_no_session(web, app_make, client):
    agent = app_make.user(Role.AGENT)
    page = client.get("/login")
    import re
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text).group(1)
    response = client.post("/login", data={"email": agent.email, "password": "nope-nope-1", "csrf_token": token})
    assert response.status_code == 401
    assert "Adresse e-mail ou mot de passe incorrect" in response.text
    assert client.get("/").status_code == 302


def test_repeated_failures_lock_the_account_for_a_while_even_with_the_right_password(web, app_make, client, db):
    agent = app_make.user(Role.AGENT)
    import re
    for _ in range(5):
        page = client.get("/login")
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text).group(1)
        client.post("/login", data={"email": agent.email, "password": "wrong-pass-1", "csrf_token": token})
    page = client.get("/login")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text).group(1)
    response = client.post("/login", data={"email": agent.email, "password": "correct-horse-42", "csrf_token": token})
    assert response.status_code == 401
    assert "Trop de tentatives" in response.text
    assert db.scalar(sa.select(sa.func.count()).select_from(LoginAttempt)) >= 10


def test_logging_out_ends_the_session(web, app_make):
    web.login(app_make.user(Role.MANAGER))
    response = web.post("/logout")
    assert response.status_code == 303
    assert web.get("/").status_code == 302


def test_a_post_without_csrf_token_is_refused(web, app_make):
    web.login(app_make.user(Role.MANAGER))
    response = web.post("/logout", csrf=False)
    assert response.status_code == 400
    assert web.get("/").status_code == 200  # still logged in


def test_an_htmx_request_with_an_expired_session_is_sent_to_the_login_page(client):
    response = client.get("/", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/login")


def test_a_plain_request_without_session_redirects_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_the_interface_switches_to_english(web, app_make):
    web.login(app_make.user(Role.MANAGER))
    web.post("/lang/en", data={"next": "/"})
    assert "Campaigns" in web.get("/").text
    assert "Log out" in web.get("/").text


def test_login_does_not_redirect_off_site(web, app_make, client):
    import re
    agent = app_make.user(Role.AGENT)
    page = client.get("/login")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text).group(1)
    response = client.post("/login?next=//evil.example/x", data={
        "email": agent.email, "password": "correct-horse-42", "csrf_token": token})
    assert response.headers["Location"] == "/"
