"""Operations create, import into, staff and start campaigns from the command line."""
import json
from pathlib import Path

import sqlalchemy as sa

from campaigns.models import Campaign, CampaignStatus, DebtorAccount, Invoice, Role

DATA = Path(__file__).resolve().parents[2] / "data"


def invoke(app, *args):
    return app.test_cli_runner().invoke(args=["campaign", *[str(a) for a in args]])


def create(app):
    result = invoke(app, "create", "--client", "Acme SA", "--name", "Relance Q4", "--start", "2026-11-01",
                    "--end", "2026-12-20")
    assert result.exit_code == 0, result.output
    return int(result.output.strip().splitlines()[-1])


def test_create_prints_the_new_campaign_id_on_its_last_line(app, db):
    campaign_id = create(app)
    campaign = db.get(Campaign, campaign_id)
    assert campaign.name == "Relance Q4" and campaign.client_company.name == "Acme SA"
    assert campaign.status is CampaignStatus.DRAFT


def test_import_with_json_prints_the_counts_and_rejections(app, db):
    campaign_id = create(app)
    result = invoke(app, "import", campaign_id, DATA / "sage_balance_cp1252.csv", "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output.strip().splitlines()[-1])
    assert {k: summary[k] for k in ("rows_read", "accepted", "rejected", "skipped", "debtors", "invoices")} == {
        "rows_read": 22, "accepted": 12, "rejected": 3, "skipped": 7, "debtors": 5, "invoices": 12}
    assert summary["total_outstanding"] == "34059.57"
    assert {"row": 22, "column": "Reste dû", "reason": "unreadable amount: “à voir”"} in summary["rejections"]
    assert db.scalar(sa.select(sa.func.count()).select_from(Invoice).where(Invoice.campaign_id == campaign_id)) == 12


def test_dry_run_checks_everything_and_writes_nothing(app, db):
    campaign_id = create(app)
    result = invoke(app, "import", campaign_id, DATA / "receivables.xlsx", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Dry run: nothing written." in result.output and "accepted 12, rejected 3" in result.output
    assert db.scalar(sa.select(sa.func.count()).select_from(DebtorAccount)) == 0


def test_map_overrides_the_suggested_mapping(app):
    campaign_id = create(app)
    result = invoke(app, "import", campaign_id, DATA / "sage_balance_cp1252.csv", "--map", "outstanding=Montant TTC",
                    "--json", "--dry-run")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output.strip().splitlines()[-1])["accepted"] == 12


def test_a_refused_file_exits_non_zero_with_a_clear_message(app):
    campaign_id = create(app)
    result = invoke(app, "import", campaign_id, DATA / "protected.xlsx")
    assert result.exit_code != 0 and "protected by a password" in result.output
    assert invoke(app, "import", campaign_id, DATA / "sage_balance_cp1252.csv").exit_code == 0
    again = invoke(app, "import", campaign_id, DATA / "sage_balance_cp1252.csv", "--update")
    assert again.exit_code != 0 and "already loaded" in again.output


def test_assign_start_and_pause(app, db, app_make):
    agent = app_make.user(Role.AGENT, email="nadia@example.fr")
    campaign_id = create(app)
    assert invoke(app, "assign", campaign_id, "nadia@example.fr").exit_code == 0
    assert invoke(app, "start", campaign_id).exit_code == 0
    assert invoke(app, "pause", campaign_id).exit_code == 0
    db.expire_all()
    campaign = db.get(Campaign, campaign_id)
    assert [u.id for u in campaign.agents] == [agent.id] and campaign.status is CampaignStatus.PAUSED
    assert invoke(app, "pause", campaign_id).exit_code != 0


def test_a_payments_list_previewed_with_dry_run_lists_every_change_and_writes_nothing(app, db):
    campaign_id = create(app)
    assert invoke(app, "import", campaign_id, DATA / "sage_balance_cp1252.csv").exit_code == 0
    result = invoke(app, "import", campaign_id, DATA / "releve_reglements_cp1252.csv", "--payments", "--dry-run",
                    "--json")
    assert result.exit_code == 0, result.output
    output = json.loads(result.output.strip().splitlines()[-1])
    assert output["applied"] is False and output["kind"] == "payments" and output["total_paid"] == "2719.00"
    changes = {c["invoice"]: c for c in output["changes"]}
    assert {k: changes["FA0010034"][k] for k in ("debtor", "before", "after", "change", "promise")} == {
        "debtor": "Garage du Centre", "before": "5366.40", "after": "3366.40", "change": "partly_paid",
        "promise": None}
    assert changes["0001002"]["after"] == "0.00" and changes["FZ999999"]["change"] == "unknown"
    assert db.scalar(sa.select(Invoice.outstanding_cents).where(Invoice.number == "FA0010034")) == 536640
    applied = invoke(app, "import", campaign_id, DATA / "releve_reglements_cp1252.csv", "--payments")
    assert applied.exit_code == 0, applied.output
    assert "FZ999999 (?): unknown invoice, not applied" in applied.output
    db.expire_all()
    assert db.scalar(sa.select(Invoice.outstanding_cents).where(Invoice.number == "FA0010034")) == 336640


def test_the_two_kinds_of_update_are_exclusive_and_a_balance_losing_most_invoices_needs_yes(app, db, tmp_path):
    campaign_id = create(app)
    assert invoke(app, "import", campaign_id, DATA / "sage_balance_cp1252.csv").exit_code == 0
    both = invoke(app, "import", campaign_id, DATA / "releve_reglements_cp1252.csv", "--payments", "--update")
    assert both.exit_code != 0 and "give one of them" in both.output
    short = tmp_path / "balance.csv"
    short.write_text("Code client;Raison sociale;N° facture;Échéance;Reste dû\n"
                     "00042;Boulangerie Martin;0001001;05/07/2026;3 136,50\n", encoding="utf-8")
    refused = invoke(app, "import", campaign_id, short, "--update")
    assert refused.exit_code != 0 and "more than a third" in refused.output and "--yes" in refused.output
    db.expire_all()
    assert db.scalar(sa.select(sa.func.count()).select_from(Invoice).where(
        Invoice.campaign_id == campaign_id, Invoice.outstanding_cents == 0)) == 0
    forced = invoke(app, "import", campaign_id, short, "--update", "--yes")
    assert forced.exit_code == 0, forced.output
    assert "absent from the file" in forced.output


def test_a_file_with_two_plausible_invoice_numbers_is_refused_with_the_map_that_settles_it(app, db):
    campaign_id = create(app)
    refused = invoke(app, "import", campaign_id, DATA / "ambiguous_invoice_numbers.csv")
    assert refused.exit_code != 0
    assert "two columns could hold it" in refused.output and "nothing was loaded" in refused.output
    assert '--map invoice_number="N° facture"' in refused.output
    assert '--map invoice_number="Réf. facture"' in refused.output
    assert db.scalar(sa.select(sa.func.count()).select_from(Invoice)) == 0
    settled = invoke(app, "import", campaign_id, DATA / "ambiguous_invoice_numbers.csv",
                     "--map", "invoice_number=N° facture", "--json")
    assert settled.exit_code == 0, settled.output
    summary = json.loads(settled.output.strip().splitlines()[-1])
    assert (summary["invoices"], summary["debtors"], summary["total_outstanding"]) == (24, 5, "119831.19")
    numbers = set(db.scalars(sa.select(Invoice.number).where(Invoice.campaign_id == campaign_id)))
    assert "FA-2026-0101" in numbers and "000451" not in numbers


def test_import_with_a_customers_file_joins_them_and_names_the_codes_it_lacks(app, db, tmp_path):
    from tests.integration.importing.test_customers_join import CUSTOMERS, INVOICES, csv
    (tmp_path / "factures.csv").write_bytes(csv(INVOICES))
    (tmp_path / "clients.csv").write_bytes(csv(CUSTOMERS))
    campaign_id = create(app)
    result = invoke(app, "import", campaign_id, tmp_path / "factures.csv", "--customers", tmp_path / "clients.csv")
    assert result.exit_code == 0, result.output
    assert ("Customers from the file “clients.csv”: 4 read, 3 debtors found there, 1 invoices whose customer code "
            "is in no customer row (999).") in result.output
    names = set(db.scalars(sa.select(DebtorAccount.company_name)))
    assert {"Boulangerie Martin", "Hôtel Le Relais", "Ateliers de Bretagne", None} == names


def test_a_customers_map_naming_no_key_is_refused_with_what_to_do(app, tmp_path):
    from tests.integration.importing.test_customers_join import CUSTOMERS, INVOICES, csv
    (tmp_path / "factures.csv").write_bytes(csv(INVOICES))
    (tmp_path / "clients.csv").write_bytes(csv(CUSTOMERS))
    campaign_id = create(app)
    result = invoke(app, "import", campaign_id, tmp_path / "factures.csv", "--customers", tmp_path / "clients.csv",
                    "--customers-map", "customer_code=Nope")
    assert result.exit_code != 0 and "The customers table has no column named Nope." in result.output
