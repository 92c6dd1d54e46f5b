"""The demo: a client company, a campaign with a realistic receivables file, and logins per role.

Idempotent: running it again finds what exists and adds nothing twice.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from . import accounts, pause_reasons
from .models import Campaign, CampaignStatus, ClientCompany, Role, User, utcnow
from .taxonomy import ensure_default_taxonomy

DEMO_FILE = Path(__file__).parent / "demo_data" / "balance_agee_demo.csv"
DEMO_CLIENT = "Fournitures Durand SAS"
DEMO_CAMPAIGN = "Relance automne 2026"
DEMO_PASSWORD = "relance-demo-2026"


@dataclass(frozen=True)
class DemoLogin:
    email: str
    name: str
    role: Role


DEMO_LOGINS = [
    DemoLogin("admin@demo.relance.fr", "Alice Admin", Role.ADMIN),
    DemoLogin("manager@demo.relance.fr", "Marc Manager", Role.MANAGER),
    DemoLogin("agent1@demo.relance.fr", "Nadia Négociatrice", Role.AGENT),
    DemoLogin("agent2@demo.relance.fr", "Thomas Négociateur", Role.AGENT),
    DemoLogin("client@demo.relance.fr", "Claire Client", Role.CLIENT),
]


def load_demo(session: Session, upload_folder: str | None = None) -> Campaign:
    """Create (or find) the demo client, its users and its campaign with the demo file loaded."""
    ensure_default_taxonomy(session)
    pause_reasons.ensure_defaults(session)
    client = session.scalar(sa.select(ClientCompany).where(ClientCompany.name == DEMO_CLIENT))
    if client is None:
        client = ClientCompany(name=DEMO_CLIENT, siren="552100554", contact_name="Hélène Durand",
                               contact_email="compta@durand-fournitures.fr", contact_phone="+33 1 42 68 53 00",
                               # Settings a letter or an estimated due date needs (a well-known test IBAN).
                               legal_name="Fournitures Durand SAS", address="12 rue des Lilas", postal_code="69003",
                               city="Lyon", siret="55210055400013", iban="FR7630006000011234567890189",
                               bic="AGRIFRPP", payment_terms_kind="eom_then_days", payment_terms_days=45,
                               reply_to_email="compta@durand-fournitures.fr")
        session.add(client)
        session.flush()
    users = {}
    for login in DEMO_LOGINS:
        user = session.scalar(sa.select(User).where(User.email == login.email))
        if user is None:
            user = accounts.create_user(session, login.email, login.name, login.role, DEMO_PASSWORD,
                                        client_company_id=client.id if login.role is Role.CLIENT else None)
        users[login.email] = user
    campaign = session.scalar(sa.select(Campaign).where(
        Campaign.client_company_id == client.id, Campaign.name == DEMO_CAMPAIGN))
    if campaign is None:
        today = utcnow().date()
        campaign = Campaign(client_company_id=client.id, name=DEMO_CAMPAIGN, status=CampaignStatus.DRAFT,
                            period_start=today - timedelta(days=3), period_end=today + timedelta(days=40),
                            created_by_id=users["manager@demo.relance.fr"].id,
                            # The demo is tried at any hour; real campaigns default to office hours.
                            calling_hours={"days": [0, 1, 2, 3, 4, 5, 6], "windows": [["00:00", "24:00"]],
                                           "exclude_holidays": False})
        campaign.agents = [u for u in users.values() if u.role is Role.AGENT]
        session.add(campaign)
        session.flush()
        _load_file(session, campaign, users["manager@demo.relance.fr"], upload_folder)
        campaign.status = CampaignStatus.ACTIVE
        campaign.started_at = utcnow()
        _approve_notices(session, campaign, users["client@demo.relance.fr"])
    session.flush()
    return campaign


def _approve_notices(session: Session, campaign: Campaign, client_user: User, count: int = 3) -> None:
    """The client approved a formal notice for the largest debtors proposed: the demo shows the letters."""
    from . import escalation

    for candidate in escalation.candidates(session, campaign)[:count]:
        escalation.decide(session, campaign, candidate.debtor_id, client_user, approve=True,
                          comment="Démo : à mettre en demeure")


def _load_file(session: Session, campaign: Campaign, manager: User, upload_folder: str | None) -> None:
    """The demo file goes through the real import: stored, checked, loaded."""
    import tempfile

    from .importing import service
    folder = upload_folder or tempfile.mkdtemp(prefix="relance-demo-")
    batch = service.store_upload(session, campaign, DEMO_FILE.name, DEMO_FILE.read_bytes(), folder,
                                 user_id=manager.id)
    service.check(session, batch)
    service.apply(session, batch)
