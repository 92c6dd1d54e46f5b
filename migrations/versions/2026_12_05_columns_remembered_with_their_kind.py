"""the columns of a client's last file remembered with the kind of values they hold

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05 12:30:00

- client_companies.column_mapping_columns / payments_mapping_columns: the header of the client's last file
  (receivables, payments list), each column with the kind of values it held, so that the next file's
  mapping survives renamed, reordered and added columns and can say what changed;
- import_batches.columns: the same for each uploaded file, from its check.
"""
import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('client_companies') as batch_op:
        batch_op.add_column(sa.Column('column_mapping_columns', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('payments_mapping_columns', sa.JSON(), nullable=True))
    with op.batch_alter_table('import_batches') as batch_op:
        batch_op.add_column(sa.Column('columns', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('import_batches') as batch_op:
        batch_op.drop_column('columns')
    with op.batch_alter_table('client_companies') as batch_op:
        batch_op.drop_column('payments_mapping_columns')
        batch_op.drop_column('column_mapping_columns')
