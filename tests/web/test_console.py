"""The agent console over HTTP: each outcome with and without htmx, permissions, takeover, inline errors."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import re

import pytest
import sqlalchemy as sa

from tests.factories import WebClient

from campaigns.models import (CallAttempt, Callback, DebtorAccount, InvoiceMotive, Promise, Role)


@pytest.fixture
def desk(app_make, db):
    """An agent assigned to an active campaign of three debtors, and a manager."""
    agent = app_make.user(Role.AGENT, name="Alice Martin")
    manager = app_make.user(Role.MANAGER, name="Marc Leroy")
    campaign = app_make.campaign(agents=[agent], name="Relance Dupont")
    debtors = [app_make.debtor(campaign, invoices=[(1_248_000, 40), (52_050, 10)], company_name=f"Société {n}")
               for n in ("Alpha", "Bravo", "Charlie")]

    class Desk:
        pass
    d = Desk()
    d.agent, d.manager, d.campaign, d.debtors = agent, manager, campaign, debtors
    d.url = f"/console/campaigns/{campaign.id}"
    return d


def open_day(campaign, after_days=2):
    """A day when the campaign calls (no weekend, no public holiday), for callbacks at 14:30."""
    from campaigns import calendar
    day = date.today() + timedelta(days=after_days)
    while not calendar.is_open_day(campaign, day):
        day += timedelta(days=1)
    return day


def start(web, desk):
    """Claim the first debtor and return its id."""
    response = web.post(desk.url + "/next", htmx=True)
    assert response.status_code == 200
    assert b'id="outcome-form"' in response.data
    return int(response.data.split(b'data-debtor="')[1].split(b'"')[0])


def attempts(db, debtor_id):
    db.expire_all()
    return db.scalars(sa.select(CallAttempt).where(CallAttempt.debtor_id == debtor_id)).all()


def test_an_agent_sees_his_campaigns_with_a_key_to_start_calling(web, desk):
    web.login(desk.agent)
    page = web.get("/console/")
    assert page.status_code == 200
    assert "Relance Dupont" in page.text
    assert "<kbd>1</kbd>" in page.text
    assert page.headers["Vary"] == "HX-Request" or "HX-Request" in page.headers["Vary"]


def test_outside_calling_hours_the_agent_is_told_when_calls_open_again(web, desk, db):
    from campaigns.models import Campaign
    from campaigns.models.campaign import default_calling_hours
    campaign = db.get(Campaign, desk.campaign.id)
    hours = default_calling_hours()
    hours["days"] = []  # no calling day at all: closed whatever the clock says
    campaign.calling_hours = hours
    db.commit()
    web.login(desk.agent)
    page = web.get(desk.url)
    assert "Hors des heures d’appel" in page.text
    answer = web.post(desk.url + "/next", htmx=True)
    assert 'id="calling-closed"' in answer.text and 'id="outcome-form"' not in answer.text

    campaign.calling_hours = {"days": [0, 1, 2, 3, 4, 5, 6], "windows": [["00:00", "24:00"]]}
    db.commit()
    assert 'id="outcome-form"' in web.post(desk.url + "/next", htmx=True).text


def test_an_emptied_queue_says_nobody_is_left_to_call(web, desk, db):
    from campaigns.models import DebtorAccount
    db.execute(sa.update(DebtorAccount).where(DebtorAccount.campaign_id == desk.campaign.id)
               .values(queue_state="paid"))
    db.commit()
    web.login(desk.agent)
    answer = web.post(desk.url + "/next", htmx=True)
    assert 'id="queue-empty"' in answer.text
    assert "Plus personne à appeler" in answer.text


def test_the_home_page_campaign_name_leads_an_agent_to_the_console(web, desk):
    web.login(desk.agent)
    assert desk.url in web.get("/").text


def test_the_calling_screen_shows_the_card_with_invoices_total_and_tel_links(web, desk):
    web.login(desk.agent)
    debtor_id = start(web, desk)
    page = web.get(desk.url)
    assert page.status_code == 200 and "<html" in page.text
    assert 'href="tel:+33142685300"' in page.text
    assert "01 42 68 53 00" in page.text
    assert "13\u202f000,50\u00a0€" in page.text  # the total, French style
    assert re.search(r"Priorité \d+,\d<", page.text)   # in words and numbers of the user's language
    assert 'data-debtor="%d"' % debtor_id in page.text
    fragment = web.get(desk.url, htmx=True)
    assert "<html" not in fragment.text and 'id="workspace"' in fragment.text


@pytest.mark.parametrize("htmx", [True, False])
@pytest.mark.parametrize("result", ["no_answer", "busy", "voicemail", "switchboard", "wrong_party"])
def test_a_simple_outcome_is_recorded_and_the_next_debtor_follows(web, desk, db, result, htmx):
    web.login(desk.agent)
    debtor_id = start(web, desk)
    response = web.post(f"{desk.url}/debtors/{debtor_id}/outcome",
                        {"outcome": result, "request_key": f"k-{result}-{htmx}"}, htmx=htmx)
    if htmx:
        assert response.status_code == 200
        assert 'id="workspace"' in response.text and "<html" not in response.text
        assert 'data-debtor="%d"' % debtor_id not in response.text  # another debtor is shown
    else:
        assert response.status_code == 303
        assert response.headers["Location"].endswith(desk.url)
    [attempt] = attempts(db, debtor_id)
    assert attempt.result.value == result and attempt.agent_id == desk.agent.id


@pytest.mark.parametrize("htmx", [True, False])
def test_a_wrong_number_is_recorded_with_the_new_number(web, desk, db, htmx):
    web.login(desk.agent)
    debtor_id = start(web, desk)
    dialled = db.get(DebtorAccount, debtor_id).phones[0].e164
    response = web.post(f"{desk.url}/debtors/{debtor_id}/outcome",
                        {"outcome": "wrong_number", "new_phone": "06 12 34 56 78", "phone_dialled": dialled}, htmx=htmx)
    assert response.status_code == (200 if htmx else 303)
    [attempt] = attempts(db, debtor_id)
    assert attempt.result.value == "wrong_number"
    phones = {p.e164 for p in db.get(DebtorAccount, debtor_id).phones}
    assert "+33612345678" in phones
    card = web.get(f"{desk.url}/debtors/{debtor_id}").get_data(as_text=True)
    struck = card[card.index('class="wrong"'):]
    assert desk.agent.name in struck[:struck.index("</li>")]           # struck through, with when and by whom


@pytest.mark.parametrize("htmx", [True, False])
def test_a_promise_on_two_invoices_with_a_price_dispute_and_an_invoice_not_received(web, desk, db, app_make, htmx):
    debtor = app_make.debtor(desk.campaign, invoices=[(10_000, 50), (20_000, 40), (30_000, 30), (40_000, 20)],
                             company_name="Aaa Multi", priority=100.0)
    web.login(desk.agent)
    web.post(f"{desk.url}/debtors/{debtor.id}/open", htmx=True)
    inv = [i.id for i in sorted(db.get(DebtorAccount, debtor.id).invoices, key=lambda i: i.number)]
    promise_day = date.today() + timedelta(days=7)
    response = web.post(f"{desk.url}/debtors/{debtor.id}/outcome", {
        "outcome": "contact", "promise_on": "1", "promise_date": promise_day.strftime("%d/%m/%Y"),
        "promise_amount": "300,00", "promise_method": "virement", "promise_invoices": [str(inv[0]), str(inv[1])],
        "motive_on": "1", "motive_1_code": "dispute.price", "motive_1_invoices": str(inv[2]),
        "motive_1_details": "Prix convenu 250 €", "motive_1_disputed": "50,00",
        "motive_2_code": "documents.invoice_not_received", "motive_2_invoices": str(inv[3]),
        "motive_2_documents": "Duplicata de la facture", "notes": "Comptable coopératif",
    }, htmx=htmx)
    assert response.status_code == (200 if htmx else 303), response.text[:2000]
    db.expire_all()
    [promise] = db.scalars(sa.select(Promise).where(Promise.debtor_id == debtor.id)).all()
    assert promise.amount_cents == 30_000 and promise.promised_date == promise_day
    assert sorted(i.id for i in promise.invoices) == inv[:2]
    motives = {m.invoice_id: m for m in db.scalars(sa.select(InvoiceMotive).where(InvoiceMotive.debtor_id == debtor.id))}
    assert motives[inv[2]].motive.code == "dispute.price" and motives[inv[2]].disputed_amount_cents == 5_000
    assert motives[inv[3]].motive.code == "documents.invoice_not_received"
    assert motives[inv[3]].documents_requested == "Duplicata de la facture"
    assert attempts(db, debtor.id)[0].notes == "Comptable coopératif"


@pytest.mark.parametrize("htmx", [True, False])
def test_a_payment_plan_is_recorded_with_its_instalments(web, desk, db, htmx):
    web.login(desk.agent)
    debtor_id = start(web, desk)
    d1, d2 = date.today() + timedelta(days=10), date.today() + timedelta(days=40)
    response = web.post(f"{desk.url}/debtors/{debtor_id}/outcome", {
        "outcome": "contact", "promise_on": "1", "plan_on": "1", "promise_method": "cheque",
        "plan_date_1": d1.strftime("%d/%m/%Y"), "plan_amount_1": "6 500,25",
        "plan_date_2": d2.isoformat(), "plan_amount_2": "6 500,25",
    }, htmx=htmx)
    assert response.status_code == (200 if htmx else 303), response.text[:2000]
    db.expire_all()
    [promise] = db.scalars(sa.select(Promise).where(Promise.debtor_id == debtor_id)).all()
    assert promise.is_plan and [(i.due_date, i.amount_cents) for i in promise.instalments] == [
        (d1, 650_025), (d2, 650_025)]


@pytest.mark.parametrize("htmx", [True, False])
def test_a_team_callback_is_scheduled_in_paris_time(web, desk, db, htmx):
    web.login(desk.agent)
    debtor_id = start(web, desk)
    day = open_day(desk.campaign)
    response = web.post(f"{desk.url}/debtors/{debtor_id}/outcome", {
        "outcome": "contact", "callback_on": "1", "callback_date": day.strftime("%d/%m/%Y"),
        "callback_time": "14:30", "callback_scope": "team", "callback_note": "Demander M. Roux"}, htmx=htmx)
    assert response.status_code == (200 if htmx else 303), response.text[:2000]
    db.expire_all()
    [callback] = db.scalars(sa.select(Callback).where(Callback.debtor_id == debtor_id)).all()
    from zoneinfo import ZoneInfo
    assert callback.due_at.astimezone(ZoneInfo("Europe/Paris")).strftime("%H:%M") == "14:30"
    assert callback.agent_id is None and callback.note == "Demander M. Roux"


@pytest.mark.parametrize("htmx", [True, False])
def test_already_paid_and_refusal_are_recorded(web, desk, db, htmx):
    web.login(desk.agent)
    first = start(web, desk)
    paid = date.today() - timedelta(days=3)
    response = web.post(f"{desk.url}/debtors/{first}/outcome", {
        "outcome": "contact", "paid_on": "1", "paid_date": paid.strftime("%d/%m/%Y"), "paid_method": "virement"},
        htmx=htmx)
    assert response.status_code == (200 if htmx else 303), response.text[:2000]
    db.expire_all()
    assert any(m.paid_on == paid for m in db.scalars(sa.select(InvoiceMotive).where(InvoiceMotive.debtor_id == first)))
    second = start(web, desk) if not htmx else int(response.text.split('data-debtor="')[1].split('"')[0])
    response = web.post(f"{desk.url}/debtors/{second}/outcome", {"outcome": "refusal", "notes": "Refuse net"},
                        htmx=htmx)
    assert response.status_code == (200 if htmx else 303)
    [attempt] = attempts(db, second)
    assert attempt.result.value == "refusal"


@pytest.mark.parametrize("htmx", [True, False])
def test_validation_errors_show_inline_with_422_and_keep_what_was_typed(web, desk, db, htmx):
    web.login(desk.agent)
    debtor_id = start(web, desk)
    response = web.post(f"{desk.url}/debtors/{debtor_id}/outcome", {
        "outcome": "contact", "promise_on": "1", "promise_date": "31/02/2026", "promise_amount": "douze",
        "promise_method": "virement", "notes": "Rappeler après 14 h"}, htmx=htmx)
    assert response.status_code == 422
    assert ('<html' in response.text) is (not htmx)
    assert 'id="promise_date-error"' in response.text and 'id="promise_amount-error"' in response.text
    assert 'value="31/02/2026"' in response.text and 'value="douze"' in response.text
    assert "Rappeler après 14 h" in response.text
    assert attempts(db, debtor_id) == []


def test_a_domain_validation_error_is_shown_next_to_its_field(web, desk, db):
    web.login(desk.agent)
    debtor_id = start(web, desk)
    response = web.post(f"{desk.url}/debtors/{debtor_id}/outcome", {
        "outcome": "contact", "promise_on": "1", "promise_date": (date.today() - timedelta(days=30)).isoformat(),
        "promise_method": "virement"}, htmx=True)
    assert response.status_code == 422
    assert 'class="field-error"' in response.text
    assert attempts(db, debtor_id) == []


def test_an_agent_whose_lease_was_taken_over_is_told_and_overwrites_nothing(web, desk, db, app_make, app):
    other = app_make.user(Role.AGENT, name="Bruno Petit")
    desk.campaign.agents  # noqa: B018
    db.execute(sa.text("INSERT INTO campaign_agents (campaign_id, user_id) VALUES (:c, :u)"),
               {"c": desk.campaign.id, "u": other.id})
    db.commit()
    web.login(desk.agent)
    debtor_id = start(web, desk)
    # The lease runs out and Bruno opens the debtor and records a promise.
    db.execute(sa.update(DebtorAccount).where(DebtorAccount.id == debtor_id)
               .values(lease_expires_at=datetime.now(timezone.utc) - timedelta(minutes=1)))
    db.commit()
    bruno = app.test_client()
    web2 = WebClient(bruno, app)
    web2.login(other)
    assert web2.post(f"{desk.url}/debtors/{debtor_id}/open", htmx=True).status_code == 200
    # Alice saves late: she is told, and nothing of hers is written.
    response = web.post(f"{desk.url}/debtors/{debtor_id}/outcome", {"outcome": "no_answer"}, htmx=True)
    assert response.status_code == 409
    assert 'id="conflict"' in response.text
    assert attempts(db, debtor_id) == []
    db.expire_all()
    assert db.get(DebtorAccount, debtor_id).leased_by_id == other.id


def test_a_manager_listens_in_then_takes_over(web, desk, db):
    web.login(desk.agent)
    debtor_id = start(web, desk)
    boss = WebClient(web.app.test_client(), web.app)
    boss.login(desk.manager)
    page = boss.get(f"{desk.url}/debtors/{debtor_id}")
    assert page.status_code == 200 and "Alice Martin" in page.text
    assert 'name="takeover"' in page.text and 'id="outcome-form"' not in page.text
    taken = boss.post(f"{desk.url}/debtors/{debtor_id}/open", {"takeover": "1"}, htmx=True)
    assert taken.status_code == 200 and 'id="outcome-form"' in taken.text
    db.expire_all()
    assert db.get(DebtorAccount, debtor_id).leased_by_id == desk.manager.id
    late = web.post(f"{desk.url}/debtors/{debtor_id}/outcome", {"outcome": "busy"}, htmx=True)
    assert late.status_code == 409 and attempts(db, debtor_id) == []


def test_an_agent_not_assigned_gets_404_and_a_client_gets_403(web, desk, app_make):
    stranger = app_make.user(Role.AGENT)
    web.login(stranger)
    assert web.get(desk.url).status_code == 404
    assert web.post(desk.url + "/next", htmx=True).status_code == 404
    assert web.get(f"{desk.url}/debtors/{desk.debtors[0].id}").status_code == 404
    client_user = app_make.user(Role.CLIENT, client_company=desk.campaign.client_company)
    web = WebClient(web.app.test_client(), web.app)
    web.login(client_user)
    assert web.get(desk.url).status_code == 403
    assert web.get("/console/").status_code == 403


def test_an_outcome_without_the_csrf_token_is_refused(web, desk, db):
    web.login(desk.agent)
    debtor_id = start(web, desk)
    response = web.post(f"{desk.url}/debtors/{debtor_id}/outcome", {"outcome": "busy"}, csrf=False)
    assert response.status_code == 400 and attempts(db, debtor_id) == []


def test_search_finds_a_debtor_by_name_code_invoice_or_phone_and_opening_takes_a_lease(web, desk, db):
    web.login(desk.agent)
    target = desk.debtors[1]
    db.refresh(target)
    number = target.invoices[0].number
    for q in ("bravo", target.customer_code, number, "01 42 68 53 00"):
        found = web.get(f"/console/search?q={q}", htmx=True)
        assert found.status_code == 200 and "Société Bravo" in found.text, q
    assert "<html" in web.get("/console/search?q=bravo").text
    opened = web.post(f"{desk.url}/debtors/{target.id}/open", htmx=True)
    assert opened.status_code == 200 and 'id="outcome-form"' in opened.text
    db.expire_all()
    assert db.get(DebtorAccount, target.id).leased_by_id == desk.agent.id


def test_the_lease_is_renewed_while_the_agent_works(web, desk, db):
    web.login(desk.agent)
    debtor_id = start(web, desk)
    db.expire_all()
    before = db.get(DebtorAccount, debtor_id).lease_expires_at
    response = web.post(f"{desk.url}/debtors/{debtor_id}/lease", htmx=True)
    assert response.status_code == 200 and 'id="lease"' in response.text
    db.expire_all()
    assert db.get(DebtorAccount, debtor_id).lease_expires_at >= before


def test_the_day_counter_counts_calls_contacts_and_promises(web, desk, db):
    web.login(desk.agent)
    debtor_id = start(web, desk)
    web.post(f"{desk.url}/debtors/{debtor_id}/outcome", {
        "outcome": "contact", "promise_on": "1", "promise_date": (date.today() + timedelta(days=5)).isoformat(),
        "promise_amount": "1 000,00", "promise_method": "virement"}, htmx=True)
    counter = web.get(f"{desk.url}/day", htmx=True).text
    assert 'data-figure="calls">1<' in counter and 'data-figure="contacts">1<' in counter
    assert 'data-figure="promises">1<' in counter and "1\u202f000,00\u00a0€" in counter


def test_the_card_shows_each_instalment_of_a_plan_as_kept_or_on_track(web, desk, db, tmp_path):
    from campaigns.importing import service
    from campaigns.models import ImportKind

    web.login(desk.agent)
    debtor_id = start(web, desk)
    d1, d2 = date.today() + timedelta(days=3), date.today() + timedelta(days=33)
    web.post(f"{desk.url}/debtors/{debtor_id}/outcome", {
        "outcome": "contact", "promise_on": "1", "plan_on": "1", "promise_method": "virement",
        "plan_date_1": d1.isoformat(), "plan_amount_1": "500,00", "plan_date_2": d2.isoformat(),
        "plan_amount_2": "500,00"}, htmx=True)
    number = db.get(DebtorAccount, debtor_id).invoices[0].number
    payments = f"N° facture;Montant réglé;Date de règlement\n{number};500,00;{date.today():%d/%m/%Y}\n"
    batch = service.store_upload(db, desk.campaign, "reglements.csv", payments.encode(), str(tmp_path),
                                 kind=ImportKind.PAYMENTS)
    service.check(db, batch)
    service.confirm(db, batch)
    service.apply(db, batch)
    db.commit()
    card = web.post(f"{desk.url}/debtors/{debtor_id}/open", htmx=True).text.replace("\u202f", " ").replace("\xa0", " ")
    assert "1 000,00 € le" in card
    first, second = card.split('class="instalments"')[1].split("</ol>")[0].split("</li>")[:2]
    assert "tenue" in first and "en cours" in second
    assert "500,00 € réglés" in card
    from campaigns import payment_references
    from campaigns.models import Promise
    reference = db.scalar(sa.select(Promise.payment_reference).where(Promise.debtor_id == debtor_id))
    assert f"référence de paiement <code>{payment_references.grouped(reference)}</code>" in card


def test_the_script_on_the_card_has_its_merge_fields_filled_and_a_debtors_markup_shown_as_text(web, desk, db):
    from campaigns.models import CallScript
    target = desk.debtors[0]
    target.company_name, target.contact_names = "<b>Alpha</b> & Fils", "Mme Roux, M. Blanc"
    db.add(CallScript(campaign_id=desk.campaign.id, segment="", title="Accueil",
                      body="Bonjour {contact}, {agent} pour {client} : {societe} doit {montant_du} "
                           "({nb_factures} factures, la plus ancienne {plus_ancienne_facture})."))
    db.commit()
    web.login(desk.agent)
    card = web.post(f"{desk.url}/debtors/{target.id}/open", htmx=True).text
    body = card.split('class="script-body">')[1].split("</div>")[0].replace("\u202f", " ").replace("\xa0", " ")
    invoice = min(target.invoices, key=lambda i: i.due_date)
    assert body == (f"Bonjour Mme Roux, Alice Martin pour {desk.campaign.client_company.name} : "
                    f"&lt;b&gt;Alpha&lt;/b&gt; &amp; Fils doit 13 000,50 € (2 factures, la plus ancienne "
                    f"{invoice.number} ({invoice.due_date:%d/%m/%Y})).")


def test_the_script_editor_lists_the_merge_fields_and_refuses_an_unknown_one(web, desk, db):
    web.login(desk.manager)
    url = f"/rules/campaigns/{desk.campaign.id}"
    page = web.get(url).text
    assert "{plus_ancienne_facture}" in page and "la plus ancienne facture ouverte" in page
    form = dict(re.findall(r'name="([^"]+)"[^>]*value="([^"]*)"', page))
    form.update({"days": ["0", "1", "2", "3", "4", "5", "6"], "script_0_title": "Accueil",
                 "script_0_body": "Bonjour {contact}, vous devez {montant}."})
    response = web.post(url, form)
    assert response.status_code == 422 and "Champs de fusion inconnus : {montant}" in response.text
