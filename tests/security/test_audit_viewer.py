"""Administrators read the audit log in the app; nobody can change it there."""
from __future__ import annotations

from campaigns.models import Role


def test_an_admin_reads_who_recorded_each_promise_and_dispute(web, world):
    web.login(world.users["admin"])
    page = web.get("/admin/audit")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Journal d&#39;audit" in text or "Journal d'audit" in text
    assert "promise.create" in text and "motive.create" in text and "Agent Alpha" in text
    assert "Campagne Alpha" in text


def test_the_log_filters_by_campaign_and_by_action(web, world, app_make):
    web.login(world.users["admin"])
    app_make.user(Role.AGENT)  # no audit entry of its own, a user.create with no actor
    text = web.get("/admin/audit", query_string={"campaign": world.campaign_b_id}).get_data(as_text=True)
    assert "Campagne Alpha" not in text
    text = web.get("/admin/audit", query_string={"campaign": world.ids["campaign_id"],
                                                 "action": "promise."}).get_data(as_text=True)
    assert "promise.create" in text and "motive.create" not in text


def test_the_audit_log_page_only_reads(app):
    rules = [r for r in app.url_map.iter_rules() if r.endpoint == "admin.audit_log"]
    assert rules and all(r.methods <= {"GET", "HEAD", "OPTIONS"} for r in rules)


def test_only_administrators_open_the_audit_log(web, world):
    for name, status in (("manager", 403), ("agent", 403), ("client_a", 403), ("admin", 200)):
        web.login(world.users[name])
        assert web.get("/admin/audit").status_code == status, name
        web.post("/logout")
