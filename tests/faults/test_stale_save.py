"""A save sent from a card whose lease expired never overwrites what another agent recorded since."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from campaigns.models import CallAttempt, DebtorAccount, Role
from tests.factories import WebClient


def test_a_stale_save_after_another_agent_called_and_moved_on_is_refused_and_changes_nothing(app, app_make, db):
    alice, bruno = app_make.user(Role.AGENT, name="Alice Martin"), app_make.user(Role.AGENT, name="Bruno Petit")
    campaign = app_make.campaign(agents=[alice, bruno])
    debtor = app_make.debtor(campaign, company_name="Société Alpha")
    url = f"/console/campaigns/{campaign.id}"
    alice_web, bruno_web = WebClient(app.test_client(), app), WebClient(app.test_client(), app)
    alice_web.login(alice)
    bruno_web.login(bruno)
    assert f'data-debtor="{debtor.id}"' in alice_web.post(url + "/next", htmx=True).text

    db.expire_all()
    held = db.get(DebtorAccount, debtor.id)  # Alice's lease runs out: she left the card open and went away
    held.lease_expires_at -= timedelta(minutes=campaign.lease_minutes or 10, seconds=1)
    db.commit()
    assert f'data-debtor="{debtor.id}"' in bruno_web.post(url + "/next", htmx=True).text
    saved = bruno_web.post(f"{url}/debtors/{debtor.id}/outcome",
                           {"outcome": "voicemail", "notes": "Bruno : message laissé", "request_key": "bruno-1"},
                           htmx=True)
    assert saved.status_code == 200 and "Appel enregistré." in saved.text

    stale = alice_web.post(f"{url}/debtors/{debtor.id}/outcome",
                           {"outcome": "no_answer", "notes": "Alice : pas de réponse", "request_key": "alice-1"},
                           htmx=True)
    assert stale.status_code == 409
    assert "Non enregistré." in stale.text and "Vous ne détenez plus ce débiteur" in stale.text
    db.expire_all()
    calls = db.scalars(sa.select(CallAttempt).where(CallAttempt.debtor_id == debtor.id)).all()
    assert [(c.agent_id, c.notes) for c in calls] == [(bruno.id, "Bruno : message laissé")]
    after = db.get(DebtorAccount, debtor.id)
    assert (after.last_result, after.last_note, after.leased_by_id) == ("voicemail", "Bruno : message laissé", None)
