"""A NUL byte or 10,000 characters in every field added for the e-mails, the client's answers and the
shift: a 4xx with a message (or the value bounded and saved), never a 500."""
from __future__ import annotations

import html
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa

from campaigns import queue
from campaigns.models import ContactResult, InvoiceMotive, Role
from campaigns.outcomes import MotiveInput, OutcomeInput, record_outcome

HOSTILE = ["a\x00b", "x" * 10_000, "{" * 5_000, "é\u202e" * 3_000]


@pytest.fixture
def floor(app_make, db):
    company = app_make.client_company(name="Durand")
    agent = app_make.user(Role.AGENT)
    campaign = app_make.campaign(client_company=company, agents=[agent])
    debtor = app_make.debtor(campaign, emails="compta@lopez.fr")
    queue.open_debtor(db, debtor.id, agent.id, now=datetime.now(timezone.utc))
    record_outcome(db, debtor.id, agent.id, OutcomeInput(result=ContactResult.RIGHT_PARTY, motives=[
        MotiveInput(invoice_ids=None, motive_code="dispute.price")]))
    db.commit()
    motive = db.scalar(sa.select(InvoiceMotive.id).where(InvoiceMotive.debtor_id == debtor.id))
    return company, agent, campaign, debtor, motive


@pytest.mark.parametrize("value", HOSTILE)
def test_no_new_field_answers_a_5xx(web, app_make, floor, value):
    company, agent, campaign, debtor, motive = floor
    web.login(app_make.user(Role.MANAGER))
    base = f"/campaigns/{campaign.id}"
    answers = [
        web.post(f"{base}/client/emails", {"reminder-fr-subject": value, "reminder-fr-body": value}),
        web.post(f"{base}/client/emails/preview", {"kind": value, "language": value, "thanks-fr-body": value}, htmx=True),
        web.post(f"{base}/supervision/disputes/{motive}/answer", {"decision": value, "note": value, "amount": value}),
        web.post(f"{base}/supervision/disputes/{motive}/answer", {"decision": "corrected", "note": "ok", "amount": value}),
        web.post(f"{base}/supervision/debtors/{debtor.id}/hold", {"reason": value, "back": value}),
        web.post(f"{base}/supervision/wrong-numbers/{debtor.id}", {"phone": value}, htmx=True),
        web.post(f"{base}/supervision/floor/agents/{agent.id}/message", {"text": value}),
        web.get(f"{base}/supervision/holds?q={value[:3000]}"),
        web.get(f"{base}/supervision/messages?status={value[:100]}&page={value[:100]}"),
        web.post(f"{base}/client/", {"legal_name": "Durand", "customer_accounts": value}),
        web.post("/account/digest", {"digest": value}),
        web.post("/admin/pause-reasons", {"action": "add", "label": value}),
        web.post("/admin/pause-reasons", {"action": value, "reason": value, "label": value}),
        web.post("/admin/pause-reasons", {"action": "rename", "reason": "1", "label": value}),
        web.post(f"/rules/campaigns/{campaign.id}", {"dial_scheme": value}),
    ]
    for response in answers:
        assert response.status_code < 500, response.get_data(as_text=True)[:500]
    refused = html.unescape(answers[0].get_data(as_text=True))
    assert answers[0].status_code in (303, 400, 422) and "Traceback" not in refused    # 400: the edge refuses a NUL
    web.post("/logout")
    web.login(agent)
    console = f"/console/campaigns/{campaign.id}"
    for response in (web.post(f"{console}/state", {"state": value, "reason": value}, htmx=True),
                     web.post(f"{console}/state", {"state": "pause", "reason": value}, htmx=True),
                     web.post(f"{console}/debtors/{debtor.id}/no-email", {"no_email": value}, htmx=True),
                     web.post(f"{console}/messages/1/read", htmx=True)):
        assert response.status_code < 500
    assert "\x00" not in html.unescape(web.get(console).get_data(as_text=True))
