"""formal notices: the letter issued to each approved debtor, how it was sent, and the hold it puts on the
debtor's data; the campaign's notice settings

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 01:10:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('campaigns') as batch_op:
        batch_op.add_column(sa.Column('notice_settings', sa.JSON(), nullable=True))
    op.create_table(
        'formal_notices',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('campaign_id', sa.Integer(), nullable=False),
        sa.Column('debtor_id', sa.Integer(), nullable=False),
        sa.Column('reference', sa.String(length=40), nullable=False),
        sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('issued_on', sa.Date(), nullable=False),
        sa.Column('deadline_on', sa.Date(), nullable=False),
        sa.Column('sender', sa.String(length=10), nullable=False),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('principal_cents', sa.BigInteger(), nullable=False),
        sa.Column('indemnity_cents', sa.BigInteger(), nullable=False),
        sa.Column('interest_cents', sa.BigInteger(), nullable=False),
        sa.Column('issued_by_id', sa.Integer(), nullable=True),
        sa.Column('channel', sa.String(length=10), nullable=True),
        sa.Column('tracking_reference', sa.String(length=100), nullable=True),
        sa.Column('sent_on', sa.Date(), nullable=True),
        sa.Column('received_on', sa.Date(), nullable=True),
        sa.Column('refused_on', sa.Date(), nullable=True),
        sa.Column('tracked_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('hold_released_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('hold_released_by_id', sa.Integer(), nullable=True),
        sa.Column('pdf', sa.LargeBinary(), nullable=False),
        sa.Column('pdf_sha256', sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_formal_notices_campaign_id_campaigns'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['debtor_id'], ['debtor_accounts.id'],
                                name=op.f('fk_formal_notices_debtor_id_debtor_accounts'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['issued_by_id'], ['users.id'], name=op.f('fk_formal_notices_issued_by_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['hold_released_by_id'], ['users.id'],
                                name=op.f('fk_formal_notices_hold_released_by_id_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_formal_notices')),
        sa.UniqueConstraint('debtor_id', name=op.f('uq_formal_notices_debtor_id')),
        sa.UniqueConstraint('reference', name=op.f('uq_formal_notices_reference')),
    )
    op.create_index(op.f('ix_formal_notices_campaign_id'), 'formal_notices', ['campaign_id'])


def downgrade():
    op.drop_index(op.f('ix_formal_notices_campaign_id'), table_name='formal_notices')
    op.drop_table('formal_notices')
    with op.batch_alter_table('campaigns') as batch_op:
        batch_op.drop_column('notice_settings')
