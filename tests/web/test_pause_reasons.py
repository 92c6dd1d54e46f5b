"""A manager makes the list of pause reasons: renames one, adds one, moves it, retires another; negotiators
choose from that list, and a pause already taken keeps the name of a reason retired since."""
from __future__ import annotations

import html
import re

import sqlalchemy as sa

from campaigns.models import AgentStateChange, AuditEntry, PauseReason, Role
from tests.factories import WebClient

PAGE = "/admin/pause-reasons"


def agent_client(app, user):
    client = WebClient(app.test_client(), app)
    client.login(user)
    return client


def reason_id(db, label=None, code=None):
    query = sa.select(PauseReason.id)
    query = query.where(PauseReason.label == label) if label else query.where(PauseReason.code == code)
    return db.scalar(query)


def options(page: str) -> list[str]:
    select = page[page.index('id="pause-reason"'):]
    select = select[:select.index("</select>")]
    return [html.unescape(o) for o in re.findall(r"<option [^>]*>([^<]+)</option>", select)]


def test_a_manager_edits_the_list_and_negotiators_choose_from_it(app, app_make, web, db):
    nadia = app_make.user(Role.AGENT, name="Nadia")
    campaign = app_make.campaign(agents=[nadia])
    app_make.debtor(campaign)
    agent = agent_client(app, nadia)
    console = f"/console/campaigns/{campaign.id}"
    assert options(agent.get(console).get_data(as_text=True)) == [
        "Pause café", "Déjeuner", "Formation", "Problème technique", "Briefing"]
    # Nadia takes a training pause before the manager retires the reason.
    assert agent.post(f"{console}/state", {"state": "pause", "reason": "training"}, htmx=True).status_code == 200
    assert agent.post(f"{console}/state", {"state": "ready"}, htmx=True).status_code == 200

    web.login(app_make.user(Role.MANAGER))
    page = html.unescape(web.get(PAGE).get_data(as_text=True))
    assert "Motifs de pause" in page and "Déjeuner" in page
    lunch, training = reason_id(db, code="lunch"), reason_id(db, code="training")
    assert web.post(PAGE, {"action": "rename", "reason": lunch, "label": "Pause déjeuner"}).status_code == 303
    assert web.post(PAGE, {"action": "add", "label": "  Réunion   d'équipe "}).status_code == 303
    meeting = reason_id(db, label="Réunion d'équipe")
    for _ in range(5):                                   # to the top of the list
        assert web.post(PAGE, {"action": "up", "reason": meeting}).status_code == 303
    assert web.post(PAGE, {"action": "retire", "reason": training}).status_code == 303

    shown = options(agent.get(console).get_data(as_text=True))
    assert shown == ["Réunion d'équipe", "Pause café", "Pause déjeuner", "Problème technique", "Briefing"]
    code = db.scalar(sa.select(PauseReason.code).where(PauseReason.id == meeting))
    assert agent.post(f"{console}/state", {"state": "pause", "reason": code}, htmx=True).status_code == 200
    assert "En pause · Réunion d'équipe" in html.unescape(agent.get(console).get_data(as_text=True))
    # A retired reason is refused to a form sent from an old page.
    refused = agent.post(f"{console}/state", {"state": "pause", "reason": "training"}, htmx=True)
    assert refused.status_code == 422 and "motif de la pause" in html.unescape(refused.get_data(as_text=True))

    # The live view keeps the name of the pause taken before the reason was retired.
    floor = html.unescape(web.get(f"/campaigns/{campaign.id}/supervision/floor", htmx=True).get_data(as_text=True))
    assert "Réunion d'équipe" in floor and "Formation" in floor
    page = html.unescape(web.get(PAGE).get_data(as_text=True))
    row = page[page.index(f'id="reason-{training}"'):]
    assert "plus proposé" in row[:row.index("</tr>")] and '<td class="num">1</td>' in row[:row.index("</tr>")]
    actions = set(db.scalars(sa.select(AuditEntry.action).where(AuditEntry.action.like("pause_reason.%"))))
    assert actions == {"pause_reason.rename", "pause_reason.add", "pause_reason.moved", "pause_reason.retired"}
    assert db.scalar(sa.select(sa.func.count()).select_from(AgentStateChange).where(
        AgentStateChange.reason == "training")) == 1


def test_a_reason_written_twice_empty_or_too_long_is_refused_beside_its_field(app_make, web, db):
    web.login(app_make.user(Role.MANAGER))
    web.get(PAGE)
    lunch = reason_id(db, code="lunch")
    for label, words in (("", "Écrivez le motif"), ("déjeuner", "déjà dans la liste"), ("x" * 61, "60 caractères"),
                         ("\u202e\u200b", "Écrivez le motif")):
        answer = web.post(PAGE, {"action": "add", "label": label})
        assert answer.status_code == 422, label
        assert words in html.unescape(answer.get_data(as_text=True)), label
    renamed = web.post(PAGE, {"action": "rename", "reason": lunch, "label": "Briefing"})
    assert renamed.status_code == 422 and 'aria-invalid="true" aria-describedby="label-%d-error"' % lunch in \
        renamed.get_data(as_text=True)
    assert db.scalar(sa.select(PauseReason.label).where(PauseReason.id == lunch)) is None   # still "Déjeuner"
    assert web.post(PAGE, {"action": "rename", "reason": 999999, "label": "Autre"}).status_code == 404
    assert web.post(PAGE, {"action": "explode"}).status_code == 400


def test_the_last_reason_offered_cannot_be_retired(app_make, web, db):
    web.login(app_make.user(Role.MANAGER))
    web.get(PAGE)
    ids = list(db.scalars(sa.select(PauseReason.id).order_by(PauseReason.position)))
    for rid in ids[:-1]:
        assert web.post(PAGE, {"action": "retire", "reason": rid}).status_code == 303
    last = web.post(PAGE, {"action": "retire", "reason": ids[-1]})
    assert last.status_code == 422 and "au moins un motif" in html.unescape(last.get_data(as_text=True))
    assert web.post(PAGE, {"action": "offer", "reason": ids[0]}).status_code == 303
    assert db.scalar(sa.select(sa.func.count()).select_from(PauseReason).where(PauseReason.active)) == 2


def test_only_managers_and_admins_edit_the_reasons(app, app_make):
    for role, status in ((Role.AGENT, 403), (Role.CLIENT, 403), (Role.MANAGER, 200), (Role.ADMIN, 200)):
        client = agent_client(app, app_make.user(role))
        assert client.get(PAGE).status_code == status, role
        assert client.post(PAGE, {"action": "add", "label": f"Par {role.value}"}).status_code == (
            303 if status == 200 else 403), role


def test_the_english_console_reads_the_built_in_reasons_in_english_and_a_managers_as_written(app, app_make, web):
    web.login(app_make.user(Role.MANAGER))
    assert web.post(PAGE, {"action": "add", "label": "Réunion d'équipe"}).status_code == 303
    nadia = app_make.user(Role.AGENT, name="Nadia")
    nadia.locale = "en"
    campaign = app_make.campaign(agents=[nadia])
    shown = options(agent_client(app, nadia).get(f"/console/campaigns/{campaign.id}").get_data(as_text=True))
    assert shown == ["Break", "Lunch", "Training", "Technical problem", "Briefing", "Réunion d'équipe"]


def test_the_card_dials_through_a_softphone_when_the_campaign_says_so(app, app_make, web, db):
    nadia = app_make.user(Role.AGENT, name="Nadia")
    campaign = app_make.campaign(agents=[nadia])
    app_make.debtor(campaign, phones=("06 12 34 56 78",))
    agent = agent_client(app, nadia)
    card = agent.post(f"/console/campaigns/{campaign.id}/next", htmx=True).get_data(as_text=True)
    assert 'href="tel:+33612345678"' in card

    web.login(app_make.user(Role.MANAGER))
    rules = web.get(f"/rules/campaigns/{campaign.id}").get_data(as_text=True)
    form = dict(re.findall(r'<input id="([a-z_0-9]+)" name="\1"[^>]* value="([^"]*)"', rules))
    form.update({"days": ["0", "1", "2", "3", "4"], "window_0_start": "09:00", "window_0_end": "18:00",
                 "dial_scheme": "sip"})
    assert web.post(f"/rules/campaigns/{campaign.id}", form).status_code == 303
    db.expire_all()
    card = agent.get(f"/console/campaigns/{campaign.id}").get_data(as_text=True)
    assert 'href="sip:+33612345678"' in card
    form["dial_scheme"] = "skype"
    refused = web.post(f"/rules/campaigns/{campaign.id}", form)
    assert refused.status_code == 422 and "numéros" in html.unescape(refused.get_data(as_text=True))
