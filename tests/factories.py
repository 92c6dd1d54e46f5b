"""Factory fixtures with good defaults: ``make.campaign()``, ``make.debtor(campaign, invoices=[...])``..."""
from __future__ import annotations

import itertools
import re
from datetime import date, timedelta

import pytest

from campaigns import accounts, clock
from campaigns.models import (
    Campaign, CampaignStatus, ClientCompany, DebtorAccount, Invoice, Phone, Role,
)
from campaigns.taxonomy import ensure_default_taxonomy

PASSWORD = "correct-horse-42"
_seq = itertools.count(1)
ALWAYS_OPEN = {"days": [0, 1, 2, 3, 4, 5, 6], "windows": [["00:00", "24:00"]], "exclude_holidays": False}


class Factory:
    def __init__(self, session):
        self.session = session

    def client_company(self, name=None, **kw) -> ClientCompany:
        company = ClientCompany(name=name or f"Client {next(_seq)}", **kw)
        self.session.add(company)
        self.session.flush()
        return company

    def user(self, role: Role | str = Role.AGENT, email=None, name=None, client_company=None,
             password=PASSWORD):
        role = Role(role)
        n = next(_seq)
        if role is Role.CLIENT and client_company is None:
            client_company = self.client_company()
        return accounts.create_user(
            self.session, email or f"{role.value}{n}@example.fr", name or f"{role.value.title()} {n}", role,
            password, client_company_id=client_company.id if client_company else None)

    def campaign(self, client_company=None, agents=(), status=CampaignStatus.ACTIVE, **kw) -> Campaign:
        ensure_default_taxonomy(self.session)
        today = clock.today()
        campaign = Campaign(
            client_company_id=(client_company or self.client_company()).id,
            name=kw.pop("name", f"Campagne {next(_seq)}"), status=status,
            period_start=kw.pop("period_start", today - timedelta(days=10)),
            period_end=kw.pop("period_end", today + timedelta(days=60)),
            # Open around the clock unless a test is about calling hours: the suite runs at any hour.
            calling_hours=kw.pop("calling_hours", ALWAYS_OPEN), **kw)
        campaign.agents = list(agents)
        self.session.add(campaign)
        self.session.flush()
        return campaign

    def debtor(self, campaign, invoices=((100_000, 30),), phones=("01 42 68 53 00",), **kw) -> DebtorAccount:
        """A debtor with invoices given as (outstanding cents, days past due) pairs."""
        n = next(_seq)
        code = kw.pop("customer_code", f"C{n:05d}")
        debtor = DebtorAccount(campaign_id=campaign.id, grouping_key=f"code:{code}", customer_code=code,
                               company_name=kw.pop("company_name", f"Société {n}"),
                               has_valid_phone=bool(phones), **kw)
        self.session.add(debtor)
        self.session.flush()
        for position, raw in enumerate(phones):
            import phonenumbers
            parsed = phonenumbers.parse(raw, "FR")
            self.session.add(Phone(debtor_id=debtor.id, raw=raw, position=position,
                                   e164=phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)))
        today = clock.today()
        for i, (cents, days_late) in enumerate(invoices):
            due = today - timedelta(days=days_late)
            self.session.add(Invoice(campaign_id=campaign.id, debtor_id=debtor.id, number=f"F{n:05d}-{i + 1}",
                                     invoice_date=due - timedelta(days=30), due_date=due, amount_cents=cents,
                                     initial_outstanding_cents=cents, outstanding_cents=cents))
            debtor.total_outstanding_cents += cents
            debtor.initial_outstanding_cents += cents
            debtor.open_invoices_count += 1
            debtor.oldest_due_date = min(filter(None, [debtor.oldest_due_date, due]))
        self.session.flush()
        return debtor


@pytest.fixture
def make(session):
    return Factory(session)


class WebClient:
    """The Flask test client used the way a browser does: logged in, with the CSRF token."""

    def __init__(self, client, app):
        self.client = client
        self.app = app
        self.csrf = None

    def login(self, user, password=PASSWORD):
        page = self.client.get("/login")
        token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page.data).group(1).decode()
        response = self.client.post("/login", data={"email": user.email, "password": password, "csrf_token": token})
        assert response.status_code == 303, response.data[:500]
        self.refresh_token()
        return response

    def refresh_token(self):
        """Read the CSRF token the pages carry (from the login page when logged out)."""
        page = self.client.get("/")
        if page.status_code != 200:
            page = self.client.get("/login")
        match = re.search(rb'"X-CSRFToken": "([^"]+)"', page.data)
        self.csrf = match.group(1).decode() if match else None

    def get(self, url, htmx=False, **kw):
        headers = kw.pop("headers", {})
        if htmx:
            headers["HX-Request"] = "true"
        return self.client.get(url, headers=headers, **kw)

    def post(self, url, data=None, htmx=False, csrf=True, **kw):
        headers = kw.pop("headers", {})
        if htmx:
            headers["HX-Request"] = "true"
        if csrf and self.csrf:
            headers["X-CSRFToken"] = self.csrf
        return self.client.post(url, data=data or {}, headers=headers, **kw)


@pytest.fixture
def web(client, app):
    return WebClient(client, app)


@pytest.fixture
def app_make(db):
    """Factories on the app's own session: committed, so requests see what they create."""
    factory = Factory(db)

    class Committing:
        def __getattr__(self, name):
            method = getattr(factory, name)

            def call(*args, **kwargs):
                result = method(*args, **kwargs)
                db.commit()
                return result
            return call

    return Committing()
