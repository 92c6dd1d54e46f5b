"""client company settings, motive labels kept with each record, published interest rates

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 23:30:00

- client_companies: legal name, address, SIRET, bank details, payment terms, terms-of-sale rate, reply-to, logo;
- invoices.due_date_estimated: a due date estimated from the payment terms (the file gave none);
- invoice_motives: the labels the motive and its family had when recorded (filled from the taxonomy now);
- final_recaps: the final recap of each close, kept (a reopening supersedes it);
- legal_rates: the legal interest rate and the ECB main refinancing rate by half-year, seeded from 2024 to the
  second half of 2025 with their sources; later half-years are added by an administrator (flask rates add).
"""
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from alembic import op

import campaigns.models.base

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

RATES = [
    ("legal_interest", date(2024, 1, 1), Decimal("5.07"),
     "Arrêté fixant le taux de l'intérêt légal pour le premier semestre 2024 (autres cas), Journal officiel"),
    ("legal_interest", date(2024, 7, 1), Decimal("4.92"),
     "Arrêté fixant le taux de l'intérêt légal pour le second semestre 2024 (autres cas), Journal officiel"),
    ("legal_interest", date(2025, 1, 1), Decimal("3.71"),
     "Arrêté fixant le taux de l'intérêt légal pour le premier semestre 2025 (autres cas), Journal officiel"),
    ("legal_interest", date(2025, 7, 1), Decimal("2.76"),
     "Arrêté fixant le taux de l'intérêt légal pour le second semestre 2025 (autres cas), Journal officiel"),
    ("ecb_refi", date(2024, 1, 1), Decimal("4.50"),
     "ECB monetary policy decision of 14 September 2023 (main refinancing operations, from 20 September 2023)"),
    ("ecb_refi", date(2024, 7, 1), Decimal("4.25"),
     "ECB monetary policy decision of 6 June 2024 (main refinancing operations, from 12 June 2024)"),
    ("ecb_refi", date(2025, 1, 1), Decimal("3.15"),
     "ECB monetary policy decision of 12 December 2024 (main refinancing operations, from 18 December 2024)"),
    ("ecb_refi", date(2025, 7, 1), Decimal("2.15"),
     "ECB monetary policy decision of 5 June 2025 (main refinancing operations, from 11 June 2025)"),
]

COMPANY_COLUMNS = [
    ('legal_name', sa.String(length=200)), ('address', sa.String(length=300)), ('postal_code', sa.String(length=10)),
    ('city', sa.String(length=100)), ('siret', sa.String(length=14)), ('iban', sa.String(length=34)),
    ('bic', sa.String(length=11)), ('payment_terms_days', sa.Integer()), ('payment_terms_kind', sa.String(length=16)),
    ('late_interest_rate', sa.Numeric(precision=6, scale=3)), ('reply_to_email', sa.String(length=254)),
    ('logo', sa.LargeBinary()), ('logo_mime', sa.String(length=20)),
]
MOTIVE_LABELS = ['label_fr', 'label_en', 'family_fr', 'family_en']


def upgrade() -> None:
    with op.batch_alter_table('client_companies', schema=None) as batch_op:
        for name, type_ in COMPANY_COLUMNS:
            batch_op.add_column(sa.Column(name, type_, nullable=True))
    with op.batch_alter_table('invoice_motives', schema=None) as batch_op:
        for name in MOTIVE_LABELS:
            batch_op.add_column(sa.Column(name, sa.String(length=200), nullable=True))
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        # A server default too: bulk writers (COPY in the benchmarks, the loader) need not name it.
        batch_op.add_column(sa.Column('due_date_estimated', sa.Boolean(), nullable=False, server_default=sa.false()))
    # Motives recorded so far keep the labels their motive has today.
    op.execute("UPDATE invoice_motives SET label_fr = (SELECT label_fr FROM motives WHERE motives.id = "
               "invoice_motives.motive_id), label_en = (SELECT label_en FROM motives WHERE motives.id = "
               "invoice_motives.motive_id)")
    op.execute("UPDATE invoice_motives SET family_fr = (SELECT p.label_fr FROM motives m JOIN motives p ON "
               "p.code = m.parent_code AND p.client_company_id IS NULL WHERE m.id = invoice_motives.motive_id), "
               "family_en = (SELECT p.label_en FROM motives m JOIN motives p ON p.code = m.parent_code AND "
               "p.client_company_id IS NULL WHERE m.id = invoice_motives.motive_id)")
    op.create_table('legal_rates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('rate', sa.Numeric(precision=6, scale=3), nullable=False),
    sa.Column('source', sa.String(length=300), nullable=False),
    sa.Column('created_at', campaigns.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_legal_rates')),
    sa.UniqueConstraint('kind', 'starts_on', name=op.f('uq_legal_rates_kind_starts_on'))
    )
    op.create_table('final_recaps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('produced_at', campaigns.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('produced_by_id', sa.Integer(), nullable=True),
    sa.Column('path', sa.String(length=500), nullable=True),
    sa.Column('size_bytes', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('superseded_at', campaigns.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_final_recaps_campaign_id_campaigns'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['produced_by_id'], ['users.id'], name=op.f('fk_final_recaps_produced_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_final_recaps'))
    )
    with op.batch_alter_table('final_recaps', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_final_recaps_campaign_id'), ['campaign_id'], unique=False)
    table = sa.table('legal_rates', sa.column('kind', sa.String), sa.column('starts_on', sa.Date),
                     sa.column('rate', sa.Numeric), sa.column('source', sa.String),
                     sa.column('created_at', campaigns.models.base.UTCDateTime(timezone=True)))
    now = campaigns.models.base.utcnow()
    op.bulk_insert(table, [dict(kind=k, starts_on=d, rate=r, source=s, created_at=now) for k, d, r, s in RATES])


def downgrade() -> None:
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.drop_column('due_date_estimated')
    op.drop_table('legal_rates')
    with op.batch_alter_table('final_recaps', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_final_recaps_campaign_id'))
    op.drop_table('final_recaps')
    with op.batch_alter_table('invoice_motives', schema=None) as batch_op:
        for name in reversed(MOTIVE_LABELS):
            batch_op.drop_column(name)
    with op.batch_alter_table('client_companies', schema=None) as batch_op:
        for name, _type in reversed(COMPANY_COLUMNS):
            batch_op.drop_column(name)
