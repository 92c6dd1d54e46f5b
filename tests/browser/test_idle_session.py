"""The dashboard's automatic refresh tells the server it is a poll, so it does not count as activity."""
from __future__ import annotations

from campaigns.models import Role

from .conftest import log_in


def test_the_dashboard_refresh_is_sent_as_a_poll_and_keeps_its_csrf_header(page, live_server):
    make = live_server.make
    company = make.client_company(name="Fournitures Durand SAS")
    campaign = make.campaign(client_company=company, name="Relance automne")
    client = make.user(Role.CLIENT, client_company=company)
    live_server.commit()
    log_in(page, live_server, client)
    with page.expect_request(lambda r: "/supervision/" in r.url and r.headers.get("hx-request") == "true",
                             timeout=8000) as poll:
        page.goto(f"{live_server.url}/campaigns/{campaign.id}/supervision/")
    headers = poll.value.headers
    assert headers.get("x-relance-poll") == "1" and headers.get("x-csrftoken")
