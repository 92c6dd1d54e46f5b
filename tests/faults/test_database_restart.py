"""The database restarts while agents are calling.

Agents get a clear French answer (503) and keep what they typed; sending it again once the database is back
records it exactly once (same request_key); the app recovers without being restarted.
"""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from campaigns.models import CallAttempt, Role


@pytest.fixture
def desk(pg_make, pg_session, pg_web):
    """An agent logged in, holding the first debtor of a campaign of three."""
    agent = pg_make.user(Role.AGENT, name="Alice Martin")
    campaign = pg_make.campaign(agents=[agent], name="Relance Dupont")
    for name in ("Alpha", "Bravo", "Charlie"):
        pg_make.debtor(campaign, company_name=f"Société {name}")
    pg_session.commit()
    pg_web.login(agent)
    url = f"/console/campaigns/{campaign.id}"
    card = pg_web.post(url + "/next", htmx=True)
    debtor_id = int(card.data.split(b'data-debtor="')[1].split(b'"')[0])

    class Desk:
        pass
    d = Desk()
    d.agent, d.url, d.debtor_id = agent, url, debtor_id
    d.outcome_url = f"{url}/debtors/{debtor_id}/outcome"
    return d


def recorded(session, key: str) -> int:
    session.rollback()
    return session.scalar(sa.select(sa.func.count()).select_from(CallAttempt).where(CallAttempt.request_key == key))


def test_after_a_database_restart_the_next_save_goes_through_without_restarting_the_app(
        pg_web, pg_session, desk, outage):
    assert outage.drop_connections() > 0  # the app's pooled connections included
    answer = pg_web.post(desk.outcome_url, {"outcome": "no_answer", "request_key": "after-restart"}, htmx=True)
    assert answer.status_code == 200
    assert "Appel enregistré." in answer.text
    assert recorded(pg_session, "after-restart") == 1


def test_while_the_database_is_down_the_agent_is_told_and_the_entry_is_recorded_once_when_it_is_back(
        pg_web, pg_session, desk, outage):
    entry = {"outcome": "voicemail", "notes": "Message laissé au standard, rappeler mardi",
             "request_key": "typed-during-restart"}
    outage.begin()

    answer = pg_web.post(desk.outcome_url, entry, htmx=True)
    assert answer.status_code == 503 and answer.headers["Retry-After"]
    assert "<html" not in answer.text  # a fragment: the console keeps the form on screen (console.js)
    assert "La base de données est momentanément indisponible." in answer.text
    assert "Votre saisie est conservée : renvoyez-la dans un instant, elle ne sera enregistrée qu’une fois." in answer.text

    plain = pg_web.post(desk.outcome_url, entry)  # without JavaScript: a whole page
    assert plain.status_code == 503 and "<html" in plain.text
    assert "Revenez à la page précédente, où votre saisie est conservée" in plain.text
    page = pg_web.get(desk.url)
    assert page.status_code == 503 and "Rechargez la page dans un instant." in page.text

    outage.end()
    again = pg_web.post(desk.outcome_url, entry, htmx=True)
    assert again.status_code == 200 and "Appel enregistré." in again.text
    assert pg_web.post(desk.outcome_url, entry, htmx=True).status_code == 200  # a double click, or a retry
    assert recorded(pg_session, "typed-during-restart") == 1
    attempt = pg_session.scalar(sa.select(CallAttempt).where(CallAttempt.request_key == "typed-during-restart"))
    assert attempt.notes == "Message laissé au standard, rappeler mardi" and attempt.debtor_id == desk.debtor_id


def test_a_restart_in_the_middle_of_a_save_loses_nothing_and_the_entry_can_be_sent_again(
        pg_web, pg_session, desk, outage, monkeypatch):
    """The connection dies after the request has begun its transaction: 503, nothing half-recorded."""
    from campaigns import outcomes
    real = outcomes.record_outcome

    def restart_during(session, *args, **kwargs):
        session.execute(sa.text("SELECT 1"))  # the transaction has begun on a pooled connection
        outage.drop_connections()
        return real(session, *args, **kwargs)

    entry = {"outcome": "busy", "request_key": "cut-mid-save"}
    monkeypatch.setattr(outcomes, "record_outcome", restart_during)
    answer = pg_web.post(desk.outcome_url, entry, htmx=True)
    monkeypatch.undo()
    assert answer.status_code == 503
    assert recorded(pg_session, "cut-mid-save") == 0
    assert pg_web.post(desk.outcome_url, entry, htmx=True).status_code == 200
    assert recorded(pg_session, "cut-mid-save") == 1


def test_a_restart_between_saving_and_handing_out_the_next_debtor_still_records_the_call_once(
        pg_web, pg_session, desk, outage, monkeypatch):
    """The call is committed, then the database goes before the next debtor is claimed: 503, and sending the
    same entry again shows the next debtor without recording the call twice."""
    from campaigns import queue
    real = queue.claim_next

    def restart_before_the_next_claim(session, *args, **kwargs):
        outage.begin()
        return real(session, *args, **kwargs)

    entry = {"outcome": "switchboard", "request_key": "saved-then-cut"}
    monkeypatch.setattr(queue, "claim_next", restart_before_the_next_claim)
    answer = pg_web.post(desk.outcome_url, entry, htmx=True)
    monkeypatch.undo()
    outage.end()
    assert answer.status_code == 503
    assert "elle ne sera enregistrée qu’une fois" in answer.text
    assert recorded(pg_session, "saved-then-cut") == 1

    again = pg_web.post(desk.outcome_url, entry, htmx=True)
    assert again.status_code == 200 and 'id="outcome-form"' in again.text  # the next debtor
    assert recorded(pg_session, "saved-then-cut") == 1


def test_a_connection_cut_after_the_page_is_ready_still_gives_the_page_and_the_app_carries_on(
        pg_web, pg_session, desk, outage):
    """The database goes between the view's last query and the end of the request: the session's close at
    the end meets a dead connection; the agent still gets the page computed, and the next request works."""
    app = pg_web.app
    cut = []

    def cut_before_teardown(response):
        cut.append(outage.drop_connections())
        return response

    app.after_request_funcs.setdefault(None, []).append(cut_before_teardown)
    try:
        page = pg_web.get(desk.url)
    finally:
        app.after_request_funcs[None].remove(cut_before_teardown)
    assert cut and cut[0] > 0
    assert page.status_code == 200 and 'id="outcome-form"' in page.text
    answer = pg_web.post(desk.outcome_url, {"outcome": "no_answer", "request_key": "after-the-cut"}, htmx=True)
    assert answer.status_code == 200 and "Appel enregistré." in answer.text
    assert recorded(pg_session, "after-the-cut") == 1
