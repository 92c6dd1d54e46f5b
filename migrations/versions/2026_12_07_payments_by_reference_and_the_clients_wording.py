"""payments matched by their reference (kept on each update line); debtors who want no e-mail; each
client company's own wording of the e-mails to its debtors

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 12:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('update_lines') as batch_op:
        batch_op.add_column(sa.Column('payment_reference', sa.String(length=80), nullable=True))
    with op.batch_alter_table('debtor_accounts') as batch_op:
        batch_op.add_column(sa.Column('no_email', sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table('client_companies') as batch_op:
        batch_op.add_column(sa.Column('mail_templates', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('client_companies') as batch_op:
        batch_op.drop_column('mail_templates')
    with op.batch_alter_table('debtor_accounts') as batch_op:
        batch_op.drop_column('no_email')
    with op.batch_alter_table('update_lines') as batch_op:
        batch_op.drop_column('payment_reference')
