"""A workbook whose data sheet is linked as a chartsheet or a dialogsheet is measured like any worksheet:
refused with its reason, at the upload and on the mapping page, and no reader can take this process down."""
from __future__ import annotations

import os

import pytest
import sqlalchemy as sa

from campaigns.errors import DomainError
from campaigns.importing import reading, service
from campaigns.models import ImportBatch, ImportStatus, Role

from .files import far_cell_as, time_limit

KINDS = ["chartsheet", "dialogsheet"]


@pytest.mark.parametrize("kind", KINDS)
def test_a_far_cell_in_a_chartsheet_or_dialogsheet_is_refused_before_calamine_reads_it(kind):
    data = far_cell_as(kind)
    assert len(data) < 10_000            # a few kilobytes
    with time_limit(60), pytest.raises(DomainError) as caught:
        reading.read_file(data, "clients.xlsx")
    assert str(caught.value) == "The file has 16384 columns, more than the 1000 we read: is it really a receivables file?"


@pytest.mark.parametrize("kind", KINDS)
def test_the_reader_itself_runs_apart_so_a_file_past_every_guard_cannot_abort_this_process(kind):
    # Straight to calamine, guards skipped: it aborts in its child process, and this one answers a refusal.
    with time_limit(120), pytest.raises(DomainError) as caught:
        reading._read_apart(far_cell_as(kind), None)
    assert str(caught.value) == "The file is not a spreadsheet we can read."
    assert os.getpid()      # still here


@pytest.mark.parametrize("kind", KINDS)
def test_the_upload_refuses_it_and_stores_nothing(session, make, tmp_path, kind):
    campaign = make.campaign()
    with pytest.raises(DomainError, match="16384 columns"):
        service.store_upload(session, campaign, "clients.xlsx", far_cell_as(kind), str(tmp_path))
    assert session.scalar(sa.select(sa.func.count()).select_from(ImportBatch)) == 0
    assert not any(tmp_path.rglob("*.xlsx"))


def test_the_mapping_page_of_a_refused_file_says_why_once_and_does_not_read_it_again(web, app_make, db, tmp_path):
    """A file stored before today's guards: the first visit reads and refuses it, later ones show the reason."""
    web.login(app_make.user(Role.MANAGER))
    campaign = app_make.campaign()
    client = web
    session = db
    path = tmp_path / "old.xlsx"
    path.write_bytes(far_cell_as("chartsheet"))
    batch = ImportBatch(campaign_id=campaign.id, file_name="clients.xlsx", stored_path=str(path), sha256="0" * 64,
                        size_bytes=path.stat().st_size)
    session.add(batch)
    session.commit()
    url = f"/manage/campaigns/{campaign.id}/imports/{batch.id}/mapping"
    first = client.get(url)
    assert first.status_code == 422 and "16384" in first.get_data(as_text=True)
    session.expire_all()
    assert session.get(ImportBatch, batch.id).status is ImportStatus.REFUSED
    path.unlink()                       # not read again: the stored reason is shown
    second = client.get(url)
    assert second.status_code == 422 and "16384" in second.get_data(as_text=True)
    assert second.get_data(as_text=True).count("16384") == 1
