"""The manager tunes a campaign's queue: weights, calling hours, leases, retry delays and scripts."""
from __future__ import annotations

from campaigns.models import Campaign, CallScript, Role


def form(**changes):
    data = {"weight_amount": "1", "weight_age": "1", "weight_broken_promise": "3", "weight_callback": "10",
            "weight_attempts": "0.5", "days": ["0", "1", "2", "3", "4"], "exclude_holidays": "1",
            "window_0_start": "09:00", "window_0_end": "12:30", "window_1_start": "14:00",
            "window_1_end": "18:30", "lease_minutes": "10", "max_attempts": "6", "promise_grace_days": "3",
            "callback_grace_minutes": "30", "delay_no_answer": "120", "delay_busy": "30", "delay_voicemail": "240",
            "delay_switchboard": "60", "delay_wrong_party": "1440", "delay_wrong_number": "15",
            "delay_right_party": "4320", "delay_motive": "10080", "script_0_title": "Accroche",
            "script_0_body": "Bonjour, je vous appelle de la part de…"}
    data.update(changes)
    return data


def test_a_manager_sees_the_defaults_and_saves_new_settings(web, app_make, db):
    manager = app_make.user(Role.MANAGER)
    campaign = app_make.campaign()
    web.login(manager)
    page = web.get(f"/rules/campaigns/{campaign.id}")
    assert page.status_code == 200
    assert "Pondérations de priorité" in page.get_data(as_text=True)
    saved = web.post(f"/rules/campaigns/{campaign.id}", form(weight_age="4", lease_minutes="15",
                                                             delay_no_answer="45"))
    assert saved.status_code == 303
    db.expire_all()
    c = db.get(Campaign, campaign.id)
    assert c.priority_weights["age"] == 4 and c.lease_minutes == 15
    assert c.retry_rules["no_answer"] == {"delay_minutes": 45}
    assert c.calling_hours["windows"] == [["09:00", "12:30"], ["14:00", "18:30"]]
    assert db.query(CallScript).filter_by(campaign_id=campaign.id, segment="").one().title == "Accroche"


def test_wrong_values_are_shown_next_to_their_field(web, app_make):
    manager = app_make.user(Role.MANAGER)
    campaign = app_make.campaign()
    web.login(manager)
    page = web.post(f"/rules/campaigns/{campaign.id}", form(lease_minutes="0", window_0_end="08:00", days=[]))
    assert page.status_code == 422
    text = page.get_data(as_text=True)
    assert "Choisissez au moins un jour d’appel." in text
    assert "Entrez un nombre entre 1 et 120." in text


def test_agents_cannot_open_the_settings(web, app_make):
    agent = app_make.user(Role.AGENT)
    campaign = app_make.campaign(agents=[agent])
    web.login(agent)
    assert web.get(f"/rules/campaigns/{campaign.id}").status_code in (403, 404)
