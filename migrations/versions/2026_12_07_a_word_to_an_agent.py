"""a manager's message to an agent, shown on its console until read; the client's customer account prefixes
in its ledger

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 15:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'agent_messages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('agent_id', sa.Integer(), nullable=False),
        sa.Column('sender_id', sa.Integer(), nullable=True),
        sa.Column('campaign_id', sa.Integer(), nullable=True),
        sa.Column('text', sa.String(length=500), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['agent_id'], ['users.id'], name=op.f('fk_agent_messages_agent_id_users'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['sender_id'], ['users.id'], name=op.f('fk_agent_messages_sender_id_users'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_agent_messages_campaign_id_campaigns'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_agent_messages')),
    )
    op.create_index('ix_agent_messages_agent_read', 'agent_messages', ['agent_id', 'read_at'])
    with op.batch_alter_table('client_companies') as batch_op:
        batch_op.add_column(sa.Column('customer_accounts', sa.String(length=100), nullable=True))


def downgrade():
    with op.batch_alter_table('client_companies') as batch_op:
        batch_op.drop_column('customer_accounts')
    op.drop_index('ix_agent_messages_agent_read', table_name='agent_messages')
    op.drop_table('agent_messages')
