"""What the business prioritises by: segment, company size, small balances first, and the accounts not called
yet as the campaign ends; the set-based recompute agrees with the per-debtor score, and the card says why."""
from __future__ import annotations

import html
from datetime import timedelta

import pytest

from campaigns import clock, priority
from campaigns.models import DebtorAccount


def scores(session, campaign, *debtors):
    priority.recompute_campaign(session, campaign.id)
    for d in debtors:
        session.refresh(d)
    return [d.priority for d in debtors]


def agrees(session, campaign, *debtors):
    """The one-UPDATE recompute and the per-debtor score give the same numbers."""
    weights, today = priority.weights_for(campaign), priority._today(None)
    return [d.priority for d in debtors] == [priority.score(d, weights, today, campaign) for d in debtors]


def test_segment_and_size_points_move_their_accounts_up_or_down(session, make):
    campaign = make.campaign()
    key = make.debtor(campaign, segment="Grand compte", company_size="ge")
    small = make.debtor(campaign, segment="Particulier", company_size="tpe")
    plain = make.debtor(campaign)
    before = scores(session, campaign, key, small, plain)
    assert before[0] == before[1] == before[2]
    campaign.priority_weights = {"segments": {"Grand compte": 4, "Particulier": -2}, "sizes": {"ge": 1.5}}
    after = scores(session, campaign, key, small, plain)
    assert after == [before[0] + 5.5, before[1] - 2, before[2]]
    assert agrees(session, campaign, key, small, plain)
    words = [template.format(**params) for template, params in priority.explanation(key)]
    assert "segment “Grand compte”: +4 points" in words
    assert "company size Large company: +1.5 points" in words


def test_small_balances_first_puts_the_smallest_balance_at_the_top(session, make):
    campaign = make.campaign()
    big = make.debtor(campaign, invoices=((1_500_000, 30),))
    tiny = make.debtor(campaign, invoices=((8_000, 30),))
    assert scores(session, campaign, big, tiny)[0] > tiny.priority
    campaign.priority_weights = {"small_first": True}
    big_score, tiny_score = scores(session, campaign, big, tiny)
    assert tiny_score > big_score
    assert agrees(session, campaign, big, tiny)
    template, params = priority.explanation(tiny)[0]
    assert template.format(**params) == "small balances first: 80,00\u00a0€ owed"


@pytest.mark.parametrize("days_left, bonus", [(30, 0.0), (13, 5.0 / 14), (7, 2.5), (0, 5.0), (-3, 5.0)])
def test_accounts_not_called_yet_move_up_in_the_campaigns_last_two_weeks(session, make, days_left, bonus):
    campaign = make.campaign(period_end=clock.today() + timedelta(days=days_left))
    fresh = make.debtor(campaign)
    called = make.debtor(campaign, attempts=1)
    fresh_score, called_score = scores(session, campaign, fresh, called)
    assert fresh_score - called_score == pytest.approx(bonus, abs=1e-3)
    assert agrees(session, campaign, fresh, called)
    said = any("has not been called yet" in t for t, _ in priority.explanation(fresh))
    assert said is (bonus > 0)


def test_the_queue_settings_page_stores_the_new_weights_and_refuses_a_bad_one(web, app_make, db):
    from campaigns.models import Role
    web.login(app_make.user(Role.MANAGER))
    campaign = app_make.campaign()
    app_make.debtor(campaign, segment="Grand compte")
    page = web.get(f"/rules/campaigns/{campaign.id}").get_data(as_text=True)
    assert "Segment « Grand compte »" in page and "Petits soldes d'abord" in page
    assert "Entreprise de taille intermédiaire (ETI)" in page
    form = {"weight_amount": "1", "weight_age": "1", "weight_broken_promise": "3", "weight_callback": "10",
            "weight_attempts": "0.5", "weight_ending": "5", "days": ["0", "1", "2", "3", "4"],
            "window_0_start": "09:00", "window_0_end": "18:00", "lease_minutes": "10", "max_attempts": "8",
            "promise_grace_days": "3", "callback_grace_minutes": "15", "small_first": "1",
            "segment_points_1": "4", "size_points_tpe": "2", "size_points_ge": ""}
    form.update({f"delay_{k}": "60" for k in ("no_answer", "busy", "voicemail", "switchboard", "wrong_party",
                                               "wrong_number", "right_party", "motive")})
    bad = web.post(f"/rules/campaigns/{campaign.id}", data={**form, "size_points_pme": "many"})
    assert bad.status_code == 422 and "Entrez un nombre." in bad.get_data(as_text=True)
    assert web.post(f"/rules/campaigns/{campaign.id}", data=form).status_code == 303
    db.expire_all()
    stored = db.get(type(campaign), campaign.id).priority_weights
    assert stored["small_first"] is True and stored["segments"] == {"Grand compte": 4.0}
    assert stored["sizes"] == {"tpe": 2.0}
    assert db.query(DebtorAccount).filter_by(campaign_id=campaign.id).one().priority > 0


def test_the_card_shows_the_language_size_siret_address_and_why(web, app_make, db):
    from campaigns.models import Role
    agent = app_make.user(Role.AGENT)
    campaign = app_make.campaign(agents=[agent], priority_weights={"sizes": {"pme": 3}},
                                 period_end=clock.today() + timedelta(days=3))
    app_make.debtor(campaign, company_name="Harbor View Logistics", language="en", company_size="pme",
                    siret="73282932000074", siren="732829320", address="12 Main Street\n02110 Boston",
                    segment="Export")
    priority.recompute_campaign(db, campaign.id)
    db.commit()
    web.login(agent)
    card = html.unescape(web.post(f"/console/campaigns/{campaign.id}/next", htmx=True).get_data(as_text=True))
    assert "Langue : anglais" in card
    assert "Petite ou moyenne entreprise (PME)" in card
    assert "SIRET 73282932000074" in card and "12 Main Street\n02110 Boston" in card
    assert "Petite ou moyenne entreprise (PME) : +3 points" in card
    assert "la campagne se termine dans 3 jours et ce compte n'a pas encore été appelé" in card
