"""Boundary values sent to every route as every role: no answer is a 5xx, and a refused value is told.

Generated from the URL map: each route gets, in its query string and (for POST) in every form field name the
templates and views use, an empty value, a word where a number is expected, a NUL byte, a line break, a text
longer than any field, a number beyond bigint, a text longer than its column; and
each route with an id gets ids the database cannot hold.
"""
from __future__ import annotations

import re
from pathlib import Path

from .conftest import ROLE_NAMES
from .test_route_roles import routes, url_for_rule

APP = Path(__file__).resolve().parents[2] / "app"
VALUES = {"empty": "", "wrong type": "douze", "nul": "a\x00b", "crlf": "a\r\nSet-Cookie: x=1",
          "too long": "x" * 25_000, "huge number": "9" * 30,
          "over a column": "é" * 300}
INTERNAL = ("Traceback", "sqlalchemy", "psycopg", "DataError", "NUL (0x00)")


def field_names() -> list[str]:
    """Every form field and query parameter name the app reads or renders."""
    names = set()
    for path in APP.rglob("*.html"):
        names |= set(re.findall(r'name="([a-z_][a-z0-9_-]*)"', path.read_text()))
    for path in APP.rglob("*.py"):
        names |= set(re.findall(r'(?:form|args|values)\.(?:get|getlist)\("([a-z_][a-z0-9_-]*)"', path.read_text()))
    return sorted(names - {"csrf_token"})


def told(response) -> bool:
    body = response.get_data(as_text=True)
    return not any(word in body for word in INTERNAL) and len(body.strip()) > 0


def test_no_boundary_value_answers_a_5xx_and_each_refusal_says_why(app, web, world):
    names = field_names()
    failures, tried = [], 0
    for role in [r for r in ROLE_NAMES if r in ("agent", "manager", "admin", "client_a")]:
        web.login(world.users[role])
        for rule, _view in sorted(routes(app), key=lambda rv: rv[0].rule):
            if rule.endpoint in ("auth.logout", "supervision.purge"):
                continue
            url = url_for_rule(rule, world)
            for label, value in VALUES.items():
                tried += 1
                if "GET" in rule.methods:
                    response = web.get(url, query_string={n: value for n in ("q", "next", "page", "campaign",
                                                                               "before", "sheet", "final")})
                else:
                    response = web.post(url, data={n: value for n in names})
                if response.status_code >= 500:
                    failures.append(f"{rule.rule} as {role} with {label}: {response.status_code}")
                elif response.status_code >= 400 and not told(response):
                    failures.append(f"{rule.rule} as {role} with {label}: {response.status_code} without a message")
            if rule.arguments & {"campaign_id", "debtor_id", "batch_id", "user_id", "motive_id"}:
                for huge in (2**63, 10**30):
                    tried += 1
                    built = url_for_rule(rule, world)
                    for arg in rule.arguments:
                        if arg.endswith("_id"):
                            built = built.replace(f"/{world.ids[arg]}", f"/{huge}", 1)
                    response = web.get(built) if "GET" in rule.methods else web.post(built, data={})
                    if response.status_code >= 500:
                        failures.append(f"{built} as {role}: {response.status_code}")
        web.post("/logout")
    print(f"{tried} requests: routes × roles × values")
    assert failures == []


def test_a_nul_byte_in_the_login_email_is_refused_with_a_message(web):
    web.refresh_token()
    response = web.post("/login", data={"email": "a\x00@example.fr", "password": "x"})
    assert response.status_code == 400 and "caractère non autorisé" in response.get_data(as_text=True)


def test_an_id_beyond_what_the_database_holds_is_a_page_that_does_not_exist(web, world):
    web.login(world.users["manager"])
    assert web.get(f"/campaigns/{2**63}/supervision/").status_code == 404
