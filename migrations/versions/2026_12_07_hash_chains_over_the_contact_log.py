"""hash chains over the contact log: one link per call attempt and audit entry, the debtor each entry is
about, the purge's stamp on events, and (PostgreSQL) triggers that refuse rewriting them

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 09:00:00
"""
import sqlalchemy as sa
from alembic import op

from campaigns.evidence.backfill import chain_existing, name_debtors_of_entries
from campaigns.models.evidence import DROP_EVIDENCE_DDL, EVIDENCE_DDL

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('audit_log') as batch_op:
        batch_op.add_column(sa.Column('debtor_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('purged_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_audit_log_debtor_id'), ['debtor_id'])
    with op.batch_alter_table('call_attempts') as batch_op:
        batch_op.add_column(sa.Column('purged_at', sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        'event_chain',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('chain', sa.String(length=48), nullable=False),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('campaign_id', sa.Integer(), nullable=True),
        sa.Column('debtor_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('event_id', sa.BigInteger(), nullable=False),
        sa.Column('event_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('chained_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('fields', sa.JSON(), nullable=False),
        sa.Column('personal_digest', sa.String(length=64), nullable=False),
        sa.Column('digest', sa.String(length=64), nullable=False),
        sa.Column('prev_hash', sa.String(length=64), nullable=False),
        sa.Column('hash', sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_event_chain')),
        sa.UniqueConstraint('chain', 'seq', name=op.f('uq_event_chain_chain_seq')),
        sa.UniqueConstraint('kind', 'event_id', name=op.f('uq_event_chain_kind_event_id')),
    )
    op.create_index('ix_event_chain_campaign_debtor', 'event_chain', ['campaign_id', 'debtor_id'])
    name_debtors_of_entries(op.get_bind())
    if op.get_bind().dialect.name == 'postgresql':
        for statement in EVIDENCE_DDL:
            op.execute(sa.text(statement))
    chain_existing(op.get_bind())


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        for statement in DROP_EVIDENCE_DDL:
            op.execute(sa.text(statement))
    op.drop_index('ix_event_chain_campaign_debtor', table_name='event_chain')
    op.drop_table('event_chain')
    with op.batch_alter_table('call_attempts') as batch_op:
        batch_op.drop_column('purged_at')
    with op.batch_alter_table('audit_log') as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_debtor_id'))
        batch_op.drop_column('purged_at')
        batch_op.drop_column('debtor_id')
