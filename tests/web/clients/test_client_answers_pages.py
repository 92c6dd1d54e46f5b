"""The client's user answers a dispute on its page (with a document), gives a number or says none is known,
and holds a debtor; company B's user and an agent can do none of it on company A's campaign."""
from __future__ import annotations

import html
import io
from datetime import datetime, timezone

import sqlalchemy as sa

from campaigns import queue
from campaigns.models import (ContactResult, DebtorAccount, DisputeAttachment, InvoiceMotive, MotiveStatus,
                              QueueState, Role)
from campaigns.outcomes import MotiveInput, OutcomeInput, record_outcome

PDF = b"%PDF-1.4\n%%EOF\n"


def disputed_campaign(app_make, db):
    company = app_make.client_company(name="Durand")
    agent = app_make.user(Role.AGENT, name="Nadia")
    campaign = app_make.campaign(client_company=company, agents=[agent])
    debtor = app_make.debtor(campaign, invoices=[(120_000, 40)], company_name="Garage Lopez")
    queue.open_debtor(db, debtor.id, agent.id, now=datetime.now(timezone.utc))
    record_outcome(db, debtor.id, agent.id, OutcomeInput(result=ContactResult.RIGHT_PARTY, motives=[
        MotiveInput(invoice_ids=None, motive_code="dispute.price", details="Prix convenu 900 €")]))
    db.commit()
    motive = db.scalar(sa.select(InvoiceMotive).where(InvoiceMotive.debtor_id == debtor.id))
    return company, agent, campaign, debtor, motive


def test_the_client_answers_a_dispute_with_a_document_and_the_agent_reads_it_on_the_card(web, app_make, db):
    company, agent, campaign, debtor, motive = disputed_campaign(app_make, db)
    web.login(app_make.user(Role.CLIENT, client_company=company))
    dashboard = web.get(f"/campaigns/{campaign.id}/supervision/").get_data(as_text=True)
    assert f'id="answer-{motive.id}"' in dashboard
    url = f"/campaigns/{campaign.id}/supervision/disputes/{motive.id}"
    page = html.unescape(web.get(url).get_data(as_text=True))
    assert "Prix convenu 900 €" in page and "Facture maintenue" in page and "Avoir à venir" in page

    refused = web.post(f"{url}/answer", {"decision": "corrected", "note": "", "amount": "2 000,00"})
    text = html.unescape(refused.get_data(as_text=True))
    assert refused.status_code == 422 and "Écrivez la réponse que le négociateur donnera au débiteur." in text
    assert "indiquez moins que son reste dû 1\u202f200,00\u00a0€" in text and 'value="2 000,00"' in text

    response = web.post(f"{url}/answer", {
        "decision": "maintained", "note": "Le bon de commande signé indique 1 200 €.",
        "attachments": (io.BytesIO(PDF), "bon-de-commande.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 303
    db.expire_all()
    assert db.get(InvoiceMotive, motive.id).status is MotiveStatus.RESOLVED
    [document] = db.scalars(sa.select(DisputeAttachment)).all()
    download = web.get(f"{url}/attachments/{document.id}")
    assert download.data == PDF and download.headers["X-Content-Type-Options"] == "nosniff"
    assert "bon-de-commande.pdf" in web.get(url).get_data(as_text=True)

    web.post("/logout")
    web.login(app_make.user(Role.MANAGER))
    board = html.unescape(web.get(f"/campaigns/{campaign.id}/supervision/").get_data(as_text=True))
    row = board[board.index(f'id="answer-row-{motive.id}"'):]
    assert "Facture maintenue" in row[:600] and "Le bon de commande signé" in row[:600]

    web.post("/logout")
    web.login(agent)
    card = html.unescape(web.get(f"/console/campaigns/{campaign.id}/debtors/{debtor.id}").get_data(as_text=True))
    answers = card[card.index('id="client-answers"'):]
    assert "Facture maintenue" in answers and "Le bon de commande signé indique 1 200 €." in answers


def test_another_companys_user_and_an_agent_cannot_answer(web, app_make, db):
    company, agent, campaign, debtor, motive = disputed_campaign(app_make, db)
    url = f"/campaigns/{campaign.id}/supervision/disputes/{motive.id}"
    outsider = app_make.user(Role.CLIENT, client_company=app_make.client_company(name="Autre"))
    web.login(outsider)
    assert web.get(url).status_code == 404
    assert web.post(f"{url}/answer", {"decision": "maintained", "note": "Non."}).status_code == 404
    assert web.post(f"/campaigns/{campaign.id}/supervision/debtors/{debtor.id}/hold",
                    {"reason": "x"}).status_code == 404
    web.post("/logout")
    web.login(agent)
    assert web.post(f"{url}/answer", {"decision": "maintained", "note": "Non."}).status_code == 403
    db.expire_all()
    assert db.get(InvoiceMotive, motive.id).client_decision is None


def test_the_client_gives_a_number_says_none_is_known_and_holds_a_debtor(web, app_make, db):
    company = app_make.client_company(name="Durand")
    campaign = app_make.campaign(client_company=company)
    lost = app_make.debtor(campaign, company_name="Transports Martin", queue_state=QueueState.WRONG_NUMBER)
    none = app_make.debtor(campaign, company_name="Boulangerie Petit", queue_state=QueueState.WRONG_NUMBER)
    held = app_make.debtor(campaign, company_name="Garage Lopez")
    web.login(app_make.user(Role.CLIENT, client_company=company))
    base = f"/campaigns/{campaign.id}/supervision"
    bad = web.post(f"{base}/wrong-numbers/{lost.id}", {"phone": "pas de numéro"}, htmx=True)
    assert bad.status_code == 422
    assert web.post(f"{base}/wrong-numbers/{lost.id}", {"phone": "04 72 10 20 30"}, htmx=True).status_code == 200
    left = web.post(f"{base}/wrong-numbers/{none.id}/none", htmx=True).get_data(as_text=True)
    assert "Boulangerie Petit" not in left and "Transports Martin" not in left

    found = html.unescape(web.get(f"{base}/holds?q=Garage").get_data(as_text=True))
    assert f'id="hold-{held.id}"' in found
    assert web.post(f"{base}/debtors/{held.id}/hold", {"reason": "Négociation commerciale", "back": "Garage"}
                    ).status_code == 303
    page = html.unescape(web.get(f"{base}/holds").get_data(as_text=True))
    assert "Négociation commerciale" in page and f'id="release-{held.id}"' in page
    db.expire_all()
    assert db.get(DebtorAccount, lost.id).queue_state is QueueState.READY
    assert db.get(DebtorAccount, none.id).no_number_known
    assert db.get(DebtorAccount, held.id).queue_state is QueueState.HELD
    assert web.post(f"{base}/debtors/{held.id}/release").status_code == 303
    db.expire_all()
    assert db.get(DebtorAccount, held.id).queue_state is QueueState.READY
