"""The client adapts its motive taxonomy; calls already recorded keep the label they were recorded with."""
from __future__ import annotations

import re
from datetime import datetime, timezone

import openpyxl

from campaigns import queue
from campaigns.models import ContactResult, Role
from campaigns.outcomes import MotiveInput, OutcomeInput, record_outcome
from campaigns.recap import write_recap
from campaigns.taxonomy import motives_for


def form_of(page: str) -> dict:
    """The settings form as a browser would send it: every input's value, checked boxes only."""
    fields = {}
    for tag in re.findall(r"<input[^>]*>", page):
        name = re.search(r'name="([^"]+)"', tag)
        if not name or 'type="file"' in tag:
            continue
        if 'type="checkbox"' in tag:
            if "checked" in tag:
                fields[name.group(1)] = "1"
            continue
        value = re.search(r'value="([^"]*)"', tag)
        fields[name.group(1)] = value.group(1) if value else ""
    for name, body in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', page, re.S):
        fields[name] = body
    return fields


def test_a_renamed_motive_changes_new_records_only_and_a_new_sub_motive_can_be_recorded(web, app_make, db, tmp_path):
    agent = app_make.user(Role.AGENT)
    company = app_make.client_company(name="Durand")
    campaign = app_make.campaign(client_company=company, agents=[agent])
    first, second, third = (app_make.debtor(campaign) for _ in range(3))
    now = datetime.now(timezone.utc)

    def motive(debtor, code):
        queue.open_debtor(db, debtor.id, agent.id, now=now)
        record_outcome(db, debtor.id, agent.id, OutcomeInput(result=ContactResult.RIGHT_PARTY, motives=[
            MotiveInput(invoice_ids=None, motive_code=code)]), now=now)
        db.commit()

    motive(first, "dispute.price")
    web.login(app_make.user(Role.MANAGER))
    url = f"/campaigns/{campaign.id}/client/"
    form = form_of(web.get(url).get_data(as_text=True))
    form.update({"motive-dispute.price-label_fr": "Prix contesté", "motive-dispute.price-label_en": "Price contested",
                 "new_motive_parent": "dispute", "new_motive_fr": "Remise non appliquée",
                 "new_motive_en": "Discount not applied"})
    form.pop("motive-cash_flow-active")                     # switched off for this client
    response = web.post(url, form)
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]

    codes = {m.code: m for m in motives_for(db, company.id)}
    assert codes["dispute.price"].label_fr == "Prix contesté" and "cash_flow" not in codes
    new_code = next(c for c, m in codes.items() if m.label_fr == "Remise non appliquée")
    motive(second, "dispute.price")
    motive(third, new_code)

    out = tmp_path / "recap.xlsx"
    write_recap(db, campaign.id, str(out))
    rows = list(openpyxl.load_workbook(out, read_only=True)["Litiges"].iter_rows(values_only=True))
    labels = [(r[5], r[6]) for r in rows[1:]]
    assert ("Litige commercial", "Litige sur le prix") in labels        # recorded before the rename
    assert ("Litige commercial", "Prix contesté") in labels             # after it
    assert ("Litige commercial", "Remise non appliquée") in labels
    # Another client's taxonomy is untouched.
    assert {m.code: m.label_fr for m in motives_for(db, None)}["dispute.price"] == "Litige sur le prix"
