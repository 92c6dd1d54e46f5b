"""An administrator creates, disables and re-enables accounts."""
import sqlalchemy as sa

from campaigns.models import AuditEntry, Role, User


def test_an_admin_creates_an_agent_account(web, app_make, db):
    web.login(app_make.user(Role.ADMIN))
    response = web.post("/admin/users", data={"name": "Nadia Martin", "email": "nadia@example.fr", "role": "agent",
                                              "client_company_id": "0", "password": "bonjour-2026"})
    assert response.status_code == 303
    page = web.get("/admin/users")
    assert "nadia@example.fr" in page.text and "Compte créé pour nadia@example.fr." in page.text
    assert db.scalar(sa.select(User.role).where(User.email == "nadia@example.fr")) is Role.AGENT


def test_a_weak_password_is_shown_next_to_the_field_and_the_typed_values_stay(web, app_make):
    web.login(app_make.user(Role.ADMIN))
    response = web.post("/admin/users", data={"name": "Nadia", "email": "nadia@example.fr", "role": "agent",
                                              "client_company_id": "0", "password": "court"})
    assert response.status_code == 422
    assert "Le mot de passe doit comporter au moins 10 caractères." in response.text
    assert 'value="nadia@example.fr"' in response.text


def test_a_disabled_account_can_no_longer_log_in(web, app_make, db, client):
    admin = app_make.user(Role.ADMIN)
    agent = app_make.user(Role.AGENT)
    web.login(admin)
    assert web.post(f"/admin/users/{agent.id}/active").status_code == 303
    assert db.scalar(sa.select(User.is_active).where(User.id == agent.id)) is False
    assert db.scalar(sa.select(AuditEntry.action).where(AuditEntry.entity_id == agent.id,
                                                        AuditEntry.action == "user.disable"))
    web.post("/logout")
    import re
    page = client.get("/login")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text).group(1)
    response = client.post("/login", data={"email": agent.email, "password": "correct-horse-42", "csrf_token": token})
    assert response.status_code == 401


def test_an_admin_cannot_disable_their_own_account(web, app_make, db):
    admin = app_make.user(Role.ADMIN)
    web.login(admin)
    web.post(f"/admin/users/{admin.id}/active")
    assert db.scalar(sa.select(User.is_active).where(User.id == admin.id)) is True
