"""The manager checks from the command line who will be called next and why."""


def test_campaign_queue_prints_the_next_debtors_with_their_reasons(app, app_make):
    campaign = app_make.campaign()
    app_make.debtor(campaign, invoices=[(50_000, 10)], company_name="Petite SARL")
    app_make.debtor(campaign, invoices=[(1_248_000, 95)], company_name="Grosse SA")
    result = app.test_cli_runner().invoke(args=["campaign", "queue", str(campaign.id), "--top", "5"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "Grosse SA" in lines[0] and "12\u202f480,00\u00a0€ owed" in lines[0] and "D+95" in lines[0]
    assert "Petite SARL" in lines[1]


def test_campaign_queue_says_when_nobody_is_to_call(app, app_make):
    campaign = app_make.campaign()
    result = app.test_cli_runner().invoke(args=["campaign", "queue", str(campaign.id)])
    assert result.exit_code == 0 and "Nobody to call now." in result.output
