"""What a view puts in the job queue: ids, never the database URL (it holds the database's password and the
queue stores it, in Redis or in a file)."""
from __future__ import annotations

import io
import pickle
from pathlib import Path


from campaigns.models import CampaignStatus, Role

DATA = Path(__file__).resolve().parents[1] / "data"



def test_a_large_check_and_a_background_recap_queue_ids_only(web, app_make, app, job_store):
    web.login(app_make.user(Role.MANAGER))
    campaign = app_make.campaign(status=CampaignStatus.DRAFT)
    name = "sage_balance_cp1252.csv"
    uploaded = web.post(f"/manage/campaigns/{campaign.id}/imports",
                        data={"file": (io.BytesIO((DATA / name).read_bytes()), name), "kind": "initial"},
                        content_type="multipart/form-data")
    from app.manage import imports
    imports.INLINE_CHECK_BYTES, before = 0, imports.INLINE_CHECK_BYTES    # checked by the worker
    try:
        page = web.get(uploaded.headers["Location"]).get_data(as_text=True)
        import re
        form = {n: v for n, v in re.findall(r'<select name="(col-\d+)"[^>]*>.*?<option value="(\w+)" selected',
                                              page, re.S)}
        assert web.post(uploaded.headers["Location"], data=form).status_code == 303
    finally:
        imports.INLINE_CHECK_BYTES = before
    assert web.post(f"/campaigns/{campaign.id}/supervision/recap/background").status_code in (200, 303)
    stored = job_store.storage.enqueued_items()
    assert len(stored) == 2
    url = app.config["DATABASE_URL"]
    secret = url.split("://", 1)[1].encode()
    for item in stored:
        raw = item if isinstance(item, bytes) else pickle.dumps(item)
        assert secret not in raw and b"sqlite" not in raw and b"postgresql" not in raw
        assert app.config["EXPORT_FOLDER"].encode() not in raw     # no path either: the worker knows its folders
    tasks = [job_store.deserialize_task(item) for item in stored]
    assert sorted(t.name for t in tasks) == ["check_import", "export_recap"]
    for task in tasks:
        assert all(isinstance(arg, (int, str, bool, type(None))) for arg in task.args), task.args


def test_asking_again_for_a_background_recap_follows_the_one_under_way(web, app_make, app, job_store):
    company = app_make.client_company()
    campaign = app_make.campaign(client_company=company)
    web.login(app_make.user(Role.CLIENT, client_company=company))
    url = f"/campaigns/{campaign.id}/supervision/recap/background"
    first = web.post(url)
    again = web.post(url)
    assert first.headers["Location"] == again.headers["Location"]          # the same export, followed
    assert len(job_store.storage.enqueued_items()) == 1
    from tests.factories import WebClient
    other = WebClient(app.test_client(), app)
    other.login(app_make.user(Role.CLIENT, client_company=company))
    assert other.post(url).headers["Location"] != first.headers["Location"]  # another user's is their own
    assert len(job_store.storage.enqueued_items()) == 2
