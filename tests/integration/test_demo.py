"""The demo set-up that `make run` performs is complete and can run twice."""
import sqlalchemy as sa

from campaigns import demo
from campaigns.models import Campaign, CampaignStatus, DebtorAccount, Invoice, Role, User


def _counts(session):
    return tuple(session.scalar(sa.select(sa.func.count()).select_from(m)) for m in (User, Campaign, DebtorAccount, Invoice))


def test_the_demo_loads_a_campaign_with_logins_for_each_role_and_twice_adds_nothing(session, tmp_path):
    campaign = demo.load_demo(session, str(tmp_path))
    session.commit()
    first = _counts(session)
    assert campaign.status is CampaignStatus.ACTIVE
    assert {u.role for u in session.scalars(sa.select(User))} == set(Role)
    assert first[2] >= 100 and first[3] >= 300  # a realistic file of a few hundred invoices
    assert {a.email for a in campaign.agents} == {"agent1@demo.relance.fr", "agent2@demo.relance.fr"}
    demo.load_demo(session, str(tmp_path))
    session.commit()
    assert _counts(session) == first
