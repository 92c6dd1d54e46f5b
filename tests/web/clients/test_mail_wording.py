"""The manager writes the client's own wording of the e-mails to its debtors, previews it with sample values,
and the next confirmation is written with it; a field that does not exist is refused, nothing saved."""
from __future__ import annotations

import html
import re
from datetime import date, datetime, timedelta, timezone

import sqlalchemy as sa

from campaigns import queue
from campaigns.models import (AuditEntry, ClientCompany, ContactResult, OutboundMessage, PaymentMethod, Promise,
                              Role)
from campaigns.outcomes import OutcomeInput, PromiseInput, record_outcome


def form_of(page: str) -> dict:
    """The wording form as a browser sends it (values unescaped, as typed)."""
    fields = {}
    for tag in re.findall(r"<input[^>]*>", page):
        name = re.search(r'name="([^"]+)"', tag)
        if not name or 'type="checkbox"' in tag:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        fields[name.group(1)] = html.unescape(value.group(1)) if value else ""
    for name, body in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', page, re.S):
        fields[name] = html.unescape(body)
    return fields


def setup(app_make):
    company = app_make.client_company(name="Durand", legal_name="Fournitures Durand SAS",
                                      iban="FR7630006000011234567890189", bic="AGRIFRPP")
    agent = app_make.user(Role.AGENT)
    campaign = app_make.campaign(client_company=company, agents=[agent])
    return company, agent, campaign


def test_the_clients_own_confirmation_is_previewed_saved_and_used_for_the_next_promise(web, app_make, db):
    company, agent, campaign = setup(app_make)
    debtor = app_make.debtor(campaign, invoices=[(120_000, 40)], emails="compta@martin.fr",
                             company_name="Garage Lopez", contact_names="M. Lopez")
    web.login(app_make.user(Role.MANAGER))
    url = f"/campaigns/{campaign.id}/client/emails"
    page = web.get(url).get_data(as_text=True)
    assert "Rédaction de Relance".lower() in page.lower() and "{reference}" in page and "Aperçu" in page
    form = form_of(page)
    assert form["promise_confirmation-fr-subject"] == "Confirmation de votre engagement de paiement · {reference}"

    form["promise_confirmation-fr-subject"] = "{societe} : votre engagement auprès de Durand ({reference})"
    form["promise_confirmation-fr-body"] = "Bonjour {contact},\n\nVous vous êtes engagé à régler {engagement}\n\n{coordonnees_bancaires}\n"
    preview = web.post(f"{url}/preview", {**form, "kind": "promise_confirmation", "language": "fr"}, htmx=True)
    shown = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "Garage Martin SARL : votre engagement auprès de Durand (RF" in shown
    assert "Bonjour Mme Claire Martin" in shown and "FR76 3000 6000 0112 3456 7890 189" in shown
    assert db.get(ClientCompany, company.id).mail_templates is None          # a preview saves nothing

    assert web.post(url, form).status_code == 303
    db.expire_all()
    assert set(db.get(ClientCompany, company.id).mail_templates) == {"promise_confirmation"}
    [entry] = db.scalars(sa.select(AuditEntry).where(AuditEntry.action == "client.mail_wording_changed")).all()
    assert entry.details["wordings"] == ["promise_confirmation.fr"]
    assert "rédaction propre du client" in web.get(url).get_data(as_text=True)

    now = datetime.now(timezone.utc)
    queue.open_debtor(db, debtor.id, agent.id, now=now)
    record_outcome(db, debtor.id, agent.id, OutcomeInput(result=ContactResult.RIGHT_PARTY, promise=PromiseInput(
        promised_date=date.today() + timedelta(days=7), amount_cents=120_000, method=PaymentMethod.TRANSFER)),
        now=now)
    db.commit()
    message = db.scalar(sa.select(OutboundMessage).where(OutboundMessage.debtor_id == debtor.id))
    reference = db.scalar(sa.select(Promise.payment_reference).where(Promise.debtor_id == debtor.id))
    assert message.subject.startswith("Garage Lopez : votre engagement auprès de Durand (RF")
    assert reference[:4] in message.subject
    assert message.body.startswith("Bonjour M. Lopez,") and "Vous vous êtes engagé à régler 1\u202f200,00\u00a0€" in message.body


def test_an_unknown_merge_field_is_refused_beside_its_field_and_nothing_is_saved(web, app_make, db):
    company, _, campaign = setup(app_make)
    web.login(app_make.user(Role.MANAGER))
    url = f"/campaigns/{campaign.id}/client/emails"
    form = form_of(web.get(url).get_data(as_text=True))
    form["reminder-en-body"] = "You owe {montant_du} to {client}."
    form["thanks-fr-subject"] = ""
    response = web.post(url, form)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="error-reminder-en-body"' in page and "Champs de fusion inconnus : {montant_du}." in page
    assert 'id="error-thanks-fr-subject"' in page and "Une rédaction demande un objet en plus du texte." in page
    assert "You owe {montant_du} to {client}." in page                       # what was typed is still there
    db.expire_all()
    assert db.get(ClientCompany, company.id).mail_templates is None


def test_going_back_to_relances_wording_and_what_a_client_user_may_do(web, app_make, db):
    company, _, campaign = setup(app_make)
    manager = app_make.user(Role.MANAGER)
    web.login(manager)
    url = f"/campaigns/{campaign.id}/client/emails"
    form = form_of(web.get(url).get_data(as_text=True))
    form["thanks-en-subject"] = "Thanks, {societe}"
    assert web.post(url, form).status_code == 303
    form = form_of(web.get(url).get_data(as_text=True))
    assert web.post(url, {**form, "restore-thanks-en": "1"}).status_code == 303
    db.expire_all()
    assert db.get(ClientCompany, company.id).mail_templates is None

    reader = app_make.user(Role.CLIENT, client_company=company)
    web.post("/logout")
    web.login(reader)
    page = web.get(url)
    assert page.status_code == 200 and "readonly" in page.get_data(as_text=True)
    form.pop("csrf_token")
    assert web.post(url, form).status_code == 403
