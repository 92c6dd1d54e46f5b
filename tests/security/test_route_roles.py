"""The route × role table: every route, every kind of visitor, every URL pointing at company A's objects.

The table is generated from the URL map, so a new route is checked the day it is added: without an access
decorator, or with a URL argument the world below does not know how to fill, this file fails.

Expected answers:
- a public route is served to everyone;
- anonymous visitors are sent to the login page;
- a role the route does not declare gets 403;
- a declared role that may not see A's campaign (the agent of B's campaign, B's client user) gets 403 or 404,
  and no page it is shown, anywhere, contains A's data;
- everyone else is served (never a 403, a 404 or a 500: every argument names an object that exists).
"""
from __future__ import annotations

import pytest

from app.auth.permissions import PUBLIC
from campaigns.models import Role

from .conftest import A_MARKER, ROLE_NAMES

ROLE_OF = {"agent": Role.AGENT, "agent_b": Role.AGENT, "manager": Role.MANAGER, "admin": Role.ADMIN,
           "client_a": Role.CLIENT, "client_b": Role.CLIENT}
OUTSIDERS = {"agent_b", "client_b"}       # may use some of the routes, never on A's campaign
FIXED_ARGUMENTS = {"action": "pause", "code": "fr"}


def routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint != "static":
            yield rule, app.view_functions[rule.endpoint]


def test_every_route_declares_its_access_rule(app):
    missing = [rule.rule for rule, view in routes(app) if not hasattr(view, "allowed_roles")]
    assert missing == [], f"routes without an access decorator: {missing}"


def url_for_rule(rule, world) -> str:
    values = {}
    for arg in rule.arguments:
        if arg in world.ids:
            values[arg] = world.ids[arg]
        elif arg in FIXED_ARGUMENTS:
            values[arg] = FIXED_ARGUMENTS[arg]
        else:
            pytest.fail(f"{rule.rule}: the security world does not know what <{arg}> names; add one of "
                        f"company A's objects for it in tests/security/conftest.py")
    return rule.build(values)[1]


def expected(role_name: str, rule, view) -> str:
    """'served', 'login', 'forbidden' or 'hidden' (403/404 without A's data)."""
    if view.allowed_roles == PUBLIC:
        return "served"
    if role_name == "anonymous":
        return "login"
    if ROLE_OF[role_name].value not in {r.value for r in view.allowed_roles}:
        return "forbidden"
    if role_name in OUTSIDERS and "campaign_id" in rule.arguments:
        return "hidden"
    return "served"


def answered(expectation: str, response) -> bool:
    status, location = response.status_code, response.headers.get("Location", "")
    if expectation == "login":  # an htmx request is told to load the login page as a whole
        return (status in (302, 303) and "/login" in location) or (
            status == 401 and "/login" in response.headers.get("HX-Redirect", ""))
    if expectation == "forbidden":
        return status == 403
    if expectation == "hidden":
        return status in (403, 404)
    return status < 500 and status not in (403, 404) and "/login" not in location


def _visit(web, rule, url, htmx=False):
    if "GET" in rule.methods:
        return "GET", web.get(url + "?q=Promesse", htmx=htmx)  # the search finds A's "Alpha Promesse SARL"
    return "POST", web.post(url, data={}, htmx=htmx)


@pytest.mark.parametrize("role_name", ROLE_NAMES)
def test_route_by_role_table(app, web, world, role_name):
    """Each route, as plain page and as htmx fragment, answers what the table above says."""
    if role_name != "anonymous":
        web.login(world.users[role_name])
    else:
        web.refresh_token()
    failures = []
    for rule, view in sorted(routes(app), key=lambda rv: rv[0].rule):
        url = url_for_rule(rule, world)
        expectation = expected(role_name, rule, view)
        for htmx in (False, True):
            method, response = _visit(web, rule, url, htmx=htmx)
            if rule.endpoint == "auth.logout" and role_name != "anonymous":
                web.login(world.users[role_name])  # logged out by the walk itself: log in again
                break
            label = f"{method} {url}{' (htmx)' if htmx else ''} as {role_name}"
            if not answered(expectation, response):
                failures.append(f"{label}: {response.status_code}, expected {expectation}")
            if role_name in OUTSIDERS and A_MARKER in response.get_data():
                failures.append(f"{label}: shows company A's data")
    assert failures == []


def test_known_routes_answer_as_expected(web, world):
    """The hand-written part of the table: where each role lands."""
    table = {("/", "anonymous"): 302, ("/login", "anonymous"): 200}
    table.update({("/", name): 200 for name in ROLE_OF})
    for (url, role_name), status in table.items():
        if role_name != "anonymous":
            web.login(world.users[role_name])
        assert web.get(url).status_code == status, (url, role_name)
        if role_name != "anonymous":
            web.post("/logout")


def test_each_outsider_sees_its_own_campaign_and_never_company_a(web, world):
    """The campaign lists: B's agent and B's client see Campagne Bravo, not Campagne Alpha."""
    for name, list_url in (("agent_b", "/console/"), ("agent_b", "/"), ("client_b", "/")):
        web.login(world.users[name])
        page = web.get(list_url).get_data(as_text=True)
        assert "Campagne Bravo" in page and "Alpha" not in page, (name, list_url)
        web.post("/logout")
