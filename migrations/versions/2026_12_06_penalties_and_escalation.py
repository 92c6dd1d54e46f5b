"""penalties and escalation: a promise's penalty waiver, the opening date of collective proceedings, the
campaign's escalation rules and the client's decision on each formal notice

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 14:10:00

- promises.penalties_waived_if_paid_by / penalty_waiver: the agent's lever ("pénalités abandonnées si paiement
  au plus tard le …") and what became of it (offered, granted, revoked);
- invoice_motives.proceedings_opened_on: the opening judgement's date of an "insolvency proceedings" motive;
- campaigns.escalation_rules: None means the defaults of campaigns.escalation;
- notice_decisions: per debtor, the client's approval or refusal of a formal notice (no row: pending);
- legal_rates: the ECB rate in force on 1 January 2026 (the penalties' default rate), when not entered yet.
"""
from datetime import date, datetime, timezone
from decimal import Decimal

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

RATES = [
    ("ecb_refi", date(2026, 1, 1), Decimal("2.15"),
     "ECB monetary policy decision of 18 December 2025 (key rates unchanged: main refinancing operations at "
     "2.15 % since 11 June 2025)"),
]


def upgrade():
    with op.batch_alter_table('promises') as batch_op:
        batch_op.add_column(sa.Column('penalties_waived_if_paid_by', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('penalty_waiver', sa.String(length=10), nullable=True))
    with op.batch_alter_table('invoice_motives') as batch_op:
        batch_op.add_column(sa.Column('proceedings_opened_on', sa.Date(), nullable=True))
    with op.batch_alter_table('campaigns') as batch_op:
        batch_op.add_column(sa.Column('escalation_rules', sa.JSON(), nullable=True))
    op.create_table(
        'notice_decisions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('campaign_id', sa.Integer(), nullable=False),
        sa.Column('debtor_id', sa.Integer(), nullable=False),
        sa.Column('decision', sa.String(length=10), nullable=False),
        sa.Column('comment', sa.Text(), nullable=True),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_notice_decisions_campaign_id_campaigns'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['debtor_id'], ['debtor_accounts.id'],
                                name=op.f('fk_notice_decisions_debtor_id_debtor_accounts'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_notice_decisions_decided_by_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notice_decisions')),
        sa.UniqueConstraint('debtor_id', name=op.f('uq_notice_decisions_debtor_id')),
    )
    op.create_index(op.f('ix_notice_decisions_campaign_id'), 'notice_decisions', ['campaign_id'])
    table = sa.table('legal_rates', sa.column('kind', sa.String), sa.column('starts_on', sa.Date),
                     sa.column('rate', sa.Numeric), sa.column('source', sa.String),
                     sa.column('created_at', sa.DateTime(timezone=True)))
    bind = op.get_bind()
    now = datetime.now(timezone.utc)
    for kind, starts_on, rate, source in RATES:
        known = bind.execute(sa.select(sa.func.count()).select_from(table).where(
            table.c.kind == kind, table.c.starts_on == starts_on)).scalar()
        if not known:
            op.bulk_insert(table, [dict(kind=kind, starts_on=starts_on, rate=rate, source=source, created_at=now)])


def downgrade():
    op.drop_index(op.f('ix_notice_decisions_campaign_id'), table_name='notice_decisions')
    op.drop_table('notice_decisions')
    with op.batch_alter_table('campaigns') as batch_op:
        batch_op.drop_column('escalation_rules')
    with op.batch_alter_table('invoice_motives') as batch_op:
        batch_op.drop_column('proceedings_opened_on')
    with op.batch_alter_table('promises') as batch_op:
        batch_op.drop_column('penalty_waiver')
        batch_op.drop_column('penalties_waived_if_paid_by')
