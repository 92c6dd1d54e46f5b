"""The Alembic migrations build exactly the schema the models describe, on both backends."""
from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from campaigns import migrate
from campaigns.db import make_engine
from campaigns.models import Base
from tests.conftest import PG_ADMIN_URL, _postgres_reachable


@pytest.fixture(params=["sqlite", "postgres"])
def empty_database_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    reason = _postgres_reachable()
    if reason:
        pytest.skip(reason)
    name = f"relance_migr_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield sa.make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_migrating_from_zero_gives_the_models_schema(empty_database_url):
    migrate.upgrade(empty_database_url)
    engine = make_engine(empty_database_url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert differences == [], "models and migrations disagree: generate a migration"


def test_migrations_go_down_to_zero_and_up_again(empty_database_url):
    migrate.upgrade(empty_database_url)
    migrate.downgrade(empty_database_url, "base")
    engine = make_engine(empty_database_url)
    tables = set(sa.inspect(engine).get_table_names()) - {"alembic_version"}
    engine.dispose()
    assert tables == set()
    migrate.upgrade(empty_database_url)


def test_a_fresh_install_has_every_default_motive_and_upgrading_twice_adds_none(empty_database_url):
    from campaigns.db import make_session_factory
    from campaigns.models import Motive
    from campaigns.taxonomy import DEFAULT_MOTIVES

    migrate.upgrade(empty_database_url, "0001")
    engine = make_engine(empty_database_url)
    companies = sa.table("client_companies", sa.column("id"), sa.column("name"), sa.column("created_at"))
    motives = sa.table("motives", *(sa.column(c) for c in (
        "client_company_id", "code", "parent_code", "label_fr", "label_en", "blocks_queue", "asks_documents",
        "sort_order", "active")))
    with engine.begin() as conn:   # written as 0001 knew the tables: a client's own motive, a default already there
        company_id = conn.execute(companies.insert().values(name="Durand SAS", created_at=sa.func.now())
                                  .returning(companies.c.id)).scalar()
        row = dict(parent_code=None, blocks_queue=False, asks_documents=False, sort_order=0, active=True)
        conn.execute(motives.insert(), [
            dict(row, client_company_id=company_id, code="dispute.price", label_fr="Prix contesté",
                 label_en="Price contested"),
            dict(row, client_company_id=None, code="other", label_fr="Autre motif", label_en="Other")])
    migrate.upgrade(empty_database_url)
    migrate.downgrade(empty_database_url, "0001")
    migrate.upgrade(empty_database_url)
    with make_session_factory(engine)() as session:
        defaults = session.scalars(sa.select(Motive.code).where(Motive.client_company_id.is_(None))).all()
        own = session.scalars(sa.select(Motive.label_fr).where(Motive.client_company_id.is_not(None))).all()
    engine.dispose()
    assert sorted(defaults) == sorted(code for code, *_ in DEFAULT_MOTIVES)
    assert own == ["Prix contesté"]


def test_upgrading_chains_the_calls_and_entries_written_before_the_chains_existed(empty_database_url):
    """A campaign worked before the upgrade: its calls and entries are linked in their debtors' chains by
    the migration (each entry finds its debtor), and the campaign verifies."""
    from campaigns import evidence
    from campaigns.db import make_session_factory
    from campaigns.models import ChainLink

    migrate.upgrade(empty_database_url, "0009")
    engine = make_engine(empty_database_url)
    at = "2026-11-24 09:30:00+00:00"
    with engine.begin() as conn:       # written as 0009 knew the tables
        company = conn.execute(sa.text("INSERT INTO client_companies (name, created_at) VALUES ('Durand', :at) "
                                       "RETURNING id"), {"at": at}).scalar()
        campaign = conn.execute(sa.text(
            "INSERT INTO campaigns (client_company_id, name, status, period_start, period_end, timezone, currency, "
            "calling_hours, lease_minutes, max_attempts, promise_grace_days, callback_grace_minutes, retention_days, "
            "created_at) VALUES (:c, 'T4', 'active', '2026-11-01', '2026-12-31', 'Europe/Paris', 'EUR', '{}', 30, 8, "
            "3, 15, 90, :at) RETURNING id"), {"c": company, "at": at}).scalar()
        debtor = conn.execute(sa.text(
            "INSERT INTO debtor_accounts (campaign_id, customer_code, company_name, grouping_key, language, "
            "has_valid_phone, total_outstanding_cents, initial_outstanding_cents, open_invoices_count, queue_state, "
            "priority, attempts, attempts_without_contact, broken_promises, created_at, updated_at, version) "
            "VALUES (:c, 'C1', 'Garage Lopez', 'C1', 'fr', true, 100, 100, 1, 'ready', 0, 1, 0, 0, :at, :at, 1) "
            "RETURNING id"), {"c": campaign, "at": at}).scalar()
        call = conn.execute(sa.text(
            "INSERT INTO call_attempts (campaign_id, debtor_id, started_at, result, notes, created_at) "
            "VALUES (:c, :d, :at, 'refusal', 'Refuse de payer', :at) RETURNING id"),
            {"c": campaign, "d": debtor, "at": at}).scalar()
        conn.execute(sa.text(
            "INSERT INTO audit_log (at, action, entity_type, entity_id, campaign_id, details) VALUES "
            "(:at, 'call.recorded', 'call_attempts', :call, :c, :details), "
            "(:at, 'console.take_over', 'debtor_accounts', :d, :c, NULL), "
            "(:at, 'campaign.start', 'campaigns', :c, :c, NULL)"),
            {"at": at, "call": call, "c": campaign, "d": debtor, "details": '{"result": "refusal"}'})
    migrate.upgrade(empty_database_url)
    with make_session_factory(engine)() as session:
        chains = dict(session.execute(sa.select(ChainLink.chain, sa.func.count()).group_by(ChainLink.chain)).all())
        result = evidence.verify(session, campaign)
    engine.dispose()
    assert chains == {f"campaign:{campaign}/debtor:{debtor}": 3, f"campaign:{campaign}": 1}
    assert result.ok and result.events == 4, [b.describe() for b in result.breaks]


def test_an_invoice_belongs_to_its_debtors_campaign_and_goes_with_it(empty_database_url):
    """One foreign key from an invoice to its debtor and the debtor's campaign (checked once per row)."""
    from datetime import date

    from campaigns.db import make_session_factory
    from campaigns.models import Campaign, ClientCompany, DebtorAccount, Invoice
    migrate.upgrade(empty_database_url)
    engine = make_engine(empty_database_url)
    with make_session_factory(engine)() as s:
        client = ClientCompany(name="Client")
        s.add(client)
        s.flush()
        mine, other = Campaign(client_company_id=client.id, name="A"), Campaign(client_company_id=client.id, name="B")
        s.add_all([mine, other])
        s.flush()
        debtor = DebtorAccount(campaign_id=mine.id, grouping_key="code:1", company_name="Garage Martin")
        s.add(debtor)
        s.commit()
        ids = dict(mine=mine.id, other=other.id, debtor=debtor.id)

    def invoice(campaign_id, number):
        return Invoice(campaign_id=campaign_id, debtor_id=ids["debtor"], number=number, due_date=date(2026, 10, 1),
                       initial_outstanding_cents=100, outstanding_cents=100)
    with make_session_factory(engine)() as s:
        s.add(invoice(ids["other"], "F2"))
        with pytest.raises(sa.exc.IntegrityError):
            s.commit()
    with make_session_factory(engine)() as s:
        s.add(invoice(ids["mine"], "F1"))
        s.commit()
        s.execute(sa.delete(Campaign).where(Campaign.id == ids["mine"]))
        s.commit()
        assert s.scalar(sa.select(sa.func.count()).select_from(Invoice)) == 0
    engine.dispose()
