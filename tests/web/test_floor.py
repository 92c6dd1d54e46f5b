"""The supervisor watches two negotiators working at once; a paused negotiator is handed nobody."""
from __future__ import annotations

import html
import re
from datetime import datetime, timedelta

import sqlalchemy as sa

from campaigns.models import CallAttempt, Role
from tests.factories import WebClient


def agent_client(app, user):
    client = WebClient(app.test_client(), app)
    client.login(user)
    return client


def test_the_live_view_shows_two_agents_at_work_and_a_pause(app, app_make, web, db):
    nadia, karim = app_make.user(Role.AGENT, name="Nadia"), app_make.user(Role.AGENT, name="Karim")
    campaign = app_make.campaign(agents=[nadia, karim])
    first, second = app_make.debtor(campaign, company_name="Garage Lopez"), app_make.debtor(campaign, company_name="Boulangerie Petit")
    n, k = agent_client(app, nadia), agent_client(app, karim)
    base = f"/console/campaigns/{campaign.id}"
    page_n = n.post(f"{base}/next", htmx=True).get_data(as_text=True)
    page_k = k.post(f"{base}/next", htmx=True).get_data(as_text=True)
    held_n = int(re.search(r'data-debtor="(\d+)"', page_n).group(1))
    held_k = int(re.search(r'data-debtor="(\d+)"', page_k).group(1))
    assert {held_n, held_k} == {first.id, second.id}
    assert n.post(f"{base}/state", {"state": "on_call", "debtor": held_n}, htmx=True).status_code == 200
    shown = datetime.fromisoformat(re.search(r'name="started_at" value="([^"]+)"', page_n).group(1))
    started = (shown - timedelta(seconds=60)).isoformat()          # the card was shown a minute ago
    saved = n.post(f"{base}/debtors/{held_n}/outcome", {"outcome": "no_answer", "started_at": started,
                                                          "dial_ms": "3000", "hang_up_ms": "25000"}, htmx=True)
    assert saved.status_code == 200
    assert k.post(f"{base}/state", {"state": "pause", "reason": "lunch"}, htmx=True).status_code == 200

    web.login(app_make.user(Role.MANAGER))
    floor = html.unescape(web.get(f"/campaigns/{campaign.id}/supervision/floor", htmx=True).get_data(as_text=True))
    row_n = floor[floor.index(f'id="agent-{nadia.id}"'):]
    row_n = row_n[:row_n.index("</tr>")]
    row_k = floor[floor.index(f'id="agent-{karim.id}"'):]
    row_k = row_k[:row_k.index("</tr>")]
    assert "Prêt" in row_n and re.search(r'<td class="num">1</td>', row_n)       # ready again, one call
    assert "En pause · Déjeuner" in row_k
    assert "Pauses du jour, par motif : Déjeuner 0 min 00" in " ".join(floor.split())         # the team's pauses
    assert ("Garage Lopez" in row_k) or ("Boulangerie Petit" in row_k)          # Karim still holds his debtor
    attempt = db.scalar(sa.select(CallAttempt).where(CallAttempt.agent_id == nadia.id))
    assert attempt.dialled_at is not None and (attempt.hung_up_at - attempt.dialled_at).total_seconds() == 22

    # Paused, Karim asks for the next debtor: nobody is handed out, and the console says why.
    answer = html.unescape(k.post(f"{base}/next", htmx=True).get_data(as_text=True))
    assert "Vous êtes en pause" in answer and "data-debtor=" not in answer
    assert "Déjeuner" in k.get(base).get_data(as_text=True)
    assert k.post(f"{base}/state", {"state": "pause"}, htmx=True).status_code == 422        # a pause needs its reason
    assert web.get(f"/campaigns/{campaign.id}/supervision/floor").status_code == 200
    assert n.get(f"/campaigns/{campaign.id}/supervision/floor").status_code == 403


def test_a_manager_sends_a_word_to_a_negotiator_who_reads_it_on_the_console(app, app_make, web, db):
    nadia = app_make.user(Role.AGENT, name="Nadia")
    campaign = app_make.campaign(agents=[nadia])
    app_make.debtor(campaign)
    web.login(app_make.user(Role.MANAGER))
    floor = f"/campaigns/{campaign.id}/supervision/floor"
    assert web.post(f"{floor}/agents/{nadia.id}/message", {"text": "Briefing à 14 h en salle 2"}).status_code == 303
    assert web.post(f"{floor}/agents/{nadia.id}/message", {"text": "   "}).status_code == 303   # refused, said why
    stranger = app_make.user(Role.AGENT)
    assert web.post(f"{floor}/agents/{stranger.id}/message", {"text": "Bonjour"}).status_code == 404
    n = agent_client(app, nadia)
    page = html.unescape(n.get(f"/console/campaigns/{campaign.id}").get_data(as_text=True))
    message_id = int(re.search(r'id="agent-message-(\d+)"', page).group(1))
    assert "Briefing à 14 h en salle 2" in page
    after = n.post(f"/console/campaigns/{campaign.id}/messages/{message_id}/read", htmx=True).get_data(as_text=True)
    assert "Briefing" not in after


def test_a_negotiator_who_logs_out_gives_back_the_card_left_on_screen(app, app_make, db):
    from campaigns.models import DebtorAccount
    nadia, karim = app_make.user(Role.AGENT, name="Nadia"), app_make.user(Role.AGENT, name="Karim")
    campaign = app_make.campaign(agents=[nadia, karim])
    lopez = app_make.debtor(campaign, company_name="Garage Lopez")
    n, k = agent_client(app, nadia), agent_client(app, karim)
    base = f"/console/campaigns/{campaign.id}"
    assert f'data-debtor="{lopez.id}"' in n.post(f"{base}/next", htmx=True).get_data(as_text=True)
    assert "data-debtor=" not in k.post(f"{base}/next", htmx=True).get_data(as_text=True)   # Nadia holds it
    assert n.post("/logout").status_code == 303
    db.expire_all()
    assert db.get(DebtorAccount, lopez.id).leased_by_id is None
    assert f'data-debtor="{lopez.id}"' in k.post(f"{base}/next", htmx=True).get_data(as_text=True)
