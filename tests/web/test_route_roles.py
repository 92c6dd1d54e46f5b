"""Every route declares who may use it, and the declaration holds for every role.

The table is generated from the URL map: a new route without an access rule fails here.
"""
from __future__ import annotations

import re

import pytest

from app.auth.permissions import PUBLIC
from campaigns.models import Role

ROLES = [None, Role.AGENT, Role.MANAGER, Role.ADMIN, Role.CLIENT]


def _routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        yield rule, app.view_functions[rule.endpoint]


def test_every_route_declares_its_access_rule(app):
    missing = [rule.rule for rule, view in _routes(app) if not hasattr(view, "allowed_roles")]
    assert missing == [], f"routes without an access decorator: {missing}"


@pytest.fixture
def world(app_make):
    """One client company with a campaign and its people, and a second company."""
    company = app_make.client_company(name="Client A")
    agent = app_make.user(Role.AGENT)
    campaign = app_make.campaign(client_company=company, agents=[agent])
    debtor = app_make.debtor(campaign)
    users = {
        Role.AGENT: agent,
        Role.MANAGER: app_make.user(Role.MANAGER),
        Role.ADMIN: app_make.user(Role.ADMIN),
        Role.CLIENT: app_make.user(Role.CLIENT, client_company=company),
    }
    return {"users": users, "campaign_id": campaign.id, "debtor_id": debtor.id}


def _url(rule, world):
    values = {}
    for arg in rule.arguments:
        if arg == "campaign_id":
            values[arg] = world["campaign_id"]
        elif arg == "debtor_id":
            values[arg] = world["debtor_id"]
        elif rule._converters.get(arg).__class__.__name__ == "IntegerConverter":
            values[arg] = 1
        else:
            values[arg] = "fr"
    return rule.build(values)[1]


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r.value if r else "anonymous")
def test_route_by_role_table(app, web, world, role):
    """For each route: anonymous → login, a role not allowed → 403, an allowed role → served, never a 500."""
    if role is not None:
        web.login(world["users"][role])
    else:
        web.refresh_token()
    failures = []
    for rule, view in sorted(_routes(app), key=lambda rv: rv[0].rule):
        allowed = view.allowed_roles
        url = _url(rule, world)
        method = "GET" if "GET" in rule.methods else "POST"
        response = web.get(url) if method == "GET" else web.post(url, data={})
        status = response.status_code
        if rule.endpoint == "auth.logout" and role is not None and status == 303:
            web.login(world["users"][role])  # logged out by the walk itself: log in again
            continue
        if allowed == PUBLIC:
            expected_ok = status < 500
        elif role is None:
            expected_ok = status in (302, 303) and "/login" in response.headers.get("Location", "")
        elif role.value in {r.value for r in allowed}:
            expected_ok = status < 500 and status != 403 and "/login" not in response.headers.get("Location", "")
        else:
            expected_ok = status == 403
        if not expected_ok:
            failures.append(f"{method} {url} as {role.value if role else 'anonymous'}: {status}")
    assert failures == []


def test_known_routes_answer_as_expected(web, world):
    """The hand-written part of the table, for the routes of the foundation."""
    table = {
        ("/", None): 302, ("/", Role.AGENT): 200, ("/", Role.MANAGER): 200,
        ("/", Role.ADMIN): 200, ("/", Role.CLIENT): 200,
        ("/login", None): 200,
    }
    for (url, role), expected in table.items():
        if role is not None:
            web.login(world["users"][role])
        assert web.get(url).status_code == expected, (url, role)
        if role is not None:
            web.post("/logout")
