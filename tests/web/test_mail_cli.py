"""``flask mail send`` and ``flask mail outbox``: the operator sends what is due and reads each message's
status and the server's answer."""
from __future__ import annotations

import json

from aiosmtpd.controller import Controller

from campaigns import mail
from tests.integration.test_mail_outbox import Inbox, free_port


def test_send_then_read_the_outbox_with_the_servers_answer(app, db, app_make):
    campaign = app_make.campaign()
    debtor = app_make.debtor(campaign, emails="compta@garage-lopez.fr, ancien@garage-lopez.fr")
    mail.queue(db, kind="promise_confirmation", campaign_id=campaign.id, debtor_id=debtor.id,
               recipients=mail.deliverable_addresses(debtor), subject="Votre engagement de paiement", body="…")
    db.commit()
    inbox, port = Inbox(), free_port()
    inbox.refuse = {"ancien@garage-lopez.fr"}
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    app.config["MAIL_URL"] = f"smtp://127.0.0.1:{port}"
    runner = app.test_cli_runner()
    try:
        sent = runner.invoke(args=["mail", "send"])
    finally:
        controller.stop()
    assert sent.exit_code == 0 and "1 sent, 0 to retry, 0 failed." in sent.output
    listed = runner.invoke(args=["mail", "outbox", str(campaign.id)])
    assert "sent" in listed.output and "Votre engagement de paiement" in listed.output
    assert "ancien@garage-lopez.fr: 550 5.1.1" in listed.output
    [row] = json.loads(runner.invoke(args=["mail", "outbox", str(campaign.id), "--json"]).output)
    assert row["status"] == "sent" and row["refused"] == ["ancien@garage-lopez.fr"]


def test_without_a_server_the_messages_go_to_the_outbox_folder(app, db, app_make, tmp_path):
    campaign = app_make.campaign()
    debtor = app_make.debtor(campaign, emails="compta@garage-lopez.fr")
    mail.queue(db, kind="promise_confirmation", campaign_id=campaign.id, debtor_id=debtor.id,
               recipients=["compta@garage-lopez.fr"], subject="Votre engagement", body="Le 15/12")
    db.commit()
    app.config.update(MAIL_URL=None, MAIL_OUTBOX=str(tmp_path / "outbox"))
    result = app.test_cli_runner().invoke(args=["mail", "send", "--now", "2030-01-01T09:00"])
    assert result.exit_code == 0 and "1 sent" in result.output
    assert [p.suffix for p in (tmp_path / "outbox").iterdir()] == [".eml"]
    wrong = app.test_cli_runner().invoke(args=["mail", "send", "--now", "demain"])
    assert wrong.exit_code != 0 and "is not a date and time" in wrong.output
    assert app.test_cli_runner().invoke(args=["mail", "outbox", "999999"]).output.strip().endswith("No campaign 999999.")
