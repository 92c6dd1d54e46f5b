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
