"""an outbox of e-mails to debtors, sent by the worker; the addresses a server refused for good; each
promise's payment reference

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 10:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('debtor_accounts') as batch_op:
        batch_op.add_column(sa.Column('invalid_emails', sa.String(length=500), nullable=True))
    with op.batch_alter_table('promises') as batch_op:
        batch_op.add_column(sa.Column('payment_reference', sa.String(length=25), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_promises_payment_reference'), ['payment_reference'])
    op.create_table(
        'outbound_messages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('campaign_id', sa.Integer(), nullable=True),
        sa.Column('debtor_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('about', sa.String(length=60), nullable=True),
        sa.Column('language', sa.String(length=8), nullable=False),
        sa.Column('recipients', sa.JSON(), nullable=False),
        sa.Column('reply_to', sa.String(length=254), nullable=True),
        sa.Column('subject', sa.String(length=300), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('message_id', sa.String(length=200), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('last_error', sa.String(length=500), nullable=True),
        sa.Column('refused', sa.JSON(), nullable=True),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_outbound_messages_campaign_id_campaigns'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['debtor_id'], ['debtor_accounts.id'],
                                name=op.f('fk_outbound_messages_debtor_id_debtor_accounts'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outbound_messages')),
        sa.UniqueConstraint('message_id', name=op.f('uq_outbound_messages_message_id')),
        sa.UniqueConstraint('kind', 'about', name=op.f('uq_outbound_messages_kind_about')),
    )
    op.create_index(op.f('ix_outbound_messages_campaign_id'), 'outbound_messages', ['campaign_id'])
    op.create_index(op.f('ix_outbound_messages_debtor_id'), 'outbound_messages', ['debtor_id'])
    op.create_index('ix_outbound_messages_due', 'outbound_messages', ['status', 'next_attempt_at'])


def downgrade():
    op.drop_index('ix_outbound_messages_due', table_name='outbound_messages')
    op.drop_index(op.f('ix_outbound_messages_debtor_id'), table_name='outbound_messages')
    op.drop_index(op.f('ix_outbound_messages_campaign_id'), table_name='outbound_messages')
    op.drop_table('outbound_messages')
    with op.batch_alter_table('promises') as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_promises_payment_reference'), type_='unique')
        batch_op.drop_column('payment_reference')
    with op.batch_alter_table('debtor_accounts') as batch_op:
        batch_op.drop_column('invalid_emails')
