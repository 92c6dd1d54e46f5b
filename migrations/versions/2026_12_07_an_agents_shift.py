"""an agent's shift: each change of state stamped, when each call was dialled and hung up, the console's
last heartbeat

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 14:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'agent_state_changes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('agent_id', sa.Integer(), nullable=False),
        sa.Column('campaign_id', sa.Integer(), nullable=True),
        sa.Column('state', sa.String(length=12), nullable=False),
        sa.Column('reason', sa.String(length=20), nullable=True),
        sa.Column('debtor_id', sa.Integer(), nullable=True),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['agent_id'], ['users.id'], name=op.f('fk_agent_state_changes_agent_id_users'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_agent_state_changes_campaign_id_campaigns'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_agent_state_changes')),
    )
    op.create_index('ix_agent_state_changes_agent_at', 'agent_state_changes', ['agent_id', 'at'])
    with op.batch_alter_table('call_attempts') as batch_op:
        batch_op.add_column(sa.Column('dialled_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('hung_up_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('users') as batch_op:
        batch_op.add_column(sa.Column('last_heartbeat_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('users') as batch_op:
        batch_op.drop_column('last_heartbeat_at')
    with op.batch_alter_table('call_attempts') as batch_op:
        batch_op.drop_column('hung_up_at')
        batch_op.drop_column('dialled_at')
    op.drop_index('ix_agent_state_changes_agent_at', table_name='agent_state_changes')
    op.drop_table('agent_state_changes')
