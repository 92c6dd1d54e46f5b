"""A negotiator records a promise with the keyboard; the debtor's confirmation, with its payment reference
and the creditor's bank details, arrives at a real SMTP server once the worker's sending runs."""
from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from aiosmtpd.controller import Controller

from campaigns import payment_references
from campaigns.models import Promise, Role
from tests.integration.test_mail_outbox import Inbox, free_port

from .conftest import log_in, screenshot, start_calling


def test_a_promise_typed_in_the_console_reaches_the_debtors_mailbox(page, live_server):
    make = live_server.make
    company = make.client_company(name="Durand", legal_name="Fournitures Durand SAS",
                                  iban="FR7630006000011234567890189", bic="AGRIFRPP",
                                  reply_to_email="recouvrement@durand.fr")
    agent = make.user(Role.AGENT, name="Nadia Négociatrice")
    campaign = make.campaign(client_company=company, agents=[agent], name="Relance automne")
    debtor = make.debtor(campaign, invoices=[(1_248_000, 60)], company_name="Garage Lopez",
                         emails="compta@garage-lopez.fr")
    live_server.commit()
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    live_server.app.config["MAIL_URL"] = f"smtp://127.0.0.1:{port}"
    try:
        log_in(page, live_server, agent)
        start_calling(page, live_server, campaign)
        page.wait_for_selector(f"#workspace[data-debtor='{debtor.id}']")
        soon = date.today() + timedelta(days=6)
        page.keyboard.press("p")
        page.keyboard.type(soon.strftime("%d/%m/%Y"))
        page.keyboard.press("Enter")
        page.wait_for_function("d => { const w = document.getElementById('workspace');"
                               " return !w || w.dataset.debtor !== d; }", arg=str(debtor.id))
        screenshot(page, "promise-confirmation-after-save")
        with live_server.app.app_context():
            from app.worker.mail import send_due
            assert send_due().sent == 1
    finally:
        controller.stop()
    promise = live_server.session.scalar(sa.select(Promise).where(Promise.debtor_id == debtor.id))
    [(recipients, received)] = inbox.messages
    text = received.get_content()
    assert recipients == ["compta@garage-lopez.fr"] and received["Reply-To"] == "recouvrement@durand.fr"
    assert payment_references.grouped(promise.payment_reference) in received["Subject"]
    assert f"12\u202f480,00\u00a0€ au plus tard le {soon:%d/%m/%Y}, par virement" in text
    assert "FR76 3000 6000 0112 3456 7890 189" in text and "Fournitures Durand SAS" in text
