"""The manager's list of debtors whose numbers all turned out wrong, and the new number that sends them back."""
from __future__ import annotations

import pytest

from campaigns import queue
from campaigns.models import ContactResult, DebtorAccount, Phone, PhoneStatus, QueueState, Role
from campaigns.outcomes import OutcomeInput, record_outcome


@pytest.fixture
def lost(app_make, db):
    """An agent dialled the only number of Boulangerie Martin: wrong number, no other number given."""
    company = app_make.client_company(name="Acme Distribution")
    agent = app_make.user(Role.AGENT, name="Alice Martin")
    campaign = app_make.campaign(client_company=company, agents=[agent])
    debtor = app_make.debtor(campaign, company_name="Boulangerie Martin", phones=("01 42 68 53 00",))
    queue.open_debtor(db, debtor.id, agent.id)
    record_outcome(db, debtor.id, agent.id, OutcomeInput(result=ContactResult.WRONG_NUMBER,
                                                         notes="Numéro attribué à un particulier"))
    db.commit()
    assert db.get(DebtorAccount, debtor.id).queue_state is QueueState.WRONG_NUMBER
    return {"company": company, "campaign": campaign, "debtor": debtor, "agent": agent,
            "url": f"/campaigns/{campaign.id}/supervision"}


def test_the_manager_sees_the_debtor_with_the_number_tried_and_the_agent_note(web, app_make, lost):
    web.login(app_make.user(Role.MANAGER))
    html = web.get(lost["url"] + "/").text
    assert "Numéros à trouver" in html
    row = html.split(f'id="wrong-number-{lost["debtor"].id}"')[1].split("</tr>")[0]
    assert "Boulangerie Martin" in row and "<s>01 42 68 53 00</s>" in row
    assert "Alice Martin" in row and "Numéro attribué à un particulier" in row
    assert 'name="phone"' in row


def test_a_new_number_sends_the_debtor_back_to_the_queue(web, app_make, lost, db):
    web.login(app_make.user(Role.MANAGER))
    url = f"{lost['url']}/wrong-numbers/{lost['debtor'].id}"

    refused = web.post(url, {"phone": "12"}, htmx=True)
    assert refused.status_code == 422
    assert "Ce numéro de téléphone ne semble pas valide." in refused.text
    assert 'value="12"' in refused.text  # what the manager typed is still there
    db.expire_all()
    assert db.get(DebtorAccount, lost["debtor"].id).queue_state is QueueState.WRONG_NUMBER

    accepted = web.post(url, {"phone": "06 12 34 56 78"}, htmx=True)
    assert accepted.status_code == 200
    assert "le débiteur est de retour dans la file" in accepted.text
    assert f'id="wrong-number-{lost["debtor"].id}"' not in accepted.text
    db.expire_all()
    debtor = db.get(DebtorAccount, lost["debtor"].id)
    assert debtor.queue_state is QueueState.READY and debtor.has_valid_phone
    phones = {p.raw: (p.status, p.e164) for p in db.query(Phone).filter_by(debtor_id=debtor.id)}
    assert phones == {"01 42 68 53 00": (PhoneStatus.WRONG, "+33142685300"),
                      "06 12 34 56 78": (PhoneStatus.OK, "+33612345678")}
    assert queue.claim_next(db, lost["campaign"].id, lost["agent"].id).id == debtor.id


def test_the_client_gives_a_number_itself_and_others_cannot_reach_it(web, app_make, lost, db):
    other_company = app_make.client_company(name="Autre client")
    web.login(app_make.user(Role.CLIENT, client_company=other_company))
    assert web.get(lost["url"] + "/wrong-numbers", htmx=True).status_code == 404
    assert web.post(f"{lost['url']}/wrong-numbers/{lost['debtor'].id}", {"phone": "0612345678"}).status_code == 404

    client_user = app_make.user(Role.CLIENT, client_company=lost["company"])
    web.post("/logout")
    web.login(client_user)
    html = web.get(lost["url"] + "/").text
    assert "Boulangerie Martin" in html and 'name="phone"' in html
    assert web.post(f"{lost['url']}/wrong-numbers/{lost['debtor'].id}", {"phone": "0612345678"}).status_code == 303
    db.expire_all()
    assert db.get(type(lost["debtor"]), lost["debtor"].id).queue_state.value == "ready"

    manager = app_make.user(Role.MANAGER)
    other_campaign = app_make.campaign(client_company=other_company)
    web.post("/logout")
    web.login(manager)
    stray = web.post(f"/campaigns/{other_campaign.id}/supervision/wrong-numbers/{lost['debtor'].id}",
                     {"phone": "0612345678"}, htmx=True)
    assert stray.status_code == 404
