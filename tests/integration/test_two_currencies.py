"""A client's file in euros and US dollars: each invoice keeps its currency, no figure adds the two up, and the
campaign cannot start until the manager gives the dollar's rate that the call order needs."""
from __future__ import annotations

from datetime import datetime, timezone

import openpyxl
import pytest
import sqlalchemy as sa

from campaigns import management, priority
from campaigns.errors import DomainError
from campaigns.importing import service
from campaigns.models import CampaignStatus, DebtorAccount, ImportKind, Invoice
from campaigns.recap import write_recap
from campaigns.supervision import figures

FILE = ("Code client;Raison sociale;Téléphone;N° facture;Échéance;Montant TTC;Reste dû;Devise\n"
        "C1;Alpha SARL;01 45 67 89 10;F1;31/08/2026;1 000,00;1 000,00;EUR\n"
        "C1;Alpha SARL;01 45 67 89 10;F2;30/09/2026;500,00;500,00;€\n"
        "C2;Harbor View LLC;+1 212 555 0147;F3;31/08/2026;15 000,00;15 000,00;USD\n"
        "C2;Harbor View LLC;+1 212 555 0147;F4;30/09/2026;2 000,00;2 000,00;US$\n"
        "C1;Alpha SARL;01 45 67 89 10;F5;30/09/2026;300,00;300,00;USD\n"
        "C3;Gamma SA;01 45 67 89 11;F6;30/09/2026;80,00;80,00;XYZ\n").encode("utf-8")
NOW = datetime(2026, 11, 30, 10, tzinfo=timezone.utc)


@pytest.fixture
def loaded(session, make, tmp_path):
    campaign = make.campaign(status=CampaignStatus.DRAFT)
    batch = service.store_upload(session, campaign, "balance.csv", FILE, str(tmp_path), kind=ImportKind.INITIAL)
    result = service.check(session, batch)
    service.apply(session, batch, result=result)
    session.flush()
    return campaign, batch, result


def test_the_check_gives_each_currency_its_own_total_and_refuses_an_unknown_one(loaded):
    _campaign, batch, result = loaded
    assert result.by_currency == {"EUR": (2, 150_000), "USD": (3, 1_730_000)}
    assert result.as_dict()["currencies"] == {"EUR": {"invoices": 2, "total_outstanding": "1500.00"},
                                              "USD": {"invoices": 3, "total_outstanding": "17300.00"}}
    assert result.as_dict()["total_outstanding"] == "1500.00"          # the euros only, never 18 800
    (rejection,) = result.rejections
    assert (rejection.row, rejection.column) == (7, "Devise") and "XYZ" in rejection.reason
    assert batch.amounts == [("EUR", 150_000), ("USD", 1_730_000)]


def test_a_customer_billed_in_two_currencies_is_two_accounts_each_in_one(session, loaded):
    campaign, _batch, _result = loaded
    accounts = session.execute(sa.select(DebtorAccount.customer_code, DebtorAccount.currency,
                                         DebtorAccount.total_outstanding_cents)
                               .where(DebtorAccount.campaign_id == campaign.id)
                               .order_by(DebtorAccount.customer_code, DebtorAccount.currency)).all()
    assert accounts == [("C1", "EUR", 150_000), ("C1", "USD", 30_000), ("C2", "USD", 1_700_000)]
    assert session.scalar(sa.select(sa.func.count()).select_from(Invoice).where(
        Invoice.campaign_id == campaign.id, Invoice.currency == "USD")) == 3


def test_every_headline_figure_is_given_per_currency(session, loaded):
    campaign, _batch, _result = loaded
    f = figures.campaign_figures(session, campaign.id)
    assert (f.currency, f.amount_placed_cents, f.outstanding_now_cents) == ("EUR", 150_000, 150_000)
    assert f.debtors_placed == 3 and f.invoices_placed == 5          # counts cover both currencies
    usd = f.other_currencies["USD"]
    assert (usd.amount_placed_cents, usd.debtors_placed, usd.invoices_placed) == (1_730_000, 2, 3)
    out = figures.as_dict(f)
    assert out["amount_placed"] == "1500.00" and out["currency"] == "EUR"
    assert out["other_currencies"]["USD"]["amount_placed"] == "17300.00"


def test_the_campaign_waits_for_the_dollar_rate_and_the_call_order_uses_it(session, loaded):
    campaign, _batch, _result = loaded
    with pytest.raises(DomainError) as refused:
        management.change_status(session, campaign, "start")
    assert refused.value.params["currencies"] == "USD"
    assert campaign.status is CampaignStatus.DRAFT

    priority.recompute_campaign(session, campaign.id, now=NOW)
    harbor = session.scalar(sa.select(DebtorAccount).where(DebtorAccount.campaign_id == campaign.id,
                                                           DebtorAccount.customer_code == "C2"))
    alpha = session.scalar(sa.select(DebtorAccount).where(DebtorAccount.campaign_id == campaign.id,
                                                          DebtorAccount.customer_code == "C1",
                                                          DebtorAccount.currency == "EUR"))
    without_rate = harbor.priority
    assert without_rate < alpha.priority + 1          # 17 000 USD count for nothing without a rate
    assert any("USD" in str(params.get("currency", "")) for _t, params in priority.explanation(harbor))

    with pytest.raises(DomainError):
        management.set_exchange_rates(session, campaign, {"USD": "beaucoup"})
    management.set_exchange_rates(session, campaign, {"USD": "0,9"})
    assert campaign.exchange_rates == {"USD": "0.9"}
    priority.recompute_campaign(session, campaign.id, now=NOW)
    session.refresh(harbor)
    # 17 000 USD at 0.9 = 15 300 EUR: 15.3 points more than without the rate.
    assert harbor.priority == pytest.approx(without_rate + 15.3, abs=0.01)
    assert harbor.priority > alpha.priority
    management.change_status(session, campaign, "start")
    assert campaign.status is CampaignStatus.ACTIVE


def test_the_recap_gives_the_dollars_apart_with_their_own_format(session, loaded, tmp_path):
    campaign, _batch, _result = loaded
    target = tmp_path / "recap.xlsx"
    totals = write_recap(session, campaign.id, str(target))
    assert totals["montant_du_cents"] == 150_000
    book = openpyxl.load_workbook(target)
    summary = [[c for c in row if c is not None] for row in book["Synthèse"].iter_rows(values_only=True)]
    flat = [str(c) for row in summary for c in row]
    assert any("Autres devises" in c for c in flat) and "Devise USD" in flat
    assert ["Montant confié", 1500] in summary and ["Montant confié", 17300] in summary
    invoices = book["Factures"]
    header = [c.value for c in invoices[1]]
    due = header.index("Montant dû")
    usd_cells = [row[due] for row in invoices.iter_rows(min_row=2) if row[2].value in ("F3", "F4", "F5")]
    assert len(usd_cells) == 3 and all("USD" in cell.number_format for cell in usd_cells)
