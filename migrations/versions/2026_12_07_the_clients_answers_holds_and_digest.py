"""the client company's answers to disputes (decision, note, attachments, corrections), new numbers or none
known, holds on debtors and invoices, and the daily digest a user may turn off

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 13:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('invoice_motives') as batch_op:
        batch_op.add_column(sa.Column('client_decision', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('client_note', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('answered_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_invoice_motives_answered_by_id_users'), 'users',
                                    ['answered_by_id'], ['id'], ondelete='SET NULL')
    with op.batch_alter_table('debtor_accounts') as batch_op:
        batch_op.add_column(sa.Column('no_number_known', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('held_reason', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('held_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('held_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('held_from_state', sa.String(length=16), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_debtor_accounts_held_by_id_users'), 'users',
                                    ['held_by_id'], ['id'], ondelete='SET NULL')
    with op.batch_alter_table('invoices') as batch_op:
        batch_op.add_column(sa.Column('held_reason', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('held_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('held_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_invoices_held_by_id_users'), 'users',
                                    ['held_by_id'], ['id'], ondelete='SET NULL')
    with op.batch_alter_table('users') as batch_op:
        batch_op.add_column(sa.Column('digest_enabled', sa.Boolean(), server_default=sa.true(), nullable=False))
    op.create_table(
        'invoice_corrections',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('campaign_id', sa.Integer(), nullable=False),
        sa.Column('invoice_id', sa.Integer(), nullable=False),
        sa.Column('motive_id', sa.Integer(), nullable=True),
        sa.Column('old_outstanding_cents', sa.BigInteger(), nullable=False),
        sa.Column('new_outstanding_cents', sa.BigInteger(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_invoice_corrections_campaign_id_campaigns'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], name=op.f('fk_invoice_corrections_invoice_id_invoices'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['motive_id'], ['invoice_motives.id'], name=op.f('fk_invoice_corrections_motive_id_invoice_motives'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_invoice_corrections_user_id_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_invoice_corrections')),
    )
    op.create_index(op.f('ix_invoice_corrections_campaign_id'), 'invoice_corrections', ['campaign_id'])
    op.create_index(op.f('ix_invoice_corrections_invoice_id'), 'invoice_corrections', ['invoice_id'])
    op.create_table(
        'dispute_attachments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('campaign_id', sa.Integer(), nullable=False),
        sa.Column('motive_id', sa.Integer(), nullable=False),
        sa.Column('file_name', sa.String(length=200), nullable=False),
        sa.Column('mime', sa.String(length=40), nullable=False),
        sa.Column('size_bytes', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=True),
        sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_dispute_attachments_campaign_id_campaigns'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['motive_id'], ['invoice_motives.id'], name=op.f('fk_dispute_attachments_motive_id_invoice_motives'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_dispute_attachments_uploaded_by_id_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_dispute_attachments')),
    )
    op.create_index(op.f('ix_dispute_attachments_campaign_id'), 'dispute_attachments', ['campaign_id'])
    op.create_index(op.f('ix_dispute_attachments_motive_id'), 'dispute_attachments', ['motive_id'])


def downgrade():
    op.drop_table('dispute_attachments')
    op.drop_table('invoice_corrections')
    with op.batch_alter_table('users') as batch_op:
        batch_op.drop_column('digest_enabled')
    with op.batch_alter_table('invoices') as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_invoices_held_by_id_users'), type_='foreignkey')
        for column in ('held_by_id', 'held_at', 'held_reason'):
            batch_op.drop_column(column)
    with op.batch_alter_table('debtor_accounts') as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_debtor_accounts_held_by_id_users'), type_='foreignkey')
        for column in ('held_from_state', 'held_by_id', 'held_at', 'held_reason', 'no_number_known'):
            batch_op.drop_column(column)
    with op.batch_alter_table('invoice_motives') as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_invoice_motives_answered_by_id_users'), type_='foreignkey')
        for column in ('answered_by_id', 'answered_at', 'client_note', 'client_decision'):
            batch_op.drop_column(column)
