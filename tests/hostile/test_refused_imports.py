"""A refused file leaves nothing behind: no debtor, no invoice, no phone; an accepted one is imported whole."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from campaigns.errors import DomainError
from campaigns.importing import service
from campaigns.models import DebtorAccount, ImportBatch, ImportStatus, Invoice, Phone

from .files import (BROKEN_ENCODINGS, far_cell, huge_shared_strings, ods_repeated, one_long_line, sample, time_limit,
                    wide_csv)

HOSTILE = {
    "a zip bomb": huge_shared_strings,
    "a far-away cell": far_cell,
    "an opendocument repeat bomb": lambda: ods_repeated(20_000, 20_000),
    "ten thousand columns": wide_csv,
    "one line of 50 MB": one_long_line,
    "a truncated workbook": lambda: sample("receivables.xlsx")[:5000],
    "a pdf": lambda: sample("not_a_spreadsheet.pdf"),
    "NUL bytes": lambda: BROKEN_ENCODINGS["NUL bytes"],
    "headers only": lambda: sample("headers_only.csv"),
}


def written(session, campaign) -> tuple[int, int, int]:
    """(debtors, invoices, phones) of the campaign."""
    def count(model, where):
        return session.scalar(sa.select(sa.func.count()).select_from(model).where(where))
    return (count(DebtorAccount, DebtorAccount.campaign_id == campaign.id),
            count(Invoice, Invoice.campaign_id == campaign.id),
            count(Phone, Phone.debtor_id.in_(sa.select(DebtorAccount.id).where(
                DebtorAccount.campaign_id == campaign.id))))


def import_all_or_nothing(session, campaign, data: bytes, name: str, folder: str) -> str:
    """Store, check and apply the file as the pages and the worker do; "refused" or "applied"."""
    try:
        with time_limit(120):
            batch = service.store_upload(session, campaign, name, data, folder)
            service.check(session, batch)
            service.confirm(session, batch)
            service.apply(session, batch)
    except DomainError as exc:
        assert str(exc)
        session.rollback()
        return "refused"
    session.commit()
    return "applied"


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_hostile_file_is_refused_and_nothing_is_written(session, make, tmp_path, case):
    campaign = make.campaign()
    session.commit()
    assert import_all_or_nothing(session, campaign, HOSTILE[case](), f"{case}.xlsx", str(tmp_path)) == "refused"
    assert written(session, campaign) == (0, 0, 0)
    assert session.scalar(sa.select(sa.func.count()).select_from(ImportBatch)
                          .where(ImportBatch.status == ImportStatus.APPLIED)) == 0


CELLS = st.one_of(
    st.text(max_size=20),
    st.sampled_from(["=1+1", "+33 1 42 68 53 00", "-12,50", "@SUM(A1)", "1e400", "9" * 5000, "(120,00)", "31/02/2025",
                     "2025-13-45", "NaN", "inf", "\x00", "\r", '"', "<script>", "../../etc/passwd", "01/01/0001"]),
)


@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(st.lists(CELLS, min_size=6, max_size=6), min_size=1, max_size=12))
def test_any_receivables_table_is_imported_whole_or_refused_with_nothing_written(session, make, tmp_path, rows):
    header = "Code client;Raison sociale;Téléphone;N° facture;Date échéance;Montant"
    text = "\n".join([header] + [";".join(c.replace(";", ",").replace("\n", " ") for c in row) for row in rows])
    campaign = make.campaign()
    session.commit()
    result = import_all_or_nothing(session, campaign, text.encode("utf-8"), "clients.csv", str(tmp_path))
    event(result)
    debtors, invoices, _ = written(session, campaign)
    if result == "refused":
        assert (debtors, invoices) == (0, 0)
    else:
        batch = session.scalar(sa.select(ImportBatch).where(ImportBatch.campaign_id == campaign.id))
        assert (debtors, invoices) == (batch.debtors_count, batch.invoices_count)
        assert batch.rows_read == batch.accepted + batch.rejected + batch.skipped
