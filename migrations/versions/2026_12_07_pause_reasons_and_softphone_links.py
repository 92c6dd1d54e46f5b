"""the pause reasons managers edit (the five built-in ones seeded), and a campaign's choice of tel: or sip:
links on the card

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 16:00:00
"""
from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

BUILT_IN = ("break", "lunch", "training", "technical", "briefing")


def upgrade():
    reasons = op.create_table(
        'pause_reasons',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=20), nullable=False),
        sa.Column('label', sa.String(length=60), nullable=True),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_pause_reasons')),
        sa.UniqueConstraint('code', name=op.f('uq_pause_reasons_code')),
    )
    now = datetime.now(timezone.utc)
    op.bulk_insert(reasons, [dict(code=code, label=None, position=i, active=True, created_at=now)
                             for i, code in enumerate(BUILT_IN)])
    with op.batch_alter_table('campaigns') as batch_op:
        batch_op.add_column(sa.Column('dial_scheme', sa.String(length=8), nullable=False, server_default='tel'))


def downgrade():
    with op.batch_alter_table('campaigns') as batch_op:
        batch_op.drop_column('dial_scheme')
    op.drop_table('pause_reasons')
