"""sessions end at logout: a per-user session version, part of the session's identity

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 10:30:00

- users.session_version: raised at logout and at a password change; a session cookie carrying an older
  version is refused at its next request.
"""
import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users') as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), nullable=False, server_default='0'))


def downgrade():
    with op.batch_alter_table('users') as batch_op:
        batch_op.drop_column('session_version')
