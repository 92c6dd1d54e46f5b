"""The pages people use every day run in chromium under the Content-Security-Policy without a single violation.

Chromium reports each blocked inline script, style or handler as a console error ("Refused to ...") and as a
``securitypolicyviolation`` event; both are collected while each role walks its pages, htmx swaps included.
"""
from __future__ import annotations

from campaigns.models import Role

from .conftest import log_in, screenshot

LISTEN = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation',
  e => window.__cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + e.sourceFile));
"""


def _world(live_server):
    make = live_server.make
    company = make.client_company(name="Fournitures Durand SAS")
    agent = make.user(Role.AGENT, name="Nadia Négociatrice")
    campaign = make.campaign(client_company=company, agents=[agent], name="Relance automne")
    for n in range(3):
        make.debtor(campaign, company_name=f"Débiteur {n}")
    people = {"manager": make.user(Role.MANAGER), "admin": make.user(Role.ADMIN), "agent": agent,
              "client": make.user(Role.CLIENT, client_company=company)}
    live_server.commit()
    return campaign.id, people


def _watch(page) -> list[str]:
    seen: list[str] = []
    page.on("console", lambda msg: seen.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda err: seen.append(f"page error: {err}"))
    page.add_init_script(LISTEN)
    return seen


def _violations(page, seen) -> list[str]:
    events = page.evaluate("window.__cspViolations || []")
    return [m for m in seen if "Content Security Policy" in m or "Refused to" in m or m.startswith("page error")] \
        + events


def test_no_page_breaks_the_content_security_policy(page, live_server):
    campaign_id, people = _world(live_server)
    seen = _watch(page)
    walks = {
        "manager": [f"/manage/campaigns/{campaign_id}", f"/rules/campaigns/{campaign_id}",
                    f"/campaigns/{campaign_id}/supervision/", "/manage/campaigns/new", "/console/"],
        "admin": ["/admin/users", "/admin/audit", "/"],
        "client": ["/", f"/campaigns/{campaign_id}/supervision/"],
        "agent": ["/console/", f"/console/campaigns/{campaign_id}", "/console/search?q=Débiteur"],
    }
    problems = []
    page.goto(live_server.url + "/login")
    problems += [f"/login: {v}" for v in _violations(page, seen)]
    for name, urls in walks.items():
        log_in(page, live_server, people[name])
        for url in urls:
            seen.clear()
            page.goto(live_server.url + url)
            page.wait_for_load_state("networkidle")
            if "/supervision/" in url:
                page.wait_for_timeout(5500)  # one dashboard poll swapped in by htmx
            if url == f"/console/campaigns/{campaign_id}":
                page.keyboard.press("Enter")  # claim the next debtor: the card is swapped in
                page.wait_for_selector("text=Débiteur", timeout=5000)
                page.wait_for_load_state("networkidle")
            problems += [f"{name} {url}: {v}" for v in _violations(page, seen)]
        screenshot(page, f"csp-{name}")
        page.get_by_role("button", name="Se déconnecter").click()
        page.wait_for_url("**/login")
    assert problems == []
