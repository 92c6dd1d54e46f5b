"""Setting up a campaign: create it for a client company, assign negotiators, start, pause and close it."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from . import audit, clock, currencies, priority
from .errors import DomainError, N_, ValidationError
from .models import Campaign, CampaignStatus, ClientCompany, DebtorAccount, Role, User


def create_campaign(session: Session, client_name: str, name: str, start: date | None = None,
                    end: date | None = None, by_user_id: int | None = None) -> Campaign:
    """A draft campaign for the client company of that name (created when new)."""
    errors = {}
    client_name, name = (client_name or "").strip(), (name or "").strip()
    if not client_name:
        errors["client"] = DomainError(N_("Give the client company's name."), field="client")
    if not name:
        errors["name"] = DomainError(N_("Give the campaign a name."), field="name")
    if start and end and end < start:
        errors["end"] = DomainError(N_("The end date is before the start date."), field="end")
    if errors:
        raise ValidationError(errors)
    client = session.scalar(sa.select(ClientCompany).where(ClientCompany.name == client_name))
    if client is None:
        client = ClientCompany(name=client_name[:200])
        session.add(client)
        session.flush()
        audit.record(session, by_user_id, "client.create", client, name=client.name)
    campaign = Campaign(client_company_id=client.id, name=name[:200], status=CampaignStatus.DRAFT,
                        period_start=start, period_end=end, created_by_id=by_user_id)
    session.add(campaign)
    session.flush()
    audit.record(session, by_user_id, "campaign.create", campaign, campaign_id=campaign.id, name=campaign.name,
                 client=client.name)
    return campaign


def negotiators(session: Session) -> list[User]:
    """Active agents who can be assigned to a campaign."""
    return session.scalars(sa.select(User).where(User.role == Role.AGENT, User.is_active).order_by(User.name)).all()


def set_agents(session: Session, campaign: Campaign, user_ids: list[int], by_user_id: int | None = None) -> None:
    """Assign exactly these agents to the campaign."""
    users = session.scalars(sa.select(User).where(User.id.in_(user_ids or [-1]))).all() if user_ids else []
    if any(u.role is not Role.AGENT for u in users):
        raise DomainError(N_("Only negotiators (agents) can be assigned to a campaign."), field="agents")
    before = {u.id for u in campaign.agents}
    campaign.agents = list(users)
    after = {u.id for u in users}
    audit.record(session, by_user_id, "campaign.agents", campaign, campaign_id=campaign.id,
                 added=sorted(after - before), removed=sorted(before - after))
    session.flush()


def assign_by_email(session: Session, campaign: Campaign, emails: list[str], by_user_id: int | None = None) -> None:
    """Add the agents with these emails to the campaign."""
    users = session.scalars(sa.select(User).where(sa.func.lower(User.email).in_([e.lower() for e in emails]))).all()
    found = {u.email.lower() for u in users}
    missing = [e for e in emails if e.lower() not in found]
    if missing:
        raise DomainError(N_("No account with the email {emails}."), field="agents", emails=", ".join(missing))
    set_agents(session, campaign, [u.id for u in campaign.agents] + [u.id for u in users], by_user_id)


_NOT_WHILE = {   # one sentence per status: a status code never reaches the user
    CampaignStatus.DRAFT: N_("This is not possible while the campaign is a draft."),
    CampaignStatus.ACTIVE: N_("This is not possible while the campaign is running."),
    CampaignStatus.PAUSED: N_("This is not possible while the campaign is paused."),
    CampaignStatus.CLOSED: N_("This is not possible once the campaign is closed."),
}
_MOVES = {
    "start": ({CampaignStatus.DRAFT, CampaignStatus.PAUSED}, CampaignStatus.ACTIVE),
    "pause": ({CampaignStatus.ACTIVE}, CampaignStatus.PAUSED),
    "close": ({CampaignStatus.DRAFT, CampaignStatus.ACTIVE, CampaignStatus.PAUSED}, CampaignStatus.CLOSED),
}


def change_status(session: Session, campaign: Campaign, action: str, by_user_id: int | None = None) -> None:
    """Start, pause or close a campaign."""
    allowed, target = _MOVES[action]
    if campaign.status not in allowed:
        raise DomainError(_NOT_WHILE[campaign.status])
    if action == "start":
        missing = currencies.missing_rates(campaign_currencies(session, campaign), campaign.currency,
                                           campaign.exchange_rates)
        if missing:
            raise DomainError(N_("Enter the exchange rate of {currencies} before starting: the call order "
                                 "compares amounts in {main}."), field="rates",
                              currencies=", ".join(missing), main=campaign.currency)
    now = clock.now()
    campaign.status = target
    if action == "start" and campaign.started_at is None:
        campaign.started_at = now
    if action == "close":
        campaign.closed_at = now
    audit.record(session, by_user_id, f"campaign.{action}", campaign, campaign_id=campaign.id)
    session.flush()


def campaign_currencies(session: Session, campaign: Campaign) -> list[str]:
    """The currencies of the campaign's accounts, its own first."""
    found = set(session.scalars(sa.select(DebtorAccount.currency).where(
        DebtorAccount.campaign_id == campaign.id).distinct()))
    return [campaign.currency, *sorted(found - {campaign.currency})]


def set_exchange_rates(session: Session, campaign: Campaign, written: dict[str, str],
                       by_user_id: int | None = None) -> None:
    """Store the rates the manager typed ({currency: "1,08"}: units of the campaign's currency for one unit),
    then re-score the queue with them. Every rate typed must read; a blank one removes it."""
    if campaign.status is CampaignStatus.CLOSED:
        raise DomainError(_NOT_WHILE[CampaignStatus.CLOSED])
    known = set(campaign_currencies(session, campaign)) - {campaign.currency}
    rates = {}
    for code, value in written.items():
        if code not in known:
            continue
        value = (value or "").strip()
        if not value:
            continue
        rate = currencies.parse_rate(value)
        if rate is None:
            raise DomainError(N_("The exchange rate of {currency} must be a positive number, such as 1,08."),
                              field=f"rate_{code}", currency=code)
        rates[code] = format(rate.normalize(), "f")
    old = campaign.exchange_rates or {}
    campaign.exchange_rates = rates or None
    audit.record(session, by_user_id, "campaign.exchange_rates", campaign, campaign_id=campaign.id,
                 before=old, after=rates)
    session.flush()
    priority.recompute_campaign(session, campaign.id)
