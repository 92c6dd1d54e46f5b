"""A checked file is loaded all or nothing; the same file twice and bad files are refused with nothing written."""
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from campaigns import clock, priority
from campaigns.errors import DomainError
from campaigns.importing import loading, service
from campaigns.models import (DebtorAccount, ImportBatch, ImportKind, ImportRejection, ImportStatus, Invoice, Phone,
                              QueueState)

DATA = Path(__file__).resolve().parents[2] / "data"


def load(session, campaign, name, tmp_path, kind=ImportKind.INITIAL):
    batch = service.store_upload(session, campaign, name, (DATA / name).read_bytes(), str(tmp_path), kind=kind)
    result = service.check(session, batch)
    service.confirm(session, batch)
    service.apply(session, batch)
    session.commit()
    return batch, result


def count(session, model, campaign):
    return session.scalar(sa.select(sa.func.count()).select_from(model).where(model.campaign_id == campaign.id))


@pytest.mark.parametrize("name", ["sage_balance_cp1252.csv", "receivables.xlsx", "old_excel.xls", "libreoffice.ods",
                                  "excel_unicode_text.txt"])
def test_a_client_file_becomes_debtors_and_invoices_with_the_four_counts(session, make, tmp_path, name):
    campaign = make.campaign()
    batch, _ = load(session, campaign, name, tmp_path)
    assert batch.status is ImportStatus.APPLIED
    assert (batch.rows_read, batch.accepted, batch.rejected, batch.skipped) == (22, 12, 3, 7)
    assert batch.rows_read == batch.accepted + batch.rejected + batch.skipped
    assert count(session, DebtorAccount, campaign) == 5 and count(session, Invoice, campaign) == 12
    total = session.scalar(sa.select(sa.func.sum(DebtorAccount.total_outstanding_cents))
                           .where(DebtorAccount.campaign_id == campaign.id))
    assert total == batch.total_outstanding_cents == 3_405_957
    garage = session.scalar(sa.select(DebtorAccount).where(DebtorAccount.customer_code == "C00002",
                                                           DebtorAccount.campaign_id == campaign.id))
    assert garage.total_outstanding_cents == 536640 + 825174 - 12000 and garage.open_invoices_count == 2
    assert garage.queue_state is QueueState.READY
    assert garage.priority > 0  # the queue's priority is computed right after the load
    pharmacy = session.scalar(sa.select(DebtorAccount).where(DebtorAccount.customer_code == "C00004",
                                                             DebtorAccount.campaign_id == campaign.id))
    assert pharmacy.has_valid_phone is False  # imported and flagged, not rejected
    assert session.scalar(sa.select(Phone.e164).where(Phone.debtor_id == garage.id)) == "+33339438596"
    reasons = session.scalars(sa.select(ImportRejection.reason).where(ImportRejection.batch_id == batch.id)).all()
    assert len(reasons) == 3


def test_the_confirmed_mapping_is_remembered_for_the_client_company(session, make, tmp_path):
    campaign = make.campaign()
    batch, _ = load(session, campaign, "sage_balance_cp1252.csv", tmp_path)
    assert campaign.client_company.column_mapping == batch.mapping


def test_the_same_file_twice_is_refused_with_a_clear_message(session, make, tmp_path):
    campaign = make.campaign()
    load(session, campaign, "sage_balance_cp1252.csv", tmp_path)
    with pytest.raises(DomainError, match="already loaded into this campaign"):
        service.store_upload(session, campaign, "again.csv", (DATA / "sage_balance_cp1252.csv").read_bytes(),
                             str(tmp_path), kind=ImportKind.UPDATE)


def test_a_file_with_headers_only_is_refused(session, make, tmp_path):
    campaign = make.campaign()
    batch = service.store_upload(session, campaign, "h.csv", (DATA / "headers_only.csv").read_bytes(), str(tmp_path))
    with pytest.raises(DomainError, match="no invoice rows"):
        service.check(session, batch)


def test_missing_required_columns_block_the_import_and_are_named(session, make, tmp_path):
    campaign = make.campaign()
    batch = service.store_upload(session, campaign, "s.csv", (DATA / "sage_balance_cp1252.csv").read_bytes(),
                                 str(tmp_path))
    with pytest.raises(DomainError) as err:
        service.check(session, batch, {"company_name": ["Raison sociale"], "amount": ["Montant TTC"]})
    assert "Invoice number" in str(err.value) and "Due date or invoice date" in str(err.value)


def test_a_failure_in_the_middle_of_the_load_leaves_nothing(session, make, tmp_path, monkeypatch):
    campaign = make.campaign()
    session.commit()
    batch = service.store_upload(session, campaign, "s.csv", (DATA / "sage_balance_cp1252.csv").read_bytes(),
                                 str(tmp_path))
    service.check(session, batch)
    session.commit()
    original = loading._Writer.write

    def broken(self, table, columns, rows):
        if table == "invoices":
            raise RuntimeError("disk full")
        return original(self, table, columns, rows)

    monkeypatch.setattr(loading._Writer, "write", broken)
    with pytest.raises(RuntimeError):
        service.apply(session, batch)
    session.rollback()
    service.mark_failed(session, batch.id, "disk full")
    session.commit()
    assert count(session, DebtorAccount, campaign) == 0 and count(session, Invoice, campaign) == 0
    assert session.get(ImportBatch, batch.id).status is ImportStatus.FAILED


def test_each_account_comes_in_with_the_score_the_queue_gives_it(session, make, tmp_path, monkeypatch):
    """The load writes each account's score itself: the campaign's recompute right after finds nothing to change."""
    campaign = make.campaign(period_end=clock.today() + timedelta(days=4),
                             priority_weights={"age": 2, "segments": {"Grand compte": 5}, "sizes": {"pme": 3}})
    text = ("Code client;Raison sociale;Segment;Taille;Téléphone;N° facture;Échéance;Reste dû\n"
            "A1;Alpha;Grand compte;PME;01 42 68 53 00;F1;01/06/2026;1 250,00\n"
            "B1;Beta;;;01 42 68 53 01;F2;15/03/2026;80,00\n"
            "C1;Gamma;Particulier;TPE;;F3;01/09/2026;300,00\n"
            "D1;Delta;Grand compte;;01 42 68 53 02;F4;01/06/2026;0,00\n")
    batch = service.store_upload(session, campaign, "f.csv", text.encode(), str(tmp_path))
    service.check(session, batch)
    rewritten = []
    recompute = priority.recompute_campaign
    monkeypatch.setattr(priority, "recompute_campaign", lambda *a, **k: rewritten.append(recompute(*a, **k)))
    service.apply(session, batch)
    assert rewritten == [0]
    debtors = session.scalars(sa.select(DebtorAccount).where(DebtorAccount.campaign_id == campaign.id)
                              .order_by(DebtorAccount.customer_code)).all()
    weights, today = priority.weights_for(campaign), clock.today()
    assert [d.priority for d in debtors] == [priority.score(d, weights, today, campaign) for d in debtors]
    assert debtors[0].priority > debtors[1].priority > 0      # segment, size and amount count from the start


def test_a_debtor_owing_nothing_is_imported_as_paid(session, make, tmp_path):
    campaign = make.campaign()
    (tmp_path / "in").mkdir()
    path = tmp_path / "in" / "credit.csv"
    path.write_text("Code client;Raison sociale;Tél;N° facture;Échéance;Solde\n"
                    "X1;Avoirs SA;01 42 68 53 00;AV1;01/06/2026;-50,00\n"
                    "X2;Dette SA;01 42 68 53 01;F1;01/06/2026;100,00\n", encoding="utf-8")
    batch = service.store_upload(session, campaign, "credit.csv", path.read_bytes(), str(tmp_path))
    service.check(session, batch)
    service.apply(session, batch)
    states = dict(session.execute(sa.select(DebtorAccount.customer_code, DebtorAccount.queue_state)
                                  .where(DebtorAccount.campaign_id == campaign.id)).all())
    assert states == {"X1": QueueState.PAID, "X2": QueueState.READY}


@pytest.mark.parametrize("name", ["sage_balance_cp1252.csv", "us_export_pipe.csv"])
def test_a_large_text_file_checked_in_chunks_gives_the_same_answer(session, make, tmp_path, monkeypatch, name):
    campaign = make.campaign()
    batch = service.store_upload(session, campaign, name, (DATA / name).read_bytes(), str(tmp_path))
    whole = service.check(session, batch).as_dict()
    monkeypatch.setattr(service, "LARGE_TEXT_BYTES", 100)
    monkeypatch.setattr(service, "HEAD_ROWS", 10)
    monkeypatch.setattr(service, "CHUNK_ROWS", 4)
    chunked = service.check(session, batch).as_dict()
    assert chunked == whole
    assert (chunked["accepted"], chunked["rejected"], chunked["skipped"]) == (12, 3, 7)


def test_a_debtor_with_no_dialable_number_goes_straight_to_the_numbers_to_find(session, make, tmp_path):
    from campaigns.importing import service
    from campaigns.models import DebtorAccount, ImportKind, QueueState
    from campaigns.supervision import numbers_to_find

    campaign = make.campaign()
    text = ("Code client;Raison sociale;Téléphone;N° facture;Échéance;Reste dû\n"
            "A1;Alpha;01 42 68 53 00;F1;01/06/2026;100,00\n"
            "B1;Beta;;F2;01/06/2026;200,00\n"
            "C1;Gamma;12;F3;01/06/2026;300,00\n")
    batch = service.store_upload(session, campaign, "f.csv", text.encode(), str(tmp_path), kind=ImportKind.INITIAL)
    service.check(session, batch)
    service.apply(session, batch)
    session.flush()
    states = dict(session.execute(sa.select(DebtorAccount.customer_code, DebtorAccount.queue_state)
                                  .where(DebtorAccount.campaign_id == campaign.id)).all())
    assert states == {"A1": QueueState.READY, "B1": QueueState.WRONG_NUMBER, "C1": QueueState.WRONG_NUMBER}
    assert {n.customer_code for n in numbers_to_find(session, campaign.id)} == {"B1", "C1"}
    assert batch.quality["debtors_without_phone"] == 2
